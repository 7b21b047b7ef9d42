"""Composition root: builds the services and the Telegram application, and runs it."""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import signal
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

from sqlalchemy.ext.asyncio import AsyncEngine
from telegram import BotCommand, BotCommandScopeChat, Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.clock import Clock, SystemClock
from bot.concurrency import PerChatOrderedProcessor
from bot.deps import DEPS_KEY, Deps
from bot.handlers import calendar, common, diary, patient, questions, reminders, staff
from bot.http import AiohttpRequest
from bot.i18n import DEFAULT_LANGUAGE
from bot.services.answering import Answerer
from bot.services.broadcasts import Broadcasts
from bot.services.charts import Renderer
from bot.services.diary import Diary
from bot.services.patients import PatientService
from bot.services.prompts import Prompts
from bot.services.reminders import ReminderRules, Reminders
from bot.services.schedule import Window
from bot.services.uploads import Uploads
from bot.settings import Settings
from bot.storage.db import create_engine, session_factory
from bot.telegram_sender import TelegramSender
from scheduler.dispatcher import Dispatcher
from scheduler.limiter import RateLimiter
from scheduler.runner import start_ticking

log = logging.getLogger(__name__)
DISPATCHER_KEY = "dispatcher"
TICKING_KEY = "ticking"
CONCURRENCY = 8
PATIENT_COMMANDS = (
    "start",
    "help",
    "topics",
    "book",
    "appointment",
    "appointments",
    "daily",
    "posture",
    "timezone",
    "language",
    "notices",
    "pain",
    "diary",
    "privacy",
    "forget",
)
STAFF_COMMANDS = ("broadcast", "broadcasts", "stats")


def _wake(app: Application) -> None:  # type: ignore[type-arg]
    """Look for due messages now (a broadcast was confirmed) instead of at the next tick."""
    if app.bot_data.get(TICKING_KEY):
        dispatcher: Dispatcher = app.bot_data[DISPATCHER_KEY]
        app.create_task(dispatcher.tick())


def reminder_rules(settings: Settings) -> ReminderRules:
    """The timing settings the reminder services use."""
    return ReminderRules(
        default_zone=settings.clinic_timezone,
        offsets=settings.reminder_offsets,
        quiet=Window.parse(settings.quiet_hours),
        posture_hours=Window.parse(settings.posture_hours),
        posture_every=settings.posture_every,
        daily_grace=settings.daily_grace,
    )


def renderer(settings: Settings) -> Renderer:
    """Where charts and pictures are drawn: worker processes keep the drawing's CPU time (and
    the GIL) away from the event loop that serves other patients (benchmarks/chart_rendering.py)."""
    if settings.render_processes == 0:
        return Renderer(ThreadPoolExecutor(max_workers=1, thread_name_prefix="render"))
    # "spawn": a fork of a process running an event loop and threads is not safe.
    context = multiprocessing.get_context("spawn")
    return Renderer(ProcessPoolExecutor(settings.render_processes, mp_context=context))


