// Bundles the app into the Python package (src/casino_club/web/static/ by default, or the
// directory given as the first argument: the suite's staleness test builds into a temporary
// one and compares bytes). Output names carry a digest of their content, so the server
// serves them as immutable; manifest.json tells it which files the page loads.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { build } from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const outdir = resolve(process.argv[2] ?? join(here, "..", "src", "casino_club", "web", "static"));

mkdirSync(outdir, { recursive: true });
// The previous build's files only (their names change with their content).
for (const name of readdirSync(outdir)) {
  if (/^(app-\w+\.js|style-\w+\.css|manifest\.json)$/.test(name)) rmSync(join(outdir, name));
}

const result = await build({
  entryPoints: { app: join(here, "src", "main.ts"), style: join(here, "src", "app.css") },
  bundle: true,
  minify: true,
  format: "iife",
  target: "es2022",
  platform: "browser",
  // Apollo Client's production build: no dev-only checks and messages (their codes
  // still name the error, see go.apollo.dev/c/err).
  conditions: ["production"],
  charset: "utf8",
  legalComments: "eof",
  entryNames: "[name]-[hash]",
  outdir,
  metafile: true,
  logLevel: "warning",
});

const outputs = Object.entries(result.metafile.outputs);
const named = (entry) => {
  const found = outputs.find(([, output]) => output.entryPoint?.endsWith(entry));
  if (!found) throw new Error(`no output for ${entry}`);
  return basename(found[0]);
};
const manifest = { script: named("src/main.ts"), style: named("src/app.css") };
writeFileSync(join(outdir, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
