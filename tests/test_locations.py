"""Where an installed bot finds its own files and keeps its database when nothing is configured."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.locations import default_database_url, export_content, shipped_content_dir
from bot.settings import REPO_ROOT, Settings


@pytest.fixture
def elsewhere(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A working folder away from the checkout, and a private XDG data folder."""
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("CONTENT_DIR", raising=False)
    return work


def test_from_a_checkout_the_shipped_content_is_the_checkouts_folder() -> None:
    assert shipped_content_dir() == REPO_ROOT / "content"


def test_with_nothing_set_the_database_goes_to_the_per_user_data_folder(elsewhere: Path) -> None:
    expected = elsewhere.parent / "xdg" / "fuji-wellness-bot" / "clinic-bot.sqlite3"

    assert Settings().database_url == f"sqlite+aiosqlite:///{expected}"
    assert not expected.parent.exists()  # created on first run, not by reading settings


def test_a_database_left_in_data_by_an_earlier_version_keeps_being_used(elsewhere: Path) -> None:
    (elsewhere / "data").mkdir()
    (elsewhere / "data" / "clinic-bot.sqlite3").touch()

    assert default_database_url() == f"sqlite+aiosqlite:///{elsewhere}/data/clinic-bot.sqlite3"


def test_database_url_and_content_dir_still_override(
    elsewhere: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql+asyncpg://clinic@db/clinic")
    monkeypatch.setenv("CONTENT_DIR", "/srv/clinic-content")

    settings = Settings()

    assert settings.database_url == "postgresql+asyncpg://clinic@db/clinic"
    assert settings.content_dir == Path("/srv/clinic-content")


def test_content_export_copies_everything_and_refuses_a_used_folder(tmp_path: Path) -> None:
    copied = export_content(tmp_path / "mine")
    (tmp_path / "file").write_text("")

    shipped = [p for p in shipped_content_dir().rglob("*") if p.is_file()]
    assert copied == len(shipped) and (tmp_path / "mine" / "required-topics.txt").is_file()
    for used in (tmp_path / "mine", tmp_path / "file"):
        with pytest.raises(FileExistsError, match="not an empty folder"):
            export_content(used)
