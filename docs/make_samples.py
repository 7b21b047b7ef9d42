"""Draws the README's sample pain chart and acupoint picture from the same code the bot uses.

Run: .venv/bin/python docs/make_samples.py
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

from bot.handlers.diary import chart_data
from bot.handlers.pictures import picture_labels
from bot.i18n import Texts
from bot.services.acupoint_pictures import PictureRequest, render_picture
from bot.services.charts import render_chart
from bot.services.diary import DayScore, History

HERE = Path(__file__).resolve().parent


def sample_history(today: date) -> History:
    """A month of made-up scores, easing after weekly sessions (no patient's data)."""
    rng = random.Random(11)
    first = today - timedelta(days=29)
    scores = tuple(
        DayScore(first + timedelta(days=i), max(0, min(10, 7 - i // 6 + rng.randint(-1, 1))), ())
        for i in range(30)
        if rng.random() < 0.85
    )
    sessions = (first + timedelta(days=6), first + timedelta(days=13), first + timedelta(days=20))
    return History(first_day=first, last_day=today, scores=scores, sessions=sessions)


def main() -> None:
    texts = Texts()
    chart = render_chart(chart_data(sample_history(date(2026, 11, 30)), texts("ja"), 30))
    (HERE / "sample-chart-ja.png").write_bytes(chart)
    picture = render_picture(PictureRequest("gb30", picture_labels(texts("en"), "gb30")))
    (HERE / "sample-acupoint-gb30-en.png").write_bytes(picture)


if __name__ == "__main__":
    main()
