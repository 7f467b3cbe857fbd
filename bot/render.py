"""Turn an Answer into text for a person: plain (CLI) or Telegram-safe HTML."""

from __future__ import annotations

import html
from collections.abc import Callable

from bot.answer import ANSWERED, UNSURE, Answer
from bot.strings import t
from knowledge.localized import pick
from knowledge.office import Office
from knowledge.vocabulary import LANGUAGES


class TextFormat:
    """Plain text, or Telegram-safe HTML when `rich`."""

    def __init__(self, rich: bool) -> None:
        self.rich = rich

    def esc(self, text: str) -> str:
        return html.escape(text, quote=False) if self.rich else text

    def bold(self, text: str) -> str:
        return f"<b>{self.esc(text)}</b>" if self.rich else text

    def link(self, url: str, label: str | None = None) -> str:
        if self.rich:
            return f'<a href="{html.escape(url)}">{self.esc(label or url)}</a>'
        return f"{label} ({url})" if label and label != url else url


def office_lines(office: Office, langs: list[str], fmt: TextFormat) -> list[str]:
    """An office as a few lines (only the fields that are known)."""
    lines = [fmt.bold(pick(office.name, langs))]
    for key, value in (("address", pick(office.address, langs)), ("hours", pick(office.hours, langs)),
                       ("phone", office.phone), ("web", office.web)):
        if value:
            lines.append(f"{t(langs[0], key)}: {fmt.esc(value)}")
    return lines


def render(answer: Answer, rich: bool = False, with_details: bool = True) -> str:
    """The whole answer as one message text."""
    fmt = TextFormat(rich)
    lang = answer.lang
    langs = [lang]
    parts: list[str] = []
    if answer.emergency_numbers:
        numbers = [f"{fmt.bold(n.number)} {fmt.esc(pick(n.label, langs))}" for n in answer.emergency_numbers]
        parts.append(t(lang, "emergency_intro") + "\n" + "\n".join(numbers))
    if answer.outcome == ANSWERED and answer.text and answer.entry:
        parts.append(_entry_text(answer, fmt, with_details))
    elif answer.outcome == UNSURE:
        options = [f"{i}. {fmt.esc(c.title)}" for i, c in enumerate(answer.candidates, 1)]
        parts.append(t(lang, "unsure_intro") + "\n" + "\n".join(options))
    else:
        parts.append(t(lang, "unanswered"))
        if answer.contacts:
            contacts = ["\n".join(office_lines(c, langs, fmt)) for c in answer.contacts[:4]]
            parts.append(t(lang, "contacts_intro") + "\n\n" + "\n\n".join(contacts))
    return "\n\n".join(parts)


def _entry_text(answer: Answer, fmt: TextFormat, with_details: bool) -> str:
    text, entry, lang = answer.text, answer.entry, answer.lang
    assert text is not None and entry is not None
    parts: list[str] = []
    if answer.fallback_used:
        parts.append("ℹ️ " + t(lang, "not_in_your_language", language=LANGUAGES.get(lang, lang),
                               fallback=LANGUAGES.get(text.lang, text.lang)))
    parts.append(fmt.bold(text.title) + "\n" + fmt.esc(text.answer))
    if with_details:
        parts.extend(details_blocks(answer, fmt.esc, fmt.bold))
    if answer.offices:
        offices = ["\n".join(office_lines(o, [lang, text.lang], fmt)) for o in answer.offices]
        parts.append("📍 " + fmt.bold(t(lang, "office")) + "\n" + "\n\n".join(offices))
    sources = "\n".join(fmt.link(s.url, s.title) for s in entry.sources)
    parts.append(f"🔗 {fmt.bold(t(lang, 'sources'))}\n{sources}\n"
                 f"🗓 {t(lang, 'reviewed', date=entry.last_reviewed.isoformat())}")
    return "\n\n".join(parts)


def details_blocks(answer: Answer, esc: Callable[[str], str], bold: Callable[[str], str]) -> list[str]:
    """Steps, documents, fees, deadlines, details and (for officials) the legal basis."""
    text, lang = answer.text, answer.lang
    assert text is not None and answer.entry is not None
    blocks = []
    if text.steps:
        blocks.append(bold(t(lang, "steps")) + "\n" + "\n".join(f"{i}. {esc(s)}" for i, s in
                                                               enumerate(text.steps, 1)))
    if text.documents:
        blocks.append(bold(t(lang, "documents")) + "\n" + "\n".join(f"• {esc(d)}" for d in text.documents))
    for key in ("fees", "deadlines"):
        value = getattr(text, key)
        if value:
            blocks.append(f"{bold(t(lang, key))}: {esc(value)}")
    if text.details:
        blocks.append(esc(text.details))
    if answer.official and answer.entry.legal_basis:
        blocks.append(bold(t(lang, "legal_basis")) + "\n" + "\n".join(f"• {esc(b)}" for b in
                                                                      answer.entry.legal_basis))
    return blocks
