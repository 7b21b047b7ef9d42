"""The clinic's knowledge base: loading topics from `content/`, rendering, and validating it."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import frontmatter
import yaml

from bot.i18n import DEFAULT_LANGUAGE

PLACEHOLDER = re.compile(r"\{\{\s*([a-z_]+)\s*\}\}")
CLINIC_FACTS = ("clinic_name", "address", "email", "phone", "hours", "prices", "booking")
BANNED_CLAIMS = re.compile(
    r"\b(cure[sd]?|curing|guarantee[sd]?|miracle)\b|治る|治ります|治せ|完治|必ず良くな",
    re.IGNORECASE,
)
MAX_MESSAGE_CHARS = 3500  # Telegram allows 4096; the rest is room for related-topic lines.
_BOLD = re.compile(r"\*\*(.+?)\*\*")


@dataclass(frozen=True)
class Topic:
    """One answer in one language, with what should find it."""

    id: str
    language: str
    title: str
    body: str
    questions: tuple[str, ...]
    keywords: tuple[str, ...]
    related: tuple[str, ...]

    @property
    def section(self) -> str:
        """The section id: the part of the topic id before the first dot."""
        return self.id.split(".", 1)[0]


@dataclass
class Content:
    """Every language's topics and section titles."""

    topics: dict[str, dict[str, Topic]] = field(default_factory=dict)
    sections: dict[str, dict[str, str]] = field(default_factory=dict)
    required_ids: tuple[str, ...] = ()
    load_problems: list[str] = field(default_factory=list)

    @property
    def languages(self) -> list[str]:
        """Languages with a content folder, in name order."""
        return sorted(self.topics)

    def topic(self, language: str, topic_id: str) -> Topic | None:
        """The topic in `language`, or None when it does not exist there."""
        return self.topics.get(language, {}).get(topic_id)

    def section_topics(self, language: str, section: str) -> list[Topic]:
        """A section's topics in file-name order."""
        found = self.topics.get(language, {}).values()
        return sorted((t for t in found if t.section == section), key=lambda t: t.id)


def _as_tuple(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list):
        return tuple(str(item) for item in value)
    raise ValueError(f"expected a list, got {type(value).__name__}")


def load_topic(path: Path, language: str) -> Topic:
    """Read one topic file (YAML front matter, then the answer)."""
    post = frontmatter.load(str(path))
    meta = post.metadata
    return Topic(
        id=str(meta.get("id", "")),
        language=language,
        title=str(meta.get("title", "")),
        body=post.content.strip(),
        questions=_as_tuple(meta.get("questions")),
        keywords=_as_tuple(meta.get("keywords")),
        related=_as_tuple(meta.get("related")),
    )


def load_content(content_dir: Path) -> Content:
    """Load every language folder under `content_dir`."""
    content = Content()
    required = content_dir / "required-topics.txt"
    if required.exists():
        lines = required.read_text(encoding="utf-8").splitlines()
        content.required_ids = tuple(
            line.strip() for line in lines if line.strip() and not line.startswith("#")
        )
    for folder in sorted(p for p in content_dir.iterdir() if p.is_dir()):
        topics = {}
        for path in sorted(folder.glob("*.md")):
            try:
                topics[path.stem] = load_topic(path, folder.name)
            except (ValueError, yaml.YAMLError) as error:
                content.load_problems.append(f"{folder.name}/{path.name}: cannot be read: {error}")
        content.topics[folder.name] = topics
        sections_file = folder / "_sections.yaml"
        if sections_file.exists():
            loaded = yaml.safe_load(sections_file.read_text(encoding="utf-8")) or {}
            content.sections[folder.name] = {str(k): str(v) for k, v in loaded.items()}
    return content


def fill_facts(text: str, facts: Mapping[str, str], missing: str) -> str:
    """Replace `{{name}}` placeholders with clinic facts; empty facts say to ask the clinic."""
    return PLACEHOLDER.sub(lambda m: facts.get(m.group(1)) or missing, text)


def to_html(markdown: str) -> str:
    """The content's small Markdown subset (**bold**, lists) as Telegram HTML, escaped."""
    return _BOLD.sub(r"<b>\1</b>", html.escape(markdown, quote=False))


def to_plain(markdown: str) -> str:
    """The same text without markup, as a patient reads it."""
    return _BOLD.sub(r"\1", markdown)


def check_content(content: Content) -> list[str]:
    """Every problem with the content, as readable lines; empty when all is well."""
    problems: list[str] = list(content.load_problems)
    if not content.topics:
        return ["no language folders found"]
    all_ids = set(content.required_ids)
    for topics in content.topics.values():
        all_ids.update(topics)
    for language, topics in content.topics.items():
        sections = content.sections.get(language)
        if sections is None:
            problems.append(f"{language}: _sections.yaml is missing")
        for topic_id in sorted(all_ids - set(topics)):
            problems.append(f"{language}: topic {topic_id} is missing")
        reference = content.topics.get(DEFAULT_LANGUAGE, {})
        for stem, topic in topics.items():
            problems.extend(f"{language}/{stem}.md: {p}" for p in _check_topic(stem, topic, topics))
            original = reference.get(stem)
            if original is not None and _placeholders(original) != _placeholders(topic):
                problems.append(
                    f"{language}/{stem}.md: placeholders {sorted(_placeholders(topic))} differ "
                    f"from {DEFAULT_LANGUAGE}'s {sorted(_placeholders(original))}"
                )
            if sections is not None and topic.section not in sections:
                problems.append(f"{language}/{stem}.md: section {topic.section!r} has no title")
    return problems


def _placeholders(topic: Topic) -> set[str]:
    return set(PLACEHOLDER.findall(topic.body))


def _check_topic(stem: str, topic: Topic, topics: Mapping[str, Topic]) -> list[str]:
    problems = []
    if topic.id != stem:
        problems.append(f"id {topic.id!r} does not match the file name")
    if not topic.title:
        problems.append("title is missing")
    if not topic.body:
        problems.append("the answer is empty")
    if len(topic.questions) < 2:
        problems.append("needs at least two example questions")
    if not topic.keywords:
        problems.append("needs key words")
    for related in topic.related:
        if related not in topics:
            problems.append(f"related topic {related!r} does not exist")
        if related == topic.id:
            problems.append("lists itself as related")
    for name in PLACEHOLDER.findall(topic.body):
        if name not in CLINIC_FACTS:
            problems.append(f"unknown placeholder {{{{{name}}}}}")
    if len(topic.body) > MAX_MESSAGE_CHARS:
        problems.append(
            f"answer is {len(topic.body)} characters; keep it under {MAX_MESSAGE_CHARS}"
        )
    claim = BANNED_CLAIMS.search(topic.body + topic.title)
    if claim:
        problems.append(f"efficacy claim {claim.group(0)!r} is not allowed (あはき法 Article 7)")
    return problems