def register_handlers(app: Application, settings: Settings) -> None:  # type: ignore[type-arg]
    """Which handler serves what. Order matters: earlier groups run first."""
    private = filters.ChatType.PRIVATE
    # Group -1 runs for every update before the others and never stops them.
    app.add_handler(TypeHandler(Update, common.note_activity), group=-1)
    app.add_handler(CommandHandler("start", patient.cmd_start, filters=private))
    app.add_handler(CommandHandler("help", patient.cmd_help, filters=private))
    app.add_handler(CommandHandler("topics", questions.cmd_topics, filters=private))
    app.add_handler(CommandHandler("book", patient.cmd_book, filters=private))
    app.add_handler(CommandHandler("appointment", reminders.cmd_appointment, filters=private))
    app.add_handler(CommandHandler("appointments", reminders.cmd_appointments, filters=private))
    app.add_handler(CommandHandler("daily", reminders.cmd_daily, filters=private))
    app.add_handler(CommandHandler("posture", reminders.cmd_posture, filters=private))
    app.add_handler(CommandHandler("timezone", reminders.cmd_timezone, filters=private))
    app.add_handler(CommandHandler("language", patient.cmd_language, filters=private))
    app.add_handler(CommandHandler("notices", staff.cmd_notices, filters=private))
    app.add_handler(CommandHandler("pain", diary.cmd_pain, filters=private))
    app.add_handler(CommandHandler("diary", diary.cmd_diary, filters=private))
    app.add_handler(CommandHandler("broadcast", staff.cmd_broadcast, filters=private))
    app.add_handler(CommandHandler("broadcasts", staff.cmd_broadcasts, filters=private))
    app.add_handler(CommandHandler("stats", staff.cmd_stats, filters=private))
    app.add_handler(CommandHandler("privacy", patient.cmd_privacy, filters=private))
    app.add_handler(CommandHandler("forget", patient.cmd_forget, filters=private))
    # A staff member's next message may be a notice (or its send time) rather than a question.
    if settings.staff_ids:
        from_staff = private & filters.User(user_id=settings.staff_ids) & ~filters.COMMAND
        app.add_handler(
            MessageHandler(from_staff & (filters.TEXT | filters.PHOTO), staff.on_staff_message)
        )
    app.add_handler(
        MessageHandler(private & filters.TEXT & ~filters.COMMAND, questions.on_question)
    )
    app.add_handler(MessageHandler(private & ~filters.TEXT, questions.on_not_text))
    app.add_handler(
        MessageHandler(filters.ChatType.GROUPS & filters.TEXT, questions.on_group_message)
    )
    app.add_handler(CallbackQueryHandler(questions.on_topic, pattern=r"^t:"))
    app.add_handler(CallbackQueryHandler(questions.on_section, pattern=r"^s:"))
    app.add_handler(CallbackQueryHandler(questions.on_sections, pattern=r"^S$"))
    app.add_handler(CallbackQueryHandler(patient.on_consent, pattern=r"^c:"))
    app.add_handler(CallbackQueryHandler(patient.on_language, pattern=r"^l:"))
    app.add_handler(CallbackQueryHandler(patient.on_forget, pattern=r"^f:"))
    app.add_handler(CallbackQueryHandler(reminders.on_appointment_button, pattern=r"^a:"))
    app.add_handler(CallbackQueryHandler(reminders.on_reminder_button, pattern=r"^r:"))
    app.add_handler(CallbackQueryHandler(reminders.on_daily_button, pattern=r"^d:"))
    app.add_handler(CallbackQueryHandler(reminders.on_prompt_button, pattern=r"^p:"))
    app.add_handler(CallbackQueryHandler(reminders.on_posture_button, pattern=r"^o:"))
    app.add_handler(CallbackQueryHandler(reminders.on_timezone_button, pattern=r"^z:"))
    app.add_handler(CallbackQueryHandler(staff.on_broadcast_button, pattern=r"^b:"))
    app.add_handler(CallbackQueryHandler(diary.on_score, pattern=r"^k:"))
    app.add_handler(CallbackQueryHandler(diary.on_tag, pattern=r"^g:"))
    app.add_handler(CallbackQueryHandler(diary.on_diary_button, pattern=r"^y:"))
    app.add_handler(CallbackQueryHandler(calendar.on_calendar_button, pattern=r"^i:"))
    # Anything else pressed is a forged or outdated button.
    app.add_handler(CallbackQueryHandler(common.answer_stale))
    app.add_error_handler(common.on_error)


