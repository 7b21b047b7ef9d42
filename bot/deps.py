"""What handlers need, built once by the composition root and found through the context."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from telegram.ext import ContextTypes

from bot.clock import Clock
from bot.i18n import Texts, detect_language, language_from_telegram
from bot.metrics import Metrics
from bot.services.answering import Answerer
from bot.services.broadcasts import Broadcasts
from bot.services.charts import Renderer
from bot.services.diary import Diary
from bot.services.patients import PatientService, PatientView
from bot.services.reminders import Reminders
from bot.services.uploads import Uploads
from bot.settings import Settings

DEPS_KEY = "deps"


@dataclass(frozen=True)
class Deps:
    """The bot's services and settings."""

    settings: Settings
    answerer: Answerer
    texts: Texts
    patients: PatientService
    reminders: Reminders
    broadcasts: Broadcasts
    clock: Clock
    wake_dispatcher: Callable[[], None]
    metrics: Metrics
    diary: Diary
    uploads: Uploads
    renderer: Renderer

    def is_staff(self, user_id: int | None) -> bool:
        """Whether this Telegram user may use staff commands (checked at every use)."""
        return user_id is not None and user_id in self.settings.staff_ids


def deps(context: ContextTypes.DEFAULT_TYPE) -> Deps:
    """The dependencies stored on the application."""
    found = context.bot_data[DEPS_KEY]
    assert isinstance(found, Deps)
    return found


def reply_language(
    patient: PatientView | None, telegram_code: str | None, text: str | None = None
) -> str:
    """Japanese script gets Japanese; otherwise the stored choice, else Telegram's language."""
    if text and detect_language(text) == "ja":
        return "ja"
    if patient is not None:
        return patient.language
    return language_from_telegram(telegram_code)
