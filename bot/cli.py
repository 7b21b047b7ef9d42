"""The `clinic-bot` command line: run, ask, content check and export, db upgrade, doctor."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from importlib.metadata import version
from pathlib import Path

from pydantic import ValidationError

from bot.settings import Settings

NO_TOKEN_HELP = """\
TELEGRAM_BOT_TOKEN is not set, so the bot cannot connect to Telegram.

1. In Telegram, open @BotFather, send /newbot and follow the steps; it replies with a token.
2. Put it in a file named .env in this folder:  TELEGRAM_BOT_TOKEN=123456:ABC...
   (or export it as an environment variable), then run the command again.
"""


def _settings() -> Settings:
    try:
        return Settings()
    except ValidationError as error:
        lines = [f"  {'.'.join(map(str, e['loc'])).upper()}: {e['msg']}" for e in error.errors()]
        sys.exit("Some settings are not valid:\n" + "\n".join(lines))


def cmd_run(_args: argparse.Namespace) -> int:
    """Apply migrations, then run the bot until SIGINT or SIGTERM."""
    settings = _settings()
    if settings.telegram_bot_token is None or not settings.telegram_bot_token.get_secret_value():
        print(NO_TOKEN_HELP, file=sys.stderr)
        return 2
    from bot.app import AnotherInstanceRunning, run_until_signalled
    from bot.storage.db import upgrade

    logging.basicConfig(
        level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    upgrade(settings.database_url)
    try:
        return run_until_signalled(settings)
    except AnotherInstanceRunning as refusal:
        print(f"Not starting: {refusal}.", file=sys.stderr)
        return 1


def cmd_ask(args: argparse.Namespace) -> int:
    """Answer questions offline exactly as the bot would in a private chat."""
    from bot.services.answering import Answerer

    answerer = Answerer.from_settings(_settings())
    questions = [args.text] if args.text else (line.strip() for line in sys.stdin)
    for question in questions:
        if not question:
            continue
        reply = answerer.answer(question, args.lang)
        if args.json:
            record = {
                "question": question,
                "lang": reply.language,
                "topic": reply.topic_id,
                "urgent": reply.urgent,
                "text": reply.plain,
            }
            print(json.dumps(record, ensure_ascii=False), flush=True)
        else:
            print(reply.plain, end="\n\n", flush=True)
    return 0


def cmd_content_check(_args: argparse.Namespace) -> int:
    """Validate all content and catalogues; non-zero exit when anything is wrong."""
    from bot.checks import check_everything

    settings = _settings()
    problems = check_everything(settings.content_dir)
    for problem in problems:
        print(problem)
    if problems:
        print(f"\n{len(problems)} problem(s) found.", file=sys.stderr)
        return 1
    print("Content is valid.")
    return 0


def cmd_content_export(args: argparse.Namespace) -> int:
    """Copy the shipped content into a folder a clinic can edit and point CONTENT_DIR at."""
    from bot.locations import export_content

    destination = Path(args.folder)
    try:
        copied = export_content(destination)
    except FileExistsError as error:
        print(error, file=sys.stderr)
        return 1
    print(
        f"Copied {copied} files to {destination}. Edit them, then set "
        f"CONTENT_DIR={destination.resolve()} and run `clinic-bot content check`."
    )
    return 0


def cmd_db_upgrade(_args: argparse.Namespace) -> int:
    """Apply pending migrations to DATABASE_URL."""
    from bot.storage.db import upgrade

    upgrade(_settings().database_url)
    print("Database is up to date.")
    return 0


def cmd_doctor(_args: argparse.Namespace) -> int:
    """Check the set-up (settings, token, database, content, webhook); non-zero on any problem."""
    import asyncio

    from bot.doctor import diagnose, render

    findings = asyncio.run(diagnose())
    print(render(findings))
    return 0 if all(finding.ok for finding in findings) else 1


def build_parser() -> argparse.ArgumentParser:
    """The command tree."""
    parser = argparse.ArgumentParser(prog="clinic-bot", description=__doc__)
    parser.add_argument(
        "--version", action="version", version=f"%(prog)s {version('fuji-wellness-bot')}"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser(
        "run", help="run the bot (long polling, or webhook mode when WEBHOOK_URL is set)"
    ).set_defaults(func=cmd_run)
    ask = commands.add_parser("ask", help="answer a question offline, as the bot would")
    ask.add_argument("text", nargs="?", help="the question; omit to read one per line from stdin")
    ask.add_argument("--lang", choices=["en", "ja"], help="reply language (default: detect)")
    ask.add_argument("--json", action="store_true", help="print one JSON object per answer")
    ask.set_defaults(func=cmd_ask)
    content = commands.add_parser("content", help="content tools")
    content_commands = content.add_subparsers(dest="content_command", required=True)
    content_commands.add_parser("check", help="validate all content").set_defaults(
        func=cmd_content_check
    )
    export = content_commands.add_parser("export", help="copy the shipped content to a folder")
    export.add_argument("folder", help="a new or empty folder")
    export.set_defaults(func=cmd_content_export)
    db = commands.add_parser("db", help="database tools")
    db_commands = db.add_subparsers(dest="db_command", required=True)
    db_commands.add_parser("upgrade", help="apply migrations").set_defaults(func=cmd_db_upgrade)
    commands.add_parser("doctor", help="check the set-up and say how to fix it").set_defaults(
        func=cmd_doctor
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `clinic-bot` console script."""
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
