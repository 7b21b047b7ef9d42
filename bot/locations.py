"""Where the bot finds the files it ships with and where it keeps its data by default."""

from __future__ import annotations

import shutil
from pathlib import Path

from platformdirs import user_data_dir

PACKAGE_DIR = Path(__file__).resolve().parent
APP_NAME = "fuji-wellness-bot"
DATABASE_FILE = "clinic-bot.sqlite3"
# Before 0.2 the default database was ./data/clinic-bot.sqlite3 in the working directory;
# a clinic that has one keeps using it rather than silently starting with an empty database.
OLD_DEFAULT_DATABASE = Path("data") / DATABASE_FILE


def shipped_content_dir() -> Path:
    """The content inside the installed package, or the checkout's `content/` from source."""
    installed = PACKAGE_DIR / "content"
    return installed if installed.is_dir() else PACKAGE_DIR.parent / "content"


def data_dir() -> Path:
    """The per-user data folder (on Linux `$XDG_DATA_HOME/fuji-wellness-bot`); not created here."""
    return Path(user_data_dir(APP_NAME, appauthor=False))


def default_database_url() -> str:
    """SQLite in the per-user data folder, or the old `./data/` file where one exists."""
    path = OLD_DEFAULT_DATABASE if OLD_DEFAULT_DATABASE.is_file() else data_dir() / DATABASE_FILE
    return f"sqlite+aiosqlite:///{path.absolute()}"


def export_content(destination: Path) -> int:
    """Copy the shipped content into `destination` (new or empty); returns the files copied."""
    if destination.exists() and (not destination.is_dir() or any(destination.iterdir())):
        raise FileExistsError(f"{destination} is not an empty folder; choose a new or empty one")
    shutil.copytree(shipped_content_dir(), destination, dirs_exist_ok=True)
    return sum(1 for path in destination.rglob("*") if path.is_file())
