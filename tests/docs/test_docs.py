"""The documentation stands on its own and stays true to the code.

README.md, CHANGELOG.md and docs/**/*.md: every relative link and #anchor resolves
inside the repository, and no page cites the spec by section or a file outside the
repository. docs/configuration.md documents every setting of config.py and is exactly
what `make docs` (scripts/config_reference.py) writes. Each check has a control: a small
page or configuration built to fail it, which it must catch.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from scripts import config_reference

from casino_club.config import Settings
from tests.docs.checks import (
    anchors,
    broken_links,
    documented_settings,
    forbidden_text,
    pages,
    problems_of,
    slug,
)

ROOT = Path(__file__).resolve().parents[2]


def test_the_pages_are_the_ones_promised() -> None:
    """The checks below see README, CHANGELOG and one page per audience and feature."""
    names = {page.relative_to(ROOT).as_posix() for page in pages(ROOT)}
    expected = {
        "README.md",
        "CHANGELOG.md",
        "docs/getting-started.md",
        "docs/api-guide.md",
        "docs/games.md",
        "docs/FAIRNESS.md",
        "docs/shop-and-payments.md",
        "docs/progression.md",
        "docs/player-protection.md",
        "docs/operators-guide.md",
        "docs/configuration.md",
        "docs/operations.md",
        "docs/architecture.md",
        "docs/web-client.md",
    }
    assert expected <= names, expected - names


def test_every_link_resolves_and_no_page_leans_on_the_spec() -> None:
    assert problems_of(pages(ROOT), ROOT) == []


def test_the_readme_maps_every_page_of_docs() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    unlinked = [
        page.name
        for page in sorted((ROOT / "docs").glob("*.md"))
        if f"docs/{page.name}" not in readme
    ]
    assert unlinked == []


def test_configuration_page_documents_every_setting() -> None:
    page = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    settings = {name.upper() for name in Settings.model_fields}
    assert settings - documented_settings(page) == set()


def test_every_setting_says_what_it_does() -> None:
    """The page's text for a setting is the comment above it in config.py."""
    silent = [setting.name for setting in config_reference.settings() if not setting.description]
    assert silent == []


def test_configuration_page_is_what_the_generator_writes() -> None:
    page = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    assert page == config_reference.render(), "docs/configuration.md is stale: run `make docs`"
    assert config_reference.main(["--check"]) == 0


# Controls: each check catches the failure it exists for.


def write(root: Path, name: str, text: str) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_control_a_link_to_a_missing_file_is_caught(tmp_path: Path) -> None:
    page = write(tmp_path, "docs/a.md", "See [b](b.md) and [c](c.md).\n")
    write(tmp_path, "docs/b.md", "# B\n")
    assert broken_links(page, tmp_path) == ["docs/a.md:1: c.md: no such file"]


def test_control_a_link_to_a_missing_heading_is_caught(tmp_path: Path) -> None:
    write(
        tmp_path, "docs/b.md", "# B\n\n## The `BET` path (slots, dice)\n\n## Limits\n\n## Limits\n"
    )
    page = write(
        tmp_path,
        "docs/a.md",
        "[ok](b.md#the-bet-path-slots-dice) [ok](b.md#limits-1) [here](#top)\n"
        "[gone](b.md#nowhere)\n\n# Top\n",
    )
    assert broken_links(page, tmp_path) == [
        "docs/a.md:2: b.md#nowhere: no heading #nowhere in b.md"
    ]


def test_control_a_link_out_of_the_repository_is_caught(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    write(tmp_path, "shared/SPEC.md", "# Spec\n")
    page = write(root, "README.md", "The [spec](../shared/SPEC.md).\n")
    assert broken_links(page, root) == ["README.md:1: ../shared/SPEC.md: outside the repository"]


def test_control_links_in_code_are_not_links(tmp_path: Path) -> None:
    page = write(tmp_path, "a.md", "```md\n[x](missing.md)\n```\n`[y](missing.md)`\n")
    assert broken_links(page, tmp_path) == []


def test_control_spec_citations_are_caught(tmp_path: Path) -> None:
    page = write(tmp_path, "CHANGELOG.md", "- Crash (SPEC §6.4).\n- See ../shared/SPEC.md\n")
    assert forbidden_text(page, tmp_path) == [
        "CHANGELOG.md:1: 'SPEC §'",
        "CHANGELOG.md:2: '../shared'",
    ]


@pytest.mark.parametrize(
    ("heading", "expected"),
    [
        ("Wallet, idempotency and live events", "wallet-idempotency-and-live-events"),
        ("`DATABASE_URL`", "database_url"),
        ("Slots 🎰 and **odds**", "slots--and-odds"),
        ("Limits and budgets", "limits-and-budgets"),
    ],
)
def test_control_slugs_are_githubs(heading: str, expected: str) -> None:
    assert slug(heading) == expected
    assert expected in anchors(f"# {heading}\n")


def test_control_a_setting_missing_from_the_page_is_caught() -> None:
    page = config_reference.render()
    assert "DATABASE_URL" in documented_settings(page)
    without = page.replace("## `DATABASE_URL`\n", "")
    assert "DATABASE_URL" not in documented_settings(without)


def test_control_drift_is_caught(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stale = write(
        tmp_path, "configuration.md", config_reference.render().replace("`8000`", "`8080`")
    )
    monkeypatch.setattr(config_reference, "PAGE", stale)
    monkeypatch.setattr(config_reference, "ROOT", tmp_path)
    assert config_reference.main(["--check"]) == 1
