"""Content: every required topic in every language, valid, and free of efficacy claims."""

from __future__ import annotations

import re
from pathlib import Path

from bot.checks import check_everything
from bot.cli import main
from bot.services.content import BANNED_CLAIMS, load_content
from bot.settings import REPO_ROOT

CONTENT = REPO_ROOT / "content"
SPEC = REPO_ROOT.parent / "shared" / "spec" / "topics.md"


def test_content_check_passes(capsys: object) -> None:
    assert check_everything(CONTENT) == []
    assert main(["content", "check"]) == 0


def test_every_required_topic_exists_in_every_language() -> None:
    content = load_content(CONTENT)
    assert len(content.required_ids) >= 80
    for language, topics in content.topics.items():
        assert set(content.required_ids) <= set(topics), language


def test_required_topics_match_the_shared_contract() -> None:
    if not SPEC.exists():
        return  # the contract lives beside the repo in development and CI
    ids = set(re.findall(r"^\| `([a-z0-9.\-]+)`", SPEC.read_text(encoding="utf-8"), re.M))
    assert ids == set(load_content(CONTENT).required_ids)


def test_no_topic_promises_a_cure() -> None:
    for language, topics in load_content(CONTENT).topics.items():
        for topic in topics.values():
            assert not BANNED_CLAIMS.search(topic.body + topic.title), (language, topic.id)


def test_check_reports_a_missing_topic_and_a_broken_link(tmp_path: Path) -> None:
    (tmp_path / "en").mkdir()
    (tmp_path / "required-topics.txt").write_text("overview\nclinic.about\n")
    (tmp_path / "en" / "_sections.yaml").write_text("overview: Overview\n")
    (tmp_path / "en" / "overview.md").write_text(
        "---\nid: overview\ntitle: Overview\nquestions: [a, b]\nkeywords: [x]\n"
        "related: [nowhere]\n---\nThis cures everything {{secret}}.\n"
    )
    problems = "\n".join(check_everything(tmp_path))
    assert "topic clinic.about is missing" in problems
    assert "related topic 'nowhere' does not exist" in problems
    assert "unknown placeholder {{secret}}" in problems
    assert "efficacy claim 'cures'" in problems
