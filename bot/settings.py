"""The bot's settings: environment variables, then a `.env` file, then defaults."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.locations import default_database_url, shipped_content_dir
from bot.services.schedule import Window

# The source checkout, for tests and benchmarks; an installed bot reads nothing from here.
REPO_ROOT = Path(__file__).resolve().parent.parent
_WEBHOOK_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")  # what Telegram accepts as secret_token
_DURATION = re.compile(r"^(\d+)([dhms])$")
_UNIT_SECONDS = {"d": 86400, "h": 3600, "m": 60, "s": 1}


def parse_duration(text: str) -> timedelta:
    """Turn `24h`, `2h`, `30m`, `15s` or `1d` into a timedelta."""
    match = _DURATION.match(text.strip().lower())
    if not match:
        raise ValueError(f"{text!r} is not a duration like 24h, 90m or 1d")
    return timedelta(seconds=int(match.group(1)) * _UNIT_SECONDS[match.group(2)])


class Settings(BaseSettings):
    """Everything an operator can configure; see the README's Settings table."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", env_ignore_empty=True, extra="ignore"
    )

    telegram_bot_token: SecretStr | None = None
    telegram_base_url: str = "https://api.telegram.org/bot"
    database_url: str = Field(default_factory=default_database_url)
    staff_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    clinic_timezone: str = "Asia/Tokyo"
    booking_url: str = ""
    reminder_offsets: Annotated[tuple[timedelta, ...], NoDecode] = (
        timedelta(hours=24),
        timedelta(hours=2),
    )
    broadcast_rate: float = Field(default=25, gt=0, le=30)
    quiet_hours: str = "21:00-08:00"
    posture_hours: str = "10:00-18:00"
    posture_every: Annotated[timedelta, NoDecode] = timedelta(minutes=60)
    daily_grace: Annotated[timedelta, NoDecode] = timedelta(hours=2)
    session_length: Annotated[timedelta, NoDecode] = timedelta(minutes=60)
    # Charts and pictures are drawn in this many worker processes; 0 draws them in a thread.
    render_processes: int = Field(default=1, ge=0, le=8)
    dispatch_every: Annotated[timedelta, NoDecode] = timedelta(seconds=15)
    send_attempts: int = Field(default=5, ge=1, le=20)
    telegram_timeout: float = Field(default=10, gt=0)
    # Webhook mode when set: the public https URL Telegram posts to (its path is served).
    webhook_url: str = ""
    webhook_secret: SecretStr | None = None
    webhook_listen: str = "0.0.0.0:8080"  # host:port of the listener (updates, health, metrics)

    clinic_name: str = "Fuji Wellness"
    clinic_address: str = "21-14 Matsushima 1-chome, Edogawa-ku, Tokyo 132-0031, Japan"
    clinic_email: str = "sunnyphamsensei@gmail.com"
    clinic_phone: str = ""
    clinic_hours: str = ""
    clinic_prices: str = ""
    # Japanese versions of the free-text facts; empty means "use the English one".
    clinic_address_ja: str = "〒132-0031 東京都江戸川区松島1-21-14"
    clinic_hours_ja: str = ""
    clinic_prices_ja: str = ""
    clinic_latitude: float | None = None
    clinic_longitude: float | None = None
    content_dir: Path = Field(default_factory=shipped_content_dir)
    log_level: str = "INFO"

    @field_validator("staff_ids", mode="before")
    @classmethod
    def _split_staff_ids(cls, value: object) -> object:
        if isinstance(value, str):
            return frozenset(int(part) for part in value.replace(" ", "").split(",") if part)
        return value

    @field_validator("reminder_offsets", mode="before")
    @classmethod
    def _split_offsets(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(parse_duration(part) for part in value.split(",") if part.strip())
        return value

    @field_validator(
        "posture_every", "daily_grace", "dispatch_every", "session_length", mode="before"
    )
    @classmethod
    def _one_duration(cls, value: object) -> object:
        return parse_duration(value) if isinstance(value, str) else value

    @field_validator("quiet_hours", "posture_hours")
    @classmethod
    def _window(cls, value: str) -> str:
        Window.parse(value)
        return value

    @field_validator("webhook_listen")
    @classmethod
    def _host_port(cls, value: str) -> str:
        _host, colon, port = value.rpartition(":")
        if not colon or not port.isdigit() or not 0 < int(port) < 65536:
            raise ValueError(f"{value!r} is not host:port, for example 0.0.0.0:8080")
        return value

    @model_validator(mode="after")
    def _webhook_needs_a_secret(self) -> Settings:
        secret = self.webhook_secret.get_secret_value() if self.webhook_secret else ""
        if self.webhook_url and not _WEBHOOK_SECRET.match(secret):
            raise ValueError(
                "WEBHOOK_URL needs WEBHOOK_SECRET: 1-256 characters of A-Z, a-z, 0-9, _ and -"
            )
        return self

    @field_validator("clinic_timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"unknown time zone {value!r}; use an IANA name") from error
        return value
