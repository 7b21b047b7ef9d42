"""Pain charts as PNG: scores by day, session days, a trend line; rendered off the event loop."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import TypeVar

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties

WIDTH_PX, HEIGHT_PX, DPI = 1000, 620, 100
SCORE_COLOUR, TREND_COLOUR, SESSION_COLOUR = "#1f6fb2", "#e07b00", "#2e8b57"
T = TypeVar("T")


@lru_cache(maxsize=1)
def japanese_font_path() -> str:
    """IPAex Gothic, shipped by the matplotlib-fontja package (so the wheel needs no OS font)."""
    from matplotlib_fontja import get_font_ttf_path

    return str(get_font_ttf_path())


def font(language: str, size: float) -> FontProperties:
    """A font with the language's glyphs: IPAex Gothic for Japanese, matplotlib's own otherwise."""
    if language == "ja":
        return FontProperties(fname=japanese_font_path(), size=size)
    return FontProperties(family="DejaVu Sans", size=size)


@dataclass(frozen=True)
class ChartLabels:
    """The chart's words, in the patient's language."""

    language: str
    title: str
    y_axis: str
    x_axis: str
    score: str
    trend: str
    session: str


@dataclass(frozen=True)
class ChartData:
    """Everything the chart shows (plain data, so it can cross to another process)."""

    first_day: date
    last_day: date
    scores: tuple[tuple[date, int], ...]
    sessions: tuple[date, ...]
    labels: ChartLabels


def _day_label(day: date, language: str) -> str:
    if language == "ja":
        return f"{day.month}/{day.day}"
    return f"{day.day} {day:%b}"


def trend(points: tuple[tuple[date, int], ...]) -> tuple[float, float] | None:
    """Least-squares line through the scores (slope per day, value on the first point's day)."""
    if len(points) < 3:
        return None
    start = points[0][0]
    xs = np.array([(d - start).days for d, _ in points], dtype=float)
    ys = np.array([s for _, s in points], dtype=float)
    if np.ptp(xs) == 0:
        return None
    slope, intercept = np.polyfit(xs, ys, 1)
    return float(slope), float(intercept)


def render_chart(data: ChartData) -> bytes:
    """The chart as a PNG, WIDTH_PX wide."""
    labels, language = data.labels, data.labels.language
    figure = Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    span = (data.last_day - data.first_day).days
    for i, session_day in enumerate(data.sessions):
        x = (session_day - data.first_day).days
        axes.axvline(
            x,
            color=SESSION_COLOUR,
            linestyle="--",
            linewidth=1.5,
            alpha=0.8,
            label=labels.session if i == 0 else None,
        )
        axes.plot([x], [10.4], marker="v", color=SESSION_COLOUR, markersize=9, clip_on=False)
    if data.scores:
        xs = [(d - data.first_day).days for d, _ in data.scores]
        ys = [s for _, s in data.scores]
        axes.plot(
            xs, ys, color=SCORE_COLOUR, marker="o", linewidth=2, markersize=6, label=labels.score
        )
    line = trend(data.scores)
    if line is not None:
        slope, intercept = line
        offset = (data.scores[0][0] - data.first_day).days
        x0, x1 = offset, (data.scores[-1][0] - data.first_day).days
        axes.plot(
            [x0, x1],
            [intercept, intercept + slope * (x1 - x0)],
            color=TREND_COLOUR,
            linestyle=":",
            linewidth=2.5,
            label=labels.trend,
        )
    axes.set_xlim(-0.5, span + 0.5)
    axes.set_ylim(-0.3, 10.3)
    axes.set_yticks(range(11))
    step = 5 if span <= 35 else 14
    ticks = list(range(span % step, span + 1, step))
    axes.set_xticks(ticks)
    axes.set_xticklabels(
        [_day_label(data.first_day + timedelta(days=t), language) for t in ticks],
        fontproperties=font(language, 11),
    )
    for tick in axes.get_yticklabels():
        tick.set_fontproperties(font(language, 11))
    axes.grid(axis="y", alpha=0.3)
    axes.set_ylabel(labels.y_axis, fontproperties=font(language, 13))
    axes.set_xlabel(labels.x_axis, fontproperties=font(language, 13))
    axes.set_title(labels.title, fontproperties=font(language, 16), pad=16)
    if axes.get_legend_handles_labels()[0]:
        axes.legend(loc="upper left", prop=font(language, 11), framealpha=0.9)
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=DPI)
    return out.getvalue()


class Renderer:
    """Runs drawing work on an executor, so the event loop keeps serving other patients."""

    def __init__(self, executor: Executor | None = None) -> None:
        self._executor = executor

    async def run(self, draw: Callable[[T], bytes], data: T) -> bytes:
        """`draw(data)` off the event loop (the default executor's threads unless one is given)."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, draw, data)

    def shutdown(self) -> None:
        """Stop the executor's workers (a process pool must not outlive the bot)."""
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
