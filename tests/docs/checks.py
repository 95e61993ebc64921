"""What the documentation is held to, as functions over files (tests/docs/test_docs.py
runs them on the repository's pages, and on small broken pages as controls).

- Every relative link leads to a file or directory inside the repository, and its
  `#anchor`, when it has one into a Markdown page, to a heading of that page (GitHub's
  slugs) or an explicit `<a id>`/`<a name>`.
- No page cites the product spec by section or points outside the repository: the pages
  say what they mean themselves.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from urllib.parse import unquote

FORBIDDEN = ("SPEC §", "../shared")

FENCE = re.compile(r"^\s*(```|~~~)")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
# [text](target) and ![alt](target); the text may hold `code` and nested brackets once.
LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
HTML_ANCHOR = re.compile(r"<a\s+(?:id|name)=\"([^\"]+)\"")
INLINE_CODE = re.compile(r"`+([^`]*)`+")
EXTERNAL = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)


def prose_lines(text: str) -> Iterator[tuple[int, str]]:
    """The page's lines outside fenced code blocks, numbered from 1."""
    fenced = False
    for number, line in enumerate(text.splitlines(), start=1):
        if FENCE.match(line):
            fenced = not fenced
            continue
        if not fenced:
            yield number, line


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: its text as rendered (no code ticks, link targets
    or emphasis marks), lowercased, punctuation and symbols dropped, spaces as hyphens."""
    text = INLINE_CODE.sub(r"\1", heading)
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"<[^>]+>", "", text)
    text = text.replace("*", "")
    text = re.sub(r"[^\w\- ]", "", text.lower())
    return text.replace(" ", "-")


def anchors(text: str) -> set[str]:
    """Every anchor a page has: its headings' slugs (a repeated one numbered -1, -2, …,
    as GitHub does) and its explicit HTML anchors."""
    found: set[str] = set()
    seen: dict[str, int] = {}
    for _, line in prose_lines(text):
        match = HEADING.match(line)
        if match:
            base = slug(match.group(2))
            count = seen.get(base, 0)
            seen[base] = count + 1
            found.add(base if count == 0 else f"{base}-{count}")
        found.update(HTML_ANCHOR.findall(line))
    return found


def broken_links(page: Path, root: Path) -> list[str]:
    """Each relative link of `page` that leads nowhere, or outside `root`."""
    text = page.read_text(encoding="utf-8")
    problems = []
    for number, line in prose_lines(text):
        for target in LINK.findall(INLINE_CODE.sub("", line)):
            if EXTERNAL.match(target):
                continue
            where = f"{page.relative_to(root)}:{number}: {target}"
            path_part, _, anchor = target.partition("#")
            destination = (page.parent / unquote(path_part)).resolve() if path_part else page
            if not destination.is_relative_to(root.resolve()):
                problems.append(f"{where}: outside the repository")
                continue
            if not destination.exists():
                problems.append(f"{where}: no such file")
                continue
            if (
                anchor
                and destination.suffix == ".md"
                and unquote(anchor) not in anchors(destination.read_text(encoding="utf-8"))
            ):
                problems.append(f"{where}: no heading #{anchor} in {destination.name}")
    return problems


def forbidden_text(page: Path, root: Path) -> list[str]:
    """Each line of `page` that cites the spec by section or a path outside the repository."""
    return [
        f"{page.relative_to(root)}:{number}: {phrase!r}"
        for number, line in enumerate(page.read_text(encoding="utf-8").splitlines(), start=1)
        for phrase in FORBIDDEN
        if phrase in line
    ]


def pages(root: Path) -> list[Path]:
    """The pages a reader of the repository meets: README, CHANGELOG and docs/."""
    found = [root / "README.md", root / "CHANGELOG.md", *sorted((root / "docs").rglob("*.md"))]
    return [page for page in found if page.exists()]


def problems_of(pages: Iterable[Path], root: Path) -> list[str]:
    return [
        problem
        for page in pages
        for problem in (*broken_links(page, root), *forbidden_text(page, root))
    ]


def documented_settings(configuration_page: str) -> set[str]:
    """The settings docs/configuration.md has a section for."""
    return set(re.findall(r"^## `([A-Z0-9_]+)`$", configuration_page, re.MULTILINE))
