"""`clinic-bot content check`: content files and message catalogues, every language."""

from __future__ import annotations

from pathlib import Path

from fluent.syntax import FluentParser, ast
from fluent.syntax.visitor import Visitor

from bot.i18n import DEFAULT_LANGUAGE, LOCALES_DIR, available_languages
from bot.services.content import Content, check_content, load_content


def _catalogue_messages(language: str, locales_dir: Path) -> tuple[dict[str, set[str]], list[str]]:
    """Message ids with the variables each uses, and syntax problems."""
    messages: dict[str, set[str]] = {}
    problems = []
    for path in sorted((locales_dir / language).glob("*.ftl")):
        resource = FluentParser().parse(path.read_text(encoding="utf-8"))
        for entry in resource.body:
            if isinstance(entry, ast.Junk):
                problems.append(
                    f"{language}/{path.name}: cannot parse: {(entry.content or '')[:60]!r}"
                )
            elif isinstance(entry, ast.Message):
                messages[entry.id.name] = _variables(entry)
    return messages, problems


def _variables(node: ast.BaseNode) -> set[str]:
    found: set[str] = set()

    class Collector(Visitor):
        def visit_VariableReference(self, node: ast.VariableReference) -> None:
            found.add(node.id.name)

    Collector().visit(node)
    return found


def check_catalogues(locales_dir: Path = LOCALES_DIR) -> list[str]:
    """Every language has every message of the default one, with the same placeholders."""
    reference, problems = _catalogue_messages(DEFAULT_LANGUAGE, locales_dir)
    for language in available_languages(locales_dir):
        if language == DEFAULT_LANGUAGE:
            continue
        messages, syntax = _catalogue_messages(language, locales_dir)
        problems.extend(syntax)
        for message_id in sorted(reference.keys() - messages.keys()):
            problems.append(f"{language}: message {message_id} is missing")
        for message_id in sorted(messages.keys() - reference.keys()):
            problems.append(f"{language}: message {message_id} is not in {DEFAULT_LANGUAGE}")
        for message_id in sorted(reference.keys() & messages.keys()):
            if reference[message_id] != messages[message_id]:
                problems.append(
                    f"{language}: message {message_id} uses {sorted(messages[message_id])}, "
                    f"{DEFAULT_LANGUAGE} uses {sorted(reference[message_id])}"
                )
    return problems


def check_languages(content: Content, locales_dir: Path = LOCALES_DIR) -> list[str]:
    """Every language has both content and a catalogue."""
    catalogues, contents = set(available_languages(locales_dir)), set(content.topics)
    return [
        f"{lang}: content exists but no catalogue" for lang in sorted(contents - catalogues)
    ] + [f"{lang}: catalogue exists but no content" for lang in sorted(catalogues - contents)]


def check_everything(content_dir: Path, locales_dir: Path = LOCALES_DIR) -> list[str]:
    """Content problems, then catalogue problems, then languages missing either."""
    content = load_content(content_dir)
    return (
        check_content(content)
        + check_catalogues(locales_dir)
        + check_languages(content, locales_dir)
    )
