"""Imports flow one way: services and storage never import Telegram or the scheduler."""

from __future__ import annotations

import ast
from pathlib import Path

from bot.settings import REPO_ROOT

FORBIDDEN = ("telegram", "apscheduler", "bot.handlers", "bot.app", "bot.keyboards", "bot.deps")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_services_and_storage_do_not_import_the_adapter() -> None:
    for folder in ("bot/services", "bot/storage"):
        for path in (REPO_ROOT / folder).rglob("*.py"):
            bad = {n for n in _imports(path) if n.startswith(FORBIDDEN)}
            assert not bad, f"{path.relative_to(REPO_ROOT)} imports {bad}"


def test_the_scheduler_reaches_telegram_only_through_its_sender() -> None:
    adapter = ("telegram", "bot.handlers", "bot.app", "bot.deps", "bot.telegram_sender")
    for path in (REPO_ROOT / "scheduler").rglob("*.py"):
        bad = {n for n in _imports(path) if n.startswith(adapter)}
        assert not bad, f"{path.relative_to(REPO_ROOT)} imports {bad}"
