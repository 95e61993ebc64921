"""The Dockerfile builds what docs/operations.md says (there is no Docker engine in CI,
so its structure is checked): two stages; the builder installs requirements.lock with
--require-hashes, then the project without dependencies; the final stage takes only the
virtualenv and the sources, runs as a user of its own, installs nothing, and checks
/health. And .dockerignore keeps history, environments, secrets, caches and local
databases out of the build context without leaving out anything the image copies."""

from __future__ import annotations

import re
import shlex
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LOCK = "requirements.lock"


@dataclass
class Stage:
    base: str
    name: str | None
    instructions: list[tuple[str, str]] = field(default_factory=list)

    def all(self, keyword: str) -> list[str]:
        return [args for word, args in self.instructions if word == keyword]


def stages() -> list[Stage]:
    text = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text())
    found: list[Stage] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        word, _, args = line.partition(" ")
        word, args = word.upper(), " ".join(args.split())
        if word == "FROM":
            parts = args.split()
            name = parts[2] if len(parts) == 3 and parts[1].upper() == "AS" else None
            found.append(Stage(parts[0], name))
        elif found:
            found[-1].instructions.append((word, args))
    return found


def copied_sources(stage: Stage) -> list[str]:
    """What a stage copies from the build context (not --from another stage)."""
    sources: list[str] = []
    for args in stage.all("COPY"):
        words = shlex.split(args)
        if any(word.startswith("--from") for word in words):
            continue
        sources += [word for word in words if not word.startswith("--")][:-1]
    return sources


def test_two_stages_the_builder_installs_the_lock_with_hashes_then_the_project() -> None:
    builder, final = stages()
    assert builder.name == "builder"
    assert final.base == builder.base, "the final stage starts from the slim base again"
    assert LOCK in copied_sources(builder)
    runs = builder.all("RUN")
    locked = [i for i, run in enumerate(runs) if "pip install --require-hashes -r" in run]
    assert len(locked) == 1 and runs[locked[0]].endswith(LOCK), runs
    project = [
        i for i, run in enumerate(runs) if re.search(r"pip install --no-deps (-e )?\.$", run)
    ]
    assert len(project) == 1 and project[0] > locked[0], runs


def test_the_final_stage_takes_the_virtualenv_runs_unprivileged_and_checks_health() -> None:
    _, final = stages()
    assert any(args.startswith("--from=builder /opt/venv") for args in final.all("COPY"))
    for run in final.all("RUN"):
        # Nothing installed here: no compiler, no package manager's leftovers.
        assert not re.search(r"pip |apt-get|apk |gcc|build-essential", run), run
    words = [word for word, _ in final.instructions]
    users = final.all("USER")
    assert users and users[-1] not in {"root", "0"} and not users[-1].startswith("0:")
    last_user = len(words) - 1 - words[::-1].index("USER")
    assert "RUN" not in words[last_user:], "everything after USER runs unprivileged"
    assert "useradd --system --uid 10001" in " ".join(final.all("RUN"))
    (healthcheck,) = final.all("HEALTHCHECK")
    assert "/health" in healthcheck and "CMD" in healthcheck
    (command,) = final.all("CMD")
    # The server is exec'd: PID 1, so a stop's SIGTERM reaches it rather than the shell.
    assert "casino-club migrate && casino-club seed && exec casino-club serve" in command
    assert "PATH=/opt/venv/bin:$PATH" in " ".join(final.all("ENV"))


def ignore_patterns() -> list[re.Pattern[str]]:
    """.dockerignore's patterns as Docker reads them: relative to the context's root,
    `*` and `?` within a path segment, `**` across segments; a directory that matches
    takes everything under it."""
    patterns: list[re.Pattern[str]] = []
    for line in (ROOT / ".dockerignore").read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        assert not line.startswith("!"), "exceptions are not used (nor handled here)"
        regex = ""
        rest = line.lstrip("/")
        while rest:
            if rest.startswith("**/"):
                regex, rest = regex + "(?:.*/)?", rest[3:]
            elif rest.startswith("**"):
                regex, rest = regex + ".*", rest[2:]
            elif rest[0] == "*":
                regex, rest = regex + "[^/]*", rest[1:]
            elif rest[0] == "?":
                regex, rest = regex + "[^/]", rest[1:]
            else:
                regex, rest = regex + re.escape(rest[0]), rest[1:]
        patterns.append(re.compile(regex))
    return patterns


def ignored(path: str, patterns: list[re.Pattern[str]]) -> bool:
    parts = path.split("/")
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    return any(pattern.fullmatch(prefix) for pattern in patterns for prefix in prefixes)


def test_dockerignore_keeps_out_history_environments_secrets_caches_and_databases() -> None:
    patterns = ignore_patterns()
    for path in [
        ".git/HEAD",
        ".venv/bin/python",
        "web/node_modules/react/index.js",
        "clients/node_modules/graphql/index.js",
        "src/casino_club/__pycache__/app.cpython-311.pyc",
        ".mypy_cache/3.11/x.json",
        ".pytest_cache/v/cache/lastfailed",
        ".ruff_cache/CACHEDIR.TAG",
        "test-artifacts/test_spin/01.png",
        "casino.db",
        "casino.db-wal",
        "data/other.db",
        ".env",
        "src/casino_club.egg-info/PKG-INFO",
        "tests/conftest.py",
    ]:
        assert ignored(path, patterns), path


def test_dockerignore_leaves_every_file_the_image_copies() -> None:
    patterns = ignore_patterns()
    sources = sorted({source for stage in stages() for source in copied_sources(stage)})
    assert {"src", "migrations", LOCK, "pyproject.toml"} <= set(sources)
    tracked = subprocess.run(
        ["git", "ls-files", "--", *sources], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    # The package's data among them: GraphiQL's assets (under dist/ directories) and
    # the web client's build.
    assert any("/graphiql/assets/" in path and "/dist/" in path for path in tracked)
    assert any(path.startswith("src/casino_club/web/static/") for path in tracked)
    left_out = [path for path in tracked if ignored(path, patterns)]
    assert left_out == []
