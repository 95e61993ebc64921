"""The Docker image runs in production mode by default and so refuses weak secrets (SPEC §13).

No Docker engine is needed: the image's environment is read from the Dockerfile's `ENV`
lines and handed to the real `casino-club` command, as the image's `CMD` would run it.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

DOCKERFILE = Path(__file__).resolve().parents[2] / "Dockerfile"
EXECUTABLE = Path(sys.executable).parent / "casino-club"


def image_environment() -> dict[str, str]:
    """The variables the Dockerfile's `ENV KEY=VALUE …` instructions set."""
    environment: dict[str, str] = {}
    for line in DOCKERFILE.read_text().splitlines():
        if line.startswith("ENV "):
            for pair in shlex.split(line.removeprefix("ENV ")):
                key, _, value = pair.partition("=")
                environment[key] = value
    return environment


def run_in_image(tmp_path: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    inherited = {key: os.environ[key] for key in ("PATH", "PYTHONPATH") if key in os.environ}
    return subprocess.run(
        [str(EXECUTABLE), "migrate"],
        env={
            **inherited,
            **image_environment(),
            "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'casino.db'}",
            **extra,
        },
        cwd=tmp_path,  # no .env file of the repository's
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_the_image_defaults_to_production() -> None:
    assert image_environment().get("APP_ENV") == "production"


def test_the_image_refuses_development_secrets(tmp_path: Path) -> None:
    """The issue's finding: outside compose the image used the development secrets."""
    result = run_in_image(tmp_path)
    assert result.returncode != 0
    assert "refusing to start in production" in result.stderr
    assert "WEBHOOK_SECRET is a development secret" in result.stderr
    assert not (tmp_path / "casino.db").exists()


def test_a_refusal_never_prints_the_refused_values(tmp_path: Path) -> None:
    weak = "x" * 32
    result = run_in_image(
        tmp_path,
        JWT_SECRET=weak,
        WEBHOOK_SECRET=weak,
        RECEIPT_SECRET=weak,
        ADMIN_PASSWORD="admin123",
    )
    assert result.returncode != 0
    assert "JWT_SECRET and WEBHOOK_SECRET must differ" in result.stderr
    assert "ADMIN_PASSWORD is one a dictionary would guess" in result.stderr
    output = result.stdout + result.stderr
    assert weak not in output
    assert "admin123" not in output
