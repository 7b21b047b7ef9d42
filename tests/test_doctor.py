"""`clinic-bot doctor` as a clinic setting up the bot meets it: each mistake named, with its fix."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pydantic import model_validator
from sqlalchemy import text

from bot import doctor
from bot.doctor import Finding, check_webhook, diagnose, render
from bot.locations import shipped_content_dir
from bot.settings import Settings
from bot.storage.db import create_engine
from tests.fake_telegram import FakeTelegram, Fault

TOKEN = "123456:TEST-TOKEN-doctor"
NOW = datetime(2026, 3, 1, 0, 30, tzinfo=UTC)


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    """An empty working folder (no .env) and a private per-user data folder."""
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data-home"))
    return monkeypatch


def by_check(findings: list[Finding]) -> dict[str, Finding]:
    return {finding.check: finding for finding in findings}


async def test_a_correct_setup_passes_every_check(
    clean_env: pytest.MonkeyPatch, fake_telegram: FakeTelegram, database_url: str
) -> None:
    clean_env.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    clean_env.setenv("TELEGRAM_BASE_URL", fake_telegram.base_url)
    clean_env.setenv("DATABASE_URL", database_url)
    clean_env.setenv("STAFF_IDS", "111, 222")
    clean_env.setenv("BOOKING_URL", "https://booking.example/fuji")

    findings = await diagnose(NOW)

    assert [f for f in findings if not f.ok] == []
    checks = by_check(findings)
    assert "@fuji_wellness_test_bot" in checks["token"].detail
    assert "migrated" in checks["database"].detail
    assert checks["staff"].detail == "2 staff member(s)"
    assert checks["time zone"].detail == "Asia/Tokyo, now 2026-03-01 09:30"
    assert checks["content"].detail.startswith("shipped content")
    assert render(findings).endswith("Everything looks right.")


async def test_a_missing_token_says_how_to_get_one(clean_env: pytest.MonkeyPatch) -> None:
    checks = by_check(await diagnose(NOW))

    assert not checks["token"].ok
    assert checks["token"].detail == "TELEGRAM_BOT_TOKEN is not set"
    assert "@BotFather" in checks["token"].fix
    # A brand-new clinic's default database does not exist yet, and that is fine.
    assert checks["database"].ok and "not created yet" in checks["database"].detail


async def test_a_token_telegram_rejects_is_reported_without_showing_it(
    clean_env: pytest.MonkeyPatch, fake_telegram: FakeTelegram
) -> None:
    clean_env.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    clean_env.setenv("TELEGRAM_BASE_URL", fake_telegram.base_url)
    fake_telegram.fail_next("getMe", Fault(status=401, description="Unauthorized"))

    findings = await diagnose(NOW)

    assert by_check(findings)["token"] == Finding(
        "token", False, "Telegram rejected TELEGRAM_BOT_TOKEN", by_check(findings)["token"].fix
    )
    assert "TEST-TOKEN" not in render(findings)


async def test_an_unreachable_bot_api_is_named(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    clean_env.setenv("TELEGRAM_BASE_URL", "http://127.0.0.1:9/bot")

    token = by_check(await diagnose(NOW))["token"]

    assert not token.ok and "cannot reach the Bot API at http://127.0.0.1:9/bot" in token.detail


async def test_each_invalid_setting_is_named_with_its_fix_and_the_rest_still_checked(
    clean_env: pytest.MonkeyPatch,
) -> None:
    clean_env.setenv("TELEGRAM_BOT_TOKEN", '"bot123456:ABC"')
    clean_env.setenv("STAFF_IDS", "123, @anna")
    clean_env.setenv("CLINIC_TIMEZONE", "Tokyo")
    clean_env.setenv("BOOKING_URL", "www.fuji-wellness.example/book")
    clean_env.setenv("DATABASE_URL", "postgresql://clinic@127.0.0.1/clinic")

    findings = await diagnose(NOW)
    checks = by_check(findings)

    assert {f.check for f in findings if not f.ok} == {
        "STAFF_IDS",
        "CLINIC_TIMEZONE",
        "token",
        "database",
        "booking",
    }
    assert "numeric Telegram user ids" in checks["STAFF_IDS"].fix
    assert "IANA" in checks["CLINIC_TIMEZONE"].fix
    assert "no quotes" in checks["token"].fix
    assert checks["database"].fix == "start DATABASE_URL with postgresql+asyncpg://"
    assert "https://" in checks["booking"].fix
    assert checks["content"].ok
    assert render(findings).endswith("5 problem(s) found.")


async def test_group_ids_in_staff_ids_are_refused(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("STAFF_IDS", "111,-1001234567890")

    staff = by_check(await diagnose(NOW))["staff"]

    assert not staff.ok and "group or channel" in staff.detail


async def test_an_unreachable_database_is_reported_without_its_password(
    clean_env: pytest.MonkeyPatch,
) -> None:
    clean_env.setenv("DATABASE_URL", "postgresql+asyncpg://clinic:s3cret@127.0.0.1:9/clinic")

    findings = await diagnose(NOW)
    database = by_check(findings)["database"]

    assert not database.ok and "cannot open" in database.detail
    assert "s3cret" not in render(findings)


async def test_pending_migrations_are_noted_and_a_newer_database_is_refused(
    clean_env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'old.sqlite3'}"
    engine = create_engine(url)
    async with engine.begin() as connection:
        await connection.execute(text("create table alembic_version (version_num varchar(32))"))
        await connection.execute(text("insert into alembic_version values ('0003')"))
    clean_env.setenv("DATABASE_URL", url)

    pending = by_check(await diagnose(NOW))["database"]

    async with engine.begin() as connection:
        await connection.execute(text("update alembic_version set version_num = '9999'"))
    await engine.dispose()
    newer = by_check(await diagnose(NOW))["database"]

    assert pending.ok and "at 0003" in pending.detail and "clinic-bot db upgrade" in pending.detail
    assert not newer.ok and "9999" in newer.detail


async def test_broken_content_in_content_dir_is_reported(
    clean_env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    copy = tmp_path / "content"
    shutil.copytree(shipped_content_dir(), copy)
    (copy / "ja" / "clinic.location.md").unlink()
    clean_env.setenv("CONTENT_DIR", str(copy))

    content = by_check(await diagnose(NOW))["content"]

    assert not content.ok
    assert "clinic.location" in content.detail and "clinic-bot content check" in content.fix


async def test_a_missing_content_dir_points_at_content_export(
    clean_env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    clean_env.setenv("CONTENT_DIR", str(tmp_path / "nowhere"))

    content = by_check(await diagnose(NOW))["content"]

    assert not content.ok and "clinic-bot content export" in content.fix


@pytest.mark.parametrize(
    ("url", "secret", "listen", "problem"),
    [
        ("http://bot.example/tg", "s3cret", "0.0.0.0:8080", "not an https address"),
        ("https://bot.example:8080/tg", "s3cret", "0.0.0.0:8080", "port 8080"),
        ("https://bot.example/tg", "", "0.0.0.0:8080", "WEBHOOK_SECRET is missing"),
        ("https://bot.example/tg", "has spaces", "0.0.0.0:8080", "characters Telegram refuses"),
        ("https://bot.example/tg", "s3cret", "8080", "not host:port"),
    ],
)
def test_webhook_mistakes_are_named(url: str, secret: str, listen: str, problem: str) -> None:
    findings = check_webhook(url, secret, listen)

    assert [f.ok for f in findings] == [False]
    assert problem in findings[0].detail


def test_a_correct_webhook_setup_and_long_polling_pass() -> None:
    assert check_webhook("https://bot.example:8443/tg", "s3cret-_x", "0.0.0.0:8080")[0].ok
    assert check_webhook("", "", "0.0.0.0:8080")[0].detail.endswith("long polling")


async def test_a_rule_across_settings_is_reported_and_the_rest_still_checked(
    clean_env: pytest.MonkeyPatch,
) -> None:
    class StrictSettings(Settings):
        @model_validator(mode="after")
        def _booking_needs_a_phone(self) -> StrictSettings:
            if self.booking_url and not self.clinic_phone:
                raise ValueError("BOOKING_URL needs CLINIC_PHONE")
            return self

    clean_env.setattr(doctor, "Settings", StrictSettings)
    clean_env.setenv("BOOKING_URL", "https://booking.example/fuji")

    findings = await diagnose(NOW)

    assert [(f.check, f.ok) for f in findings][:3] == [
        ("SETTINGS", False),
        ("settings", True),
        ("token", False),
    ]
    assert "BOOKING_URL needs CLINIC_PHONE" in findings[0].detail
    assert by_check(findings)["content"].ok


async def test_a_sqlite_file_that_cannot_be_created_is_reported(
    clean_env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "not-a-folder").write_text("")
    clean_env.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path}/not-a-folder/bot.sqlite3")

    database = by_check(await diagnose(NOW))["database"]

    assert not database.ok and "not-a-folder is not a writable folder" in database.detail


async def test_webhook_settings_are_checked_when_webhook_mode_is_on(
    clean_env: pytest.MonkeyPatch,
) -> None:
    clean_env.setenv("WEBHOOK_SECRET", "s3cret")
    clean_env.setenv("WEBHOOK_URL", "https://bot.example:8443/telegram")
    good = by_check(await diagnose(NOW))["webhook"]
    clean_env.setenv("WEBHOOK_URL", "https://bot.example:8080/telegram")
    bad_port = by_check(await diagnose(NOW))["webhook"]
    clean_env.delenv("WEBHOOK_SECRET")
    no_secret = await diagnose(NOW)

    assert good.ok and good.detail.startswith("webhook mode at https://bot.example:8443/telegram")
    assert not bad_port.ok and "443, 80, 88 or 8443" in bad_port.fix
    assert not no_secret[0].ok and "WEBHOOK_SECRET" in no_secret[0].detail
