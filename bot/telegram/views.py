"""Keyboards and message bodies: turn domain objects into what Telegram shows (no handlers here)."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.answer import ANSWERED, UNSURE, Answer
from bot.render import TextFormat, details_blocks, office_lines, render
from bot.strings import t
from bot.telegram.callbacks import make
from bot.telegram.text import esc
from index.catalog import LiveRegion
from knowledge.localized import pick
from knowledge.region import Region
from knowledge.vocabulary import LANGUAGES, TOPICS

Rows = list[list[InlineKeyboardButton]]


def button(label: str, kind: str, *args: object) -> InlineKeyboardButton | None:
    """A button with validated short callback data (None when the payload would not fit)."""
    data = make(kind, *args)
    return InlineKeyboardButton(label, callback_data=data) if data else None


def keyboard(rows: list[list[InlineKeyboardButton | None]]) -> InlineKeyboardMarkup | None:
    """A markup from rows, leaving out buttons whose payload could not be encoded."""
    clean = [[b for b in row if b is not None] for row in rows]
    clean = [row for row in clean if row]
    return InlineKeyboardMarkup(clean) if clean else None


MaybeRows = list[list[InlineKeyboardButton | None]]


def grid(buttons: list[InlineKeyboardButton | None], per_row: int = 2) -> MaybeRows:
    """Buttons laid out in rows of `per_row`."""
    return [buttons[i:i + per_row] for i in range(0, len(buttons), per_row)]


def language_keyboard(languages: list[str], current: str | None) -> InlineKeyboardMarkup | None:
    """One button per language, in its own name."""
    return keyboard(grid([button(("✅ " if code == current else "") + LANGUAGES[code], "l", code)
                          for code in languages], 3))


def region_keyboard(regions: list[Region], lang: str) -> InlineKeyboardMarkup | None:
    """One button per served region."""
    return keyboard([[button(pick(r.name, [lang, "en"]), "r", r.id)] for r in regions])


def topics_keyboard(live: LiveRegion, lang: str, official: bool) -> InlineKeyboardMarkup | None:
    """The topics that have entries in the region."""
    present = {e.topic for e in live.content.entries.values() if official or e.audience != "official"}
    return keyboard(grid([button(t(lang, f"topic_{topic}"), "t", topic) for topic in TOPICS
                          if topic in present]))


def entries_keyboard(live: LiveRegion, topic: str, lang: str, official: bool) -> InlineKeyboardMarkup | None:
    """The entries of one topic, titled in the user's language (or the fallback)."""
    chain = live.content.region.language_chain(lang)
    entries = sorted((e for e in live.content.entries.values()
                      if e.topic == topic and (official or e.audience != "official")),
                     key=lambda e: e.text_in(chain).title)
    rows = [[button(e.text_in(chain).title[:60], "e", e.id)] for e in entries]
    return keyboard([*rows, [button("⬅️ " + t(lang, "btn_topics"), "t", "-")]])


def answer_keyboard(answer: Answer, ui_lang: str,
                    client_lang: str | None = None) -> InlineKeyboardMarkup | None:
    """Details, 👍/👎, candidates, and the client's version for officials."""
    qid = answer.question_id or 0
    rows: list[list[InlineKeyboardButton | None]] = []
    if answer.outcome == UNSURE:
        rows += [[button(c.title[:60], "p", qid, c.entry_id)] for c in answer.candidates]
    if answer.outcome == ANSWERED and answer.entry and answer.text:
        eid = answer.entry.id
        if answer.text.has_details or (answer.official and answer.entry.legal_basis):
            rows.append([button(t(ui_lang, "btn_details"), "d", eid)])
        if answer.official and client_lang:
            rows.append([button(t(ui_lang, "btn_show_client", language=LANGUAGES[client_lang]),
                                 "c", eid, client_lang)])
        rows.append([button("👍", "v", "+", qid, eid), button("👎", "v", "-", qid, eid)])
    return keyboard(rows)


def answer_text(answer: Answer) -> str:
    """The short answer as Telegram HTML (details stay behind their button)."""
    return render(answer, rich=True, with_details=False)


def details_text(answer: Answer) -> str:
    """The title and the details blocks of an entry answer, as Telegram HTML."""
    assert answer.text is not None
    fmt = TextFormat(True)
    return "\n\n".join([fmt.bold(answer.text.title), *details_blocks(answer, esc, fmt.bold)])


def contacts_text(region: Region, lang: str) -> str:
    """The region's emergency numbers and human contacts."""
    langs = [lang, *region.language_chain(lang)]
    fmt = TextFormat(True)
    numbers = [f"<b>{esc(n.number)}</b> {esc(pick(n.label, langs))}" for n in region.emergency]
    contacts = ["\n".join(office_lines(c, langs, fmt)) for c in region.contacts]
    parts = [t(lang, "emergency_intro") + "\n" + "\n".join(numbers)] if numbers else []
    if contacts:
        parts.append(t(lang, "contacts_intro") + "\n\n" + "\n\n".join(contacts))
    return "\n\n".join(parts)