def build_application(
    settings: Settings,
    *,
    clock: Clock | None = None,
    engine: AsyncEngine | None = None,
    limiter: RateLimiter | None = None,
) -> Application:  # type: ignore[type-arg]
    """The bot, wired to its services; nothing is contacted until it starts."""
    assert settings.telegram_bot_token is not None
    # httpx logs every request URL at INFO, and Bot API URLs contain the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    engine = engine or create_engine(settings.database_url)
    app = (
        Application.builder()
        .token(settings.telegram_bot_token.get_secret_value())
        .base_url(settings.telegram_base_url)
        .base_file_url(settings.telegram_base_url.replace("/bot", "/file/bot"))
        # A small pool: httpcore scans every pooled connection per request, so a large pool
        # and many concurrent updates cost more than they gain (benchmarks/bot_throughput.py).
        # Half the pool serves updates, half the dispatcher's sends.
        .concurrent_updates(PerChatOrderedProcessor(max_concurrent_updates=CONCURRENCY))
        .request(AiohttpRequest(pool_size=2 * CONCURRENCY, timeout=settings.telegram_timeout))
        .get_updates_request(AiohttpRequest(pool_size=1, timeout=settings.telegram_timeout))
        .build()
    )
    sessions = session_factory(engine)
    clock = clock or SystemClock()
    answerer = Answerer.from_settings(settings)
    patients = PatientService(sessions)
    schedule = Reminders(sessions, reminder_rules(settings), patients)
    broadcasts = Broadcasts(sessions)
    app.bot_data[DEPS_KEY] = Deps(
        settings=settings,
        answerer=answerer,
        texts=answerer.texts,
        patients=patients,
        reminders=schedule,
        broadcasts=broadcasts,
        clock=clock,
        wake_dispatcher=lambda: _wake(app),
        diary=Diary(sessions),
        uploads=Uploads(sessions),
        renderer=renderer(settings),
    )
    app.bot_data["engine"] = engine
    app.bot_data[DISPATCHER_KEY] = Dispatcher(
        sessions=sessions,
        sender=TelegramSender(app.bot),
        prompts=Prompts(answerer),
        reminders=schedule,
        patients=patients,
        clock=clock,
        limiter=limiter or RateLimiter(settings.broadcast_rate),
        broadcasts=broadcasts,
        rate=settings.broadcast_rate,
        max_attempts=settings.send_attempts,
        in_flight=CONCURRENCY,
    )
    register_handlers(app, settings)
    return app


async def register_commands(app: Application) -> None:  # type: ignore[type-arg]
    """The command menu in every language; staff see their commands too, in their chats only."""
    d: Deps = app.bot_data[DEPS_KEY]
    for language in d.texts.languages:
        catalogue = d.texts(language)
        patients = [BotCommand(name, catalogue.text(f"cmd-{name}")) for name in PATIENT_COMMANDS]
        staff_menu = patients + [BotCommand(n, catalogue.text(f"cmd-{n}")) for n in STAFF_COMMANDS]
        code = None if language == DEFAULT_LANGUAGE else language
        await app.bot.set_my_commands(patients, language_code=code)
        for staff_id in sorted(d.settings.staff_ids):
            scope = BotCommandScopeChat(staff_id)
            await app.bot.set_my_commands(staff_menu, scope=scope, language_code=code)


async def serve(
    app: Application,  # type: ignore[type-arg]
    stop: asyncio.Event,
    *,
    poll_timeout: float = 30,
    tick: bool = True,
) -> None:
    """Run the bot until `stop` is set, then shut down cleanly.

    `tick=False` leaves the dispatcher to the caller (tests drive it with their clock).
    """
    engine: AsyncEngine = app.bot_data["engine"]
    dispatcher: Dispatcher = app.bot_data[DISPATCHER_KEY]
    settings: Settings = app.bot_data[DEPS_KEY].settings
    try:
        async with app:
            await register_commands(app)
            await app.start()
            ticking = start_ticking(dispatcher, settings.dispatch_every) if tick else None
            app.bot_data[TICKING_KEY] = ticking is not None
            assert app.updater is not None
            await app.updater.start_polling(
                timeout=int(poll_timeout),
                poll_interval=0,
                allowed_updates=[Update.MESSAGE, Update.CALLBACK_QUERY],
            )
            log.info("bot @%s is running", app.bot.username)
            await stop.wait()
            log.info("stopping: no new updates; finishing what is in flight")
            if ticking is not None:
                ticking.shutdown(wait=False)
            await dispatcher.stop()
            await app.updater.stop()
            await app.stop()
    finally:
        app.bot_data[DEPS_KEY].renderer.shutdown()
        await engine.dispose()


def run_until_signalled(settings: Settings) -> None:
    """Run until SIGINT or SIGTERM."""

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await serve(build_application(settings), stop)

    asyncio.run(main())
