"""Where the server's CPU goes during a `slotSpin` load: py-spy samples the worker while
wrk drives it, and the top of the profile goes into RESULTS.md.

SQLAlchemy runs its async work in greenlets, which py-spy shows as separate stacks; so
samples are grouped by the library any frame of the stack belongs to (first match in
`LAYERS` order), not by the stack's root.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from bench.wrk import Measured

LAYERS = (
    ("SQLAlchemy", "sqlalchemy/"),
    ("asyncpg", "asyncpg/"),
    ("redis-py", "redis/"),
    ("JWT", "jwt/"),
    ("Strawberry + graphql-core", ("strawberry/", "graphql/")),
    ("uvicorn + Starlette", ("uvicorn/", "starlette/", "httptools")),
    ("ours (casino_club)", "casino_club/"),
)
_FRAME = re.compile(r"^(?P<name>.+?) \((?P<file>[^()]*?):\d+\)$")


def layer_of(stack: list[str]) -> str:
    for label, markers in LAYERS:
        wanted = (markers,) if isinstance(markers, str) else markers
        if any(marker in frame for frame in stack for marker in wanted):
            return label
    return "other (asyncio, stdlib)"


def short(frame: str) -> str:
    match = _FRAME.match(frame)
    if match is None:
        return frame or "(idle)"
    path = match["file"].split("site-packages/")[-1].split("src/")[-1]
    return f"{match['name']} ({path})"


def summarize(raw: str, top: int = 12) -> list[str]:
    """Markdown: share of samples per layer, then the functions with most own time."""
    layers: Counter[str] = Counter()
    own: Counter[str] = Counter()
    total = 0
    for line in raw.splitlines():
        stack_text, _, count_text = line.rpartition(" ")
        if not count_text.isdigit():
            continue
        count, stack = int(count_text), stack_text.split(";")
        total += count
        layers[layer_of(stack)] += count
        own[short(stack[-1])] += count
    if not total:
        return ["py-spy recorded no samples."]
    lines = ["| layer (any frame of the stack) | share of samples |", "|---|---:|"]
    lines += [f"| {label} | {n / total:.0%} |" for label, n in layers.most_common()]
    lines += ["", "| function (own time) | share |", "|---|---:|"]
    lines += [f"| `{name}` | {n / total:.1%} |" for name, n in own.most_common(top)]
    return lines


def profile(pid: int, seconds: float, load: Callable[[], Measured]) -> list[str]:
    """Run `load` while py-spy samples process `pid`; the summary as Markdown lines."""
    spy = shutil.which("py-spy") or str(Path(__file__).parents[1] / ".venv/bin/py-spy")
    with tempfile.TemporaryDirectory(prefix="bench-profile-") as folder:
        out = Path(folder, "profile.txt")
        recorder = subprocess.Popen(
            [
                spy,
                "record",
                "--pid",
                str(pid),
                "--duration",
                f"{seconds:g}",
                "--rate",
                "200",
                "--format",
                "raw",
                "--output",
                str(out),
                "--nonblocking",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        measured = load()
        recorder.wait(timeout=seconds + 30)
        if not out.exists():
            return ["py-spy could not sample the server (needs ptrace permission)."]
        return [
            f"Profiled under `slotSpin` at 32 connections ({measured.throughput:.0f} req/s "
            "while sampled at 200 Hz):",
            "",
            *summarize(out.read_text()),
        ]
