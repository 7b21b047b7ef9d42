"""`clinic-bot doctor`: checks what a clinic gets wrong when setting up, and says how to fix it."""

from __future__ import annotations

import asyncio
import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from pydantic import ValidationError
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.ext.asyncio import create_async_engine
from telegram import Bot
from telegram.error import InvalidToken, NetworkError, TelegramError

from bot.checks import check_everything
from bot.http import AiohttpRequest
from bot.locations import shipped_content_dir
from bot.settings import Settings
from bot.storage.db import alembic_config

TOKEN_SHAPE = re.compile(r"^\d+:[A-Za-z0-9_-]+$")
WEBHOOK_SECRET_SHAPE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
# setWebhook accepts only these ports (https://core.telegram.org/bots/api#setwebhook).
WEBHOOK_PORTS = (443, 80, 88, 8443)
DATABASE_TIMEOUT = 10.0
GET_TOKEN = (
    "in Telegram, open @BotFather, send /newbot (or /token for an existing bot) and set "
    "TELEGRAM_BOT_TOKEN=123456:ABC... in .env or the environment"
)
SETTING_FIXES = {
    "staff_ids": "STAFF_IDS is comma-separated numeric Telegram user ids, e.g. 123456789,987654321",
    "clinic_timezone": "CLINIC_TIMEZONE is an IANA zone name, e.g. Asia/Tokyo",
    "reminder_offsets": "REMINDER_OFFSETS is durations such as 24h,2h (units d, h, m, s)",
    "quiet_hours": "write it as HH:MM-HH:MM, e.g. 21:00-08:00",
    "posture_hours": "write it as HH:MM-HH:MM, e.g. 10:00-18:00",
}


@dataclass(frozen=True)
class Finding:
    """One check's outcome: what was found and, for a problem, how to fix it."""

    check: str
    ok: bool
    detail: str
    fix: str = ""


def load_settings() -> tuple[Settings, list[Finding]]:
    """The settings, with each invalid value reported (named in capitals) and set to its default."""
    try:
        return Settings(), [Finding("settings", True, "every setting parses")]
    except ValidationError as error:
        findings = []
        invalid: set[str] = set()
        for problem in error.errors():
            name = str(problem["loc"][0]) if problem["loc"] else "settings"
            invalid.add(name)
            fix = SETTING_FIXES.get(name, "see the Settings table in the README")
            findings.append(Finding(name.upper(), False, str(problem["msg"]), fix))
        defaults = {
            name: Settings.model_fields[name].get_default(call_default_factory=True)
            for name in invalid
            if name in Settings.model_fields
        }
        try:
            return Settings(**defaults), findings
        except ValidationError:  # a rule across settings failed: nothing can be kept from them
            note = Finding("settings", True, "so the checks below use every default")
            return Settings.model_construct(), [*findings, note]


async def check_token(settings: Settings) -> Finding:
    """The token is set, has BotFather's shape, and Telegram accepts it (getMe)."""
    token = settings.telegram_bot_token.get_secret_value() if settings.telegram_bot_token else ""
    if not token:
        return Finding("token", False, "TELEGRAM_BOT_TOKEN is not set", GET_TOKEN)
    if not TOKEN_SHAPE.match(token):
        return Finding(
            "token",
            False,
            "TELEGRAM_BOT_TOKEN does not look like a token (digits, a colon, then letters)",
            "paste it exactly as @BotFather gave it: no quotes, spaces or 'bot' in front",
        )
    request = AiohttpRequest(pool_size=1, timeout=settings.telegram_timeout)
    bot = Bot(token, base_url=settings.telegram_base_url, request=request)
    try:
        async with bot:
            return Finding("token", True, f"Telegram knows this bot as @{bot.username}")
    # Never show the exception text: PTB's InvalidToken message contains the token.
    except InvalidToken:
        return Finding("token", False, "Telegram rejected TELEGRAM_BOT_TOKEN", GET_TOKEN)
    except NetworkError:
        return Finding(
            "token",
            False,
            f"cannot reach the Bot API at {settings.telegram_base_url}",
            "check the network, or TELEGRAM_BASE_URL if you run your own Bot API server",
        )
    except TelegramError as error:
        return Finding("token", False, f"getMe failed: {type(error).__name__}", GET_TOKEN)


