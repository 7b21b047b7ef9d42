"""Chart drawing: Japanese renders with real glyphs, the trend follows the scores."""

from __future__ import annotations

import warnings
from datetime import date, timedelta

import pytest

from bot.i18n import Texts
from bot.services.charts import ChartData, ChartLabels, render_chart, trend

DAY = date(2026, 11, 1)


def _labels(language: str) -> ChartLabels:
    texts = Texts()(language)
    return ChartLabels(
        language=language,
        title=texts.text("diary-chart-title", days=30),
        y_axis=texts.text("diary-chart-y"),
        x_axis=texts.text("diary-chart-x"),
        score=texts.text("diary-chart-score"),
        trend=texts.text("diary-chart-trend"),
        session=texts.text("diary-chart-session"),
    )


@pytest.mark.parametrize("language", ["en", "ja"])
def test_every_label_has_its_glyphs(language: str) -> None:
    """matplotlib warns "Glyph … missing from font" when it would draw a box instead."""
    scores = tuple((DAY + timedelta(days=i), 8 - i // 4) for i in range(30))
    data = ChartData(
        DAY, DAY + timedelta(days=29), scores, (DAY + timedelta(days=9),), _labels(language)
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        png = render_chart(data)
    assert png.startswith(b"\x89PNG")


def test_the_japanese_labels_really_are_japanese() -> None:
    assert "痛み" in _labels("ja").title


def test_trend_falls_when_the_pain_falls_and_needs_three_scores() -> None:
    falling = tuple((DAY + timedelta(days=i), 9 - i) for i in range(5))
    line = trend(falling)
    assert line is not None and line[0] == pytest.approx(-1.0) and line[1] == pytest.approx(9.0)
    assert trend(falling[:2]) is None
