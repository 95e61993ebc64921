"""docs/FAIRNESS.md read as data, so tests check the published words and tables themselves.

Sections are found by their heading; a table is a list of rows keyed by its header
cells, with code backticks stripped. Seeds are written once, by name, and looked up here.
"""

from __future__ import annotations

import re
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "FAIRNESS.md"

_HEADING = re.compile(r"^#{1,6} (?P<title>.+)$")


def section(title: str) -> list[str]:
    """The lines under the heading `title`, up to the next heading of any level."""
    lines: list[str] = []
    inside = False
    for line in DOC.read_text(encoding="utf-8").splitlines():
        heading = _HEADING.match(line)
        if heading:
            if inside:
                break
            inside = heading["title"].strip() == title
        elif inside:
            lines.append(line)
    if not inside:
        raise LookupError(f"docs/FAIRNESS.md has no section {title!r}")
    return lines


def prose(title: str) -> str:
    """The section's text with line breaks and runs of spaces folded to one space."""
    return " ".join(" ".join(section(title)).split())


def tables(title: str) -> list[list[dict[str, str]]]:
    """Every Markdown table of the section, in order."""
    found: list[list[dict[str, str]]] = []
    header: list[str] | None = None
    for line in [*section(title), ""]:
        if not line.startswith("|"):
            header = None
            continue
        cells = [cell.strip().strip("`") for cell in line.strip().strip("|").split("|")]
        if header is None:
            header = cells
            found.append([])
        elif not all(set(cell) <= {"-", ":"} for cell in cells):
            found[-1].append(dict(zip(header, cells, strict=True)))
    return found


def table(title: str) -> list[dict[str, str]]:
    """The section's only table."""
    (only,) = tables(title)
    return only


def seeds() -> dict[str, bytes]:
    """Seed name → the raw 32 bytes, from the seeds table."""
    return {row["name"]: bytes.fromhex(row["server seed"]) for row in seed_rows()}


def seed_rows() -> list[dict[str, str]]:
    return table("Seeds used in the vectors")
