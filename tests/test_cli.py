"""`clinic-bot ask` and `run` as an operator uses them."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from bot.cli import main


def test_ask_json_prints_the_contract_fields(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "bl23?", "--json"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record == record | {
        "question": "bl23?",
        "lang": "en",
        "topic": "acupoints.bl23",
        "urgent": False,
    }
    assert record["text"].startswith("BL23 (Shenshu)") and "<b>" not in record["text"]


def test_ask_reads_questions_from_stdin(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import io

    unseen = "back ache and I've been pooping myself unawares"
    lines = f"address\n\n股の間がしびれる\nweather?\n{unseen}\n"
    monkeypatch.setattr(sys, "stdin", io.StringIO(lines))
    assert main(["ask", "--json"]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(r["topic"], r["urgent"], r["lang"]) for r in records] == [
        ("clinic.location", False, "en"),
        (None, True, "ja"),
        (None, False, "en"),
        (None, True, "en"),  # caught by the semantic net alone: no rule matches this wording
    ]


def test_run_without_a_token_says_how_to_get_one(tmp_path: object) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        capture_output=True,
        text=True,
        env={"PATH": "", "TELEGRAM_BOT_TOKEN": ""},
        cwd=str(tmp_path),
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "BotFather" in result.stderr and "TELEGRAM_BOT_TOKEN" in result.stderr
