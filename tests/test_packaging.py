"""The built wheel works on its own: a fresh virtual environment, an empty folder, no checkout.

It installs the way the Dockerfile does (the locked dependencies, then the wheel) and runs the
image's HEALTHCHECK and CMD, all from uv's cache (`UV_OFFLINE`: `make` filled it moments before,
and no test touches the internet).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bot.settings import REPO_ROOT

UV = Path(sys.executable).with_name("uv")


def run(*args: str | Path, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(arg) for arg in args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def run_together(
    commands: list[tuple[str | Path, ...]], cwd: Path, env: dict[str, str]
) -> list[subprocess.CompletedProcess[str]]:
    """Independent commands at once (each one's start-up is most of its time)."""
    with ThreadPoolExecutor(len(commands)) as pool:
        return list(pool.map(lambda command: run(*command, cwd=cwd, env=env), commands))


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(the wheel, the fresh environment's bin folder)."""
    root = tmp_path_factory.mktemp("release")
    venv = root / "venv"
    env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
    env |= {"UV_PROJECT_ENVIRONMENT": str(venv), "UV_OFFLINE": "1", "UV_NO_PROGRESS": "1"}
    steps = [
        (UV, "build", "--wheel", "--out-dir", root / "dist"),
        (UV, "sync", "--locked", "--no-dev", "--no-install-project", "--python", sys.executable),
    ]
    for step in steps:
        result = run(*step, cwd=REPO_ROOT, env=env)
        assert result.returncode == 0, result.stderr
    (wheel,) = (root / "dist").glob("*.whl")
    result = run(UV, "pip", "install", "--python", venv, "--no-deps", wheel, cwd=root, env=env)
    assert result.returncode == 0, result.stderr
    return wheel, venv / "bin"


@pytest.fixture
def empty_folder(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """An empty folder, and an environment with no settings, no zone database, no checkout."""
    folder = tmp_path / "anywhere"
    folder.mkdir()
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "XDG_DATA_HOME": str(tmp_path / "d"),
        # As on a system without a zone database: zone names must come from the tzdata package.
        "PYTHONTZPATH": str(tmp_path / "no-zoneinfo"),
    }
    return folder, env


def test_every_file_of_the_package_and_the_content_is_in_the_wheel(
    installed: tuple[Path, Path],
) -> None:
    names = set(zipfile.ZipFile(installed[0]).namelist())
    package = {
        path.relative_to(REPO_ROOT).as_posix()
        for folder in ("bot", "scheduler")
        for path in (REPO_ROOT / folder).rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    content = {
        f"bot/content/{path.relative_to(REPO_ROOT / 'content').as_posix()}"
        for path in (REPO_ROOT / "content").rglob("*")
        if path.is_file()
    }

    assert {"bot/services/red_flags.yaml", "bot/content/en/clinic.location.md"} <= package | content
    assert (package | content) - names == set()
    assert not [name for name in names if name.startswith("tests/") or "__pycache__" in name]


def test_an_installed_bot_answers_checks_and_diagnoses_from_an_empty_folder(
    installed: tuple[Path, Path], empty_folder: tuple[Path, dict[str, str]]
) -> None:
    _, bin_dir = installed
    folder, env = empty_folder

    bot = bin_dir / "clinic-bot"
    where, ask, check, doctor, version, health, run_bot = run_together(
        [
            (bin_dir / "python", "-c", "import bot; print(bot.__file__)"),
            (bot, "ask", "where is the clinic", "--json"),
            (bot, "content", "check"),
            (bot, "doctor"),
            (bot, "--version"),
            (bin_dir / "python", "-m", "bot.healthcheck"),  # the image's HEALTHCHECK
            (bot, "run"),  # the image's CMD, here with no token
        ],
        cwd=folder,
        env=env,
    )

    assert where.stdout.startswith(str(bin_dir.parent)), where.stdout + where.stderr
    assert json.loads(ask.stdout)["topic"] == "clinic.location", ask.stderr
    assert (check.returncode, check.stdout.strip()) == (0, "Content is valid."), check.stderr
    assert doctor.returncode == 1, doctor.stderr
    assert "FAIL  token      TELEGRAM_BOT_TOKEN is not set" in doctor.stdout
    assert "1 problem(s) found." in doctor.stdout
    assert version.stdout.strip().startswith("clinic-bot 0.")
    assert health.returncode == 0, health.stderr
    assert run_bot.returncode == 2 and "@BotFather" in run_bot.stderr
    assert list(folder.iterdir()) == []


def test_the_first_run_creates_the_database_in_the_per_user_data_folder(
    installed: tuple[Path, Path], empty_folder: tuple[Path, dict[str, str]]
) -> None:
    _, bin_dir = installed
    folder, env = empty_folder

    upgrade = run(bin_dir / "clinic-bot", "db", "upgrade", cwd=folder, env=env)
    doctor = run(bin_dir / "clinic-bot", "doctor", cwd=folder, env=env)

    database = Path(env["XDG_DATA_HOME"]) / "fuji-wellness-bot" / "clinic-bot.sqlite3"
    assert upgrade.returncode == 0 and database.is_file(), upgrade.stderr
    assert f"ok    database   sqlite+aiosqlite:///{database}: reachable, migrated" in doctor.stdout
    assert list(folder.iterdir()) == []


def test_content_export_gives_a_folder_content_dir_can_point_at(
    installed: tuple[Path, Path], empty_folder: tuple[Path, dict[str, str]]
) -> None:
    _, bin_dir = installed
    folder, env = empty_folder

    export = run(bin_dir / "clinic-bot", "content", "export", "mine", cwd=folder, env=env)
    again = run(bin_dir / "clinic-bot", "content", "export", "mine", cwd=folder, env=env)
    topic = folder / "mine" / "en" / "clinic.location.md"
    topic.write_text(topic.read_text(encoding="utf-8").replace("id: clinic.location", "id: x"))
    check = run(
        bin_dir / "clinic-bot", "content", "check", cwd=folder, env=env | {"CONTENT_DIR": "mine"}
    )

    assert export.returncode == 0 and "CONTENT_DIR=" in export.stdout, export.stderr
    assert again.returncode == 1 and "not an empty folder" in again.stderr
    assert check.returncode == 1 and "clinic.location" in check.stdout