def check_staff_ids(settings: Settings) -> Finding:
    """Staff ids are user ids (positive); none at all is allowed but worth saying."""
    if not settings.staff_ids:
        return Finding("staff", True, "STAFF_IDS is empty: nobody can use staff commands")
    groups = sorted(i for i in settings.staff_ids if i <= 0)
    if groups:
        return Finding(
            "staff",
            False,
            f"STAFF_IDS holds {groups}: negative numbers are group or channel ids",
            "use each staff member's own user id (they can get it from @userinfobot)",
        )
    return Finding("staff", True, f"{len(settings.staff_ids)} staff member(s)")


def check_timezone(settings: Settings, now: datetime) -> Finding:
    """The clinic's zone resolves (tzdata ships with the bot for systems without one)."""
    local = now.astimezone(ZoneInfo(settings.clinic_timezone))
    return Finding("time zone", True, f"{settings.clinic_timezone}, now {local:%Y-%m-%d %H:%M}")


def _migration_state(connection: object) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()  # type: ignore[arg-type]


async def check_database(url: str) -> Finding:
    """DATABASE_URL parses, uses an async driver, answers, and is migrated."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return Finding(
            "database",
            False,
            "DATABASE_URL is not a database URL",
            "use sqlite+aiosqlite:///path/to/file.sqlite3 or postgresql+asyncpg://user:pass@host/db",
        )
    shown = parsed.render_as_string(hide_password=True)
    if parsed.drivername not in ("sqlite+aiosqlite", "postgresql+asyncpg"):
        backend = parsed.get_backend_name()
        driver = "sqlite+aiosqlite" if backend == "sqlite" else "postgresql+asyncpg"
        return Finding(
            "database",
            False,
            f"{shown} does not name an async driver the bot has",
            f"start DATABASE_URL with {driver}://",
        )
    if _sqlite_file_missing(parsed.get_backend_name(), parsed.database):
        blocked = _cannot_create(Path(str(parsed.database)))
        if blocked:
            return Finding(
                "database",
                False,
                f"{shown} cannot be created: {blocked} is not a writable folder",
                "point DATABASE_URL at a folder this user can write, or leave it unset",
            )
        return Finding("database", True, f"{shown}: not created yet; `clinic-bot run` creates it")
    head = ScriptDirectory.from_config(alembic_config(url)).get_current_head()
    engine = create_async_engine(url)
    try:
        async with asyncio.timeout(DATABASE_TIMEOUT), engine.connect() as connection:
            current = await connection.run_sync(_migration_state)
    except Exception as error:  # any driver error means the same thing to the operator
        return Finding(
            "database",
            False,
            f"cannot open {shown}: {type(error).__name__}: {str(error).splitlines()[0][:160]}",
            "check the host, port, user, password and database name, and that the server runs",
        )
    finally:
        await engine.dispose()
    if current == head:
        return Finding("database", True, f"{shown}: reachable, migrated ({head})")
    if current is None or current in _known_revisions(url):
        return Finding(
            "database",
            True,
            f"{shown}: reachable, at {current or 'no revision'}; {head} is pending "
            "(`clinic-bot run` applies it at start, or run `clinic-bot db upgrade`)",
        )
    return Finding(
        "database",
        False,
        f"{shown} is at revision {current}, which this version does not know",
        "it was migrated by a newer clinic-bot: install that version again",
    )


def _sqlite_file_missing(backend: str, database: str | None) -> bool:
    in_memory = database in (None, "", ":memory:")
    return backend == "sqlite" and not in_memory and not Path(str(database)).exists()


def _cannot_create(path: Path) -> Path | None:
    """The nearest existing folder above `path` when it is not a writable folder, else None."""
    existing = next(parent for parent in path.absolute().parents if parent.exists())
    return None if existing.is_dir() and os.access(existing, os.W_OK) else existing


def _known_revisions(url: str) -> set[str]:
    script = ScriptDirectory.from_config(alembic_config(url))
    return {revision.revision for revision in script.walk_revisions()}


def check_content(settings: Settings) -> Finding:
    """The content folder exists and passes `clinic-bot content check`."""
    folder = settings.content_dir
    where = "shipped content" if folder == shipped_content_dir() else f"CONTENT_DIR={folder}"
    if not folder.is_dir():
        return Finding(
            "content",
            False,
            f"{where} is not a folder",
            "fix CONTENT_DIR, or create one with `clinic-bot content export DIR`",
        )
    problems = check_everything(folder)
    if problems:
        listed = "; ".join(problems[:3]) + (" …" if len(problems) > 3 else "")
        return Finding(
            "content",
            False,
            f"{where}: {len(problems)} problem(s): {listed}",
            "run `clinic-bot content check` for the full list and fix each file",
        )
    return Finding("content", True, f"{where}: topics and message catalogues are valid")


def check_booking_url(url: str) -> Finding:
    """BOOKING_URL is empty (replies give the email) or a full web address."""
    if not url:
        return Finding("booking", True, "BOOKING_URL is empty: booking replies give the email")
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.netloc or url != url.strip():
        return Finding(
            "booking",
            False,
            f"BOOKING_URL {url!r} is not a full web address",
            "write it with https://, e.g. https://example.com/book",
        )
    return Finding("booking", True, url)


def check_webhook(url: str, secret: str, listen: str) -> list[Finding]:
    """Webhook settings, when WEBHOOK_URL selects webhook mode."""
    if not url:
        return [Finding("webhook", True, "WEBHOOK_URL is empty: the bot uses long polling")]
    findings = []
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        findings.append(
            Finding(
                "webhook",
                False,
                f"WEBHOOK_URL {url!r} is not an https address",
                "Telegram only posts to https://your-host/path",
            )
        )
    elif (parts.port or 443) not in WEBHOOK_PORTS:
        findings.append(
            Finding(
                "webhook",
                False,
                f"WEBHOOK_URL uses port {parts.port}",
                "Telegram only posts to ports 443, 80, 88 or 8443",
            )
        )
    if not WEBHOOK_SECRET_SHAPE.match(secret):
        findings.append(
            Finding(
                "webhook",
                False,
                "WEBHOOK_SECRET is missing or has characters Telegram refuses",
                "set 1-256 characters of A-Z, a-z, 0-9, _ and -",
            )
        )
    host, _, port = listen.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        findings.append(
            Finding(
                "webhook",
                False,
                f"WEBHOOK_LISTEN {listen!r} is not host:port",
                "e.g. 0.0.0.0:8080",
            )
        )
    return findings or [Finding("webhook", True, f"webhook mode at {url}, listening on {listen}")]


async def diagnose(now: datetime | None = None) -> list[Finding]:
    """Every check, in the order a clinic sets things up."""
    settings, findings = load_settings()
    reported = {finding.check for finding in findings}
    findings.append(await check_token(settings))
    if "STAFF_IDS" not in reported:
        findings.append(check_staff_ids(settings))
    if "CLINIC_TIMEZONE" not in reported:
        findings.append(check_timezone(settings, now or datetime.now(UTC)))
    findings.append(await check_database(settings.database_url))
    findings.append(check_content(settings))
    findings.append(check_booking_url(settings.booking_url))
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else ""
    findings.extend(check_webhook(settings.webhook_url, secret, settings.webhook_listen))
    return findings


def render(findings: list[Finding]) -> str:
    """One line per check, with the fix under each problem, then a summary."""
    lines = []
    for finding in findings:
        mark = "ok  " if finding.ok else "FAIL"
        lines.append(f"{mark}  {finding.check:<10} {finding.detail}")
        if finding.fix:
            lines.append(f"      {'':<10} fix: {finding.fix}")
    problems = sum(not finding.ok for finding in findings)
    lines.append("")
    lines.append(f"{problems} problem(s) found." if problems else "Everything looks right.")
    return "\n".join(lines)
