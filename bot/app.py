"""Composition root: builds the services and the Telegram application, and runs it."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import signal
from collections.abc import Coroutine
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy.ext.asyncio import AsyncEngine
from telegram import BotCommand, BotCommandScopeChat, Update
from telegram.error import BadRequest
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
from bot.metrics import Metrics
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
from bot.storage.db import count_instances, create_engine, session_factory
from bot.storage.leadership import (
    WAKE_CHANNEL,
    AdvisoryLock,
    FileLock,
    Leadership,
    instance_name,
    leadership_for,
    wake_the_leader,
)
from bot.telegram_sender import TelegramSender
from bot.webhook import listener, start_listener, webhook_path
from scheduler.dispatcher import Dispatcher
from scheduler.limiter import WINDOW, RateLimiter
from scheduler.runner import start_ticking

log = logging.getLogger(__name__)
DISPATCHER_KEY = "dispatcher"
TICKING_KEY = "ticking"
LEADERSHIP_KEY = "leadership"
LIMITER_KEY = "limiter"
SHARE_REFRESH = 2.0  # seconds between counts of the instances sharing BROADCAST_RATE
# A newcomer sends nothing until the others have counted it (SHARE_REFRESH, and the count's own
# time) and their last second at the old share is over (WINDOW).
JOINING_HOLD = 2 * SHARE_REFRESH + WINDOW
CONCURRENCY = 8
STANDBY_RETRY = 5.0  # seconds between a standby's attempts to take over
LEADERSHIP_CHECK = 2.0  # seconds between checks that the leader still holds its lock
TAKEOVER_GRACE = 2 * LEADERSHIP_CHECK  # before a new leader takes the old one's claimed rows
SHUTDOWN_GRACE = 8.0  # seconds for in-flight sends on shutdown, inside a 10 s container grace
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
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]


def _wake(app: Application) -> None:  # type: ignore[type-arg]
    """Look for due messages now (a broadcast was confirmed) instead of at the next tick:
    here when this instance dispatches, else on PostgreSQL by telling the leader."""
    if app.bot_data.get(TICKING_KEY):
        dispatcher: Dispatcher = app.bot_data[DISPATCHER_KEY]
        app.create_task(dispatcher.tick())
    elif isinstance(app.bot_data.get(LEADERSHIP_KEY), AdvisoryLock):
        app.create_task(wake_the_leader(app.bot_data["engine"]))


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
    engine = engine or create_engine(settings.database_url, instance=instance_name())
    # One budget for every message the bot sends: scheduled ones, replies, notes and edits.
    limiter = limiter or RateLimiter(settings.broadcast_rate)
    app = (
        Application.builder()
        .token(settings.telegram_bot_token.get_secret_value())
        .base_url(settings.telegram_base_url)
        .base_file_url(settings.telegram_base_url.replace("/bot", "/file/bot"))
        # A small pool: httpcore scans every pooled connection per request, so a large pool
        # and many concurrent updates cost more than they gain (benchmarks/bot_throughput.py).
        # Half the pool serves updates, half the dispatcher's sends.
        .concurrent_updates(PerChatOrderedProcessor(max_concurrent_updates=CONCURRENCY))
        .request(
            AiohttpRequest(
                pool_size=2 * CONCURRENCY, timeout=settings.telegram_timeout, limiter=limiter
            )
        )
        .get_updates_request(AiohttpRequest(pool_size=1, timeout=settings.telegram_timeout))
        .build()
    )
    sessions = session_factory(engine)
    clock = clock or SystemClock()
    answerer = Answerer.from_settings(settings)
    # Patients are remembered in memory only where this process is the only one (SQLite).
    patients = PatientService(sessions, remember=engine.dialect.name == "sqlite")
    schedule = Reminders(sessions, reminder_rules(settings), patients)
    broadcasts = Broadcasts(sessions)
    metrics = Metrics.create()
    app.bot_data[DEPS_KEY] = Deps(
        settings=settings,
        answerer=answerer,
        texts=answerer.texts,
        patients=patients,
        reminders=schedule,
        broadcasts=broadcasts,
        clock=clock,
        wake_dispatcher=lambda: _wake(app),
        metrics=metrics,
        diary=Diary(sessions),
        uploads=Uploads(sessions),
        renderer=renderer(settings),
    )
    app.bot_data["engine"] = engine
    app.bot_data[LIMITER_KEY] = limiter
    app.bot_data[LEADERSHIP_KEY] = leadership_for(engine)
    app.bot_data[DISPATCHER_KEY] = Dispatcher(
        sessions=sessions,
        sender=TelegramSender(app.bot),
        prompts=Prompts(answerer),
        reminders=schedule,
        patients=patients,
        clock=clock,
        limiter=limiter,
        broadcasts=broadcasts,
        rate=settings.broadcast_rate,
        max_attempts=settings.send_attempts,
        metrics=metrics,
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
            try:
                await app.bot.set_my_commands(staff_menu, scope=scope, language_code=code)
            except BadRequest as error:  # "chat not found": they have not opened the bot yet
                log.warning(
                    "no staff menu for one of STAFF_IDS (%s): they need to open the bot first",
                    error.message,
                )


class AnotherInstanceRunning(RuntimeError):
    """A second process on an SQLite database: it refuses to start rather than send twice."""


@dataclass
class _Leading:
    """What this instance started when it took the lead, to stop on the way out."""

    ticking: AsyncIOScheduler | None = None
    polling: bool = False


async def serve(
    app: Application,  # type: ignore[type-arg]
    stop: asyncio.Event,
    *,
    poll_timeout: float = 30,
    tick: bool = True,
) -> None:
    """Run the bot until `stop` is set, then shut down cleanly.

    Webhook mode: every instance serves Telegram's updates, /healthz and /metrics. In both
    modes only the leader dispatches (and, when polling, polls); other instances on the same
    PostgreSQL database stand by and take over when it goes. `tick=False` leaves the
    dispatcher to the caller (tests drive it with their clock).
    """
    engine: AsyncEngine = app.bot_data["engine"]
    dispatcher: Dispatcher = app.bot_data[DISPATCHER_KEY]
    d: Deps = app.bot_data[DEPS_KEY]
    settings = d.settings
    leadership: Leadership = app.bot_data[LEADERSHIP_KEY]
    leading = _Leading()
    try:
        if isinstance(leadership, FileLock) and not await leadership.try_acquire():
            raise AnotherInstanceRunning(
                f"another clinic-bot is already running on {settings.database_url}; SQLite "
                "serves one process (use PostgreSQL to run several instances)"
            )
        async with app:
            await app.start()
            # In webhook mode every instance sends replies: each takes its share, before it
            # serves anything.
            shared = (
                await take_share(app.bot_data[LIMITER_KEY], engine) if settings.webhook_url else 0
            )
            runner = await _start_webhook(app, settings, engine, d.metrics)
            lead = _lead(app, leadership, stop, leading, tick=tick, poll_timeout=poll_timeout)
            background = [asyncio.create_task(_or_stop(lead, stop))]
            if runner is not None:
                sharing = _share_the_rate(app, engine, stop, shared)
                background.append(asyncio.create_task(_or_stop(sharing, stop)))
            await stop.wait()
            log.info("stopping: no new updates; finishing what is in flight")
            if runner is not None:
                await runner.cleanup()
            for task in background:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            if leading.polling and app.updater is not None:
                await app.updater.stop()
            if leading.ticking is not None:
                leading.ticking.shutdown(wait=False)
            try:  # a container's usual grace is 10 s: in-flight sends and their records fit
                await asyncio.wait_for(dispatcher.stop(), SHUTDOWN_GRACE)
            except TimeoutError:
                log.warning("the dispatcher did not stop within %s s", SHUTDOWN_GRACE)
            await app.stop()
    finally:
        app.bot_data[DEPS_KEY].renderer.shutdown()
        app.bot_data[DEPS_KEY].answerer.close()
        d.metrics.leader.set(0)
        await leadership.release()
        await engine.dispose()


async def _or_stop(work: Coroutine[Any, Any, None], stop: asyncio.Event) -> None:
    """Run background work; if it fails, log why and stop the instance (a supervisor restarts
    it) rather than keep the lead without dispatching."""
    try:
        await work
    except Exception:
        log.exception("background work failed; stopping")
        stop.set()


async def _start_webhook(
    app: Application,  # type: ignore[type-arg]
    settings: Settings,
    engine: AsyncEngine,
    metrics: Metrics,
) -> web.AppRunner | None:
    """In webhook mode: serve the listener, then tell Telegram where to post (every instance
    sets the same URL and secret, so a deploy in any order leaves it right)."""
    if not settings.webhook_url:
        return None
    assert settings.webhook_secret is not None  # checked by the settings
    secret = settings.webhook_secret.get_secret_value()
    server = listener(
        app, path=webhook_path(settings.webhook_url), secret=secret, engine=engine, metrics=metrics
    )
    runner = await start_listener(server, settings.webhook_listen)
    await app.bot.set_webhook(
        settings.webhook_url, secret_token=secret, allowed_updates=ALLOWED_UPDATES
    )
    return runner


async def _lead(
    app: Application,  # type: ignore[type-arg]
    leadership: Leadership,
    stop: asyncio.Event,
    leading: _Leading,
    *,
    tick: bool,
    poll_timeout: float,
) -> None:
    """Stand by until this instance leads; then poll (if polling) and dispatch, and watch."""
    d: Deps = app.bot_data[DEPS_KEY]
    dispatcher: Dispatcher = app.bot_data[DISPATCHER_KEY]
    settings = d.settings
    if not await _stand_by(leadership, stop, settings):
        return
    log.info("instance %s leads: it polls Telegram and dispatches", instance_name())
    # The instance led before may have sent in the second before it went: Telegram counts
    # those too, so this one sends nothing (replies included) for that second.
    app.bot_data[LIMITER_KEY].pause(WINDOW)
    d.metrics.leader.set(1)
    await register_commands(app)
    if not settings.webhook_url:
        assert app.updater is not None
        await app.updater.start_polling(
            timeout=int(poll_timeout), poll_interval=0, allowed_updates=ALLOWED_UPDATES
        )
        leading.polling = True
    leading.ticking = start_ticking(dispatcher, settings.dispatch_every) if tick else None
    app.bot_data[TICKING_KEY] = leading.ticking is not None
    if leading.ticking is not None and isinstance(leadership, AdvisoryLock):
        # Another instance took a staff member's "Send now": look at once, not at the next tick.
        await leadership.listen(WAKE_CHANNEL, lambda: _wake(app))
    log.info("bot @%s is running", app.bot.username)
    # Rows the previous leader claimed are its until it is surely gone: on PostgreSQL a leader
    # whose lock's connection fails stops within LEADERSHIP_CHECK; a file lock proves it at once.
    grace = TAKEOVER_GRACE if isinstance(leadership, AdvisoryLock) else 0.0
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), grace)
    if not stop.is_set() and (taken := await dispatcher.release_claims_of_others()):
        log.info("took over %s messages claimed by an instance that is gone", taken)
    while not stop.is_set():  # if the lock's connection is lost, another instance may lead
        await asyncio.sleep(LEADERSHIP_CHECK)
        if not await leadership.still_held():
            log.error("instance %s lost the lead; stopping", instance_name())
            stop.set()


async def take_share(limiter: RateLimiter, engine: AsyncEngine) -> int:
    """Join the instances sharing BROADCAST_RATE: take this one's share, and when others are
    already sending, send nothing until they have made room for it. Returns the count."""
    instances = await count_instances(engine)
    limiter.share(instances)
    if instances > 1:
        limiter.pause(JOINING_HOLD)
    return instances


async def _share_the_rate(
    app: Application,  # type: ignore[type-arg]
    engine: AsyncEngine,
    stop: asyncio.Event,
    current: int,
) -> None:
    """In webhook mode every instance sends: each keeps to BROADCAST_RATE / instances."""
    limiter: RateLimiter = app.bot_data[LIMITER_KEY]
    rate = app.bot_data[DEPS_KEY].settings.broadcast_rate
    while not stop.is_set():
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), SHARE_REFRESH)
        try:
            instances = await count_instances(engine)
        except Exception as error:
            log.warning("could not count the instances (%s)", type(error).__name__)
            instances = current
        if instances < current:
            # One has gone; what it sent in its last second still counts at Telegram.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), WINDOW)
        if instances != current:
            log.info("%s instances share BROADCAST_RATE: %.1f/s each", instances, rate / instances)
            limiter.share(instances)
            current = instances


def standby_retry(settings: Settings) -> float:
    """Seconds between a standby's attempts to take the lead."""
    return min(settings.dispatch_every.total_seconds(), STANDBY_RETRY)


async def _stand_by(leadership: Leadership, stop: asyncio.Event, settings: Settings) -> bool:
    """Wait until this instance leads (True) or is told to stop (False)."""
    announced = False
    while not stop.is_set():
        if await leadership.try_acquire():
            return True
        if not announced:
            log.info("instance %s stands by: another instance leads", instance_name())
            announced = True
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), standby_retry(settings))
    return False


def run_until_signalled(settings: Settings) -> int:
    """Run until SIGINT or SIGTERM (0); 1 when it stopped by itself, e.g. it lost the lead,
    so that a supervisor restarts it."""

    async def main() -> int:
        stop, signalled = asyncio.Event(), asyncio.Event()

        def on_signal() -> None:
            signalled.set()
            stop.set()

        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, on_signal)
        await serve(build_application(settings), stop)
        return 0 if signalled.is_set() else 1

    return asyncio.run(main())
