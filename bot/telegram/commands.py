"""Command handlers: /start (with deep links), /help, /language, /region, /topics, /contact, /privacy,
/forget, /official and /client."""

from __future__ import annotations

from telegram import BotCommand, Update
from telegram.ext import Application, ContextTypes

from bot.strings import t
from bot.telegram.deps import Deps, Prefs, deps_of
from bot.telegram.replies import say, send
from bot.telegram.views import (
    button,
    contacts_text,
    entries_keyboard,
    keyboard,
    language_keyboard,
    region_keyboard,
    topics_keyboard,
)
from knowledge.vocabulary import LANGUAGES, TOPICS

COMMANDS = ("start", "help", "topics", "language", "region", "contact", "privacy", "forget")


def parse_deep_link(payload: str, regions: list[str]) -> tuple[str | None, str | None, str | None]:
    """`<region>-<lang>-<topic>`, each part optional and in any order -> (region, lang, topic)."""
    region = lang = topic = None
    for part in payload.lower().split("-")[:3]:
        if part in regions:
            region = part
        elif part in LANGUAGES:
            lang = part
        elif part in TOPICS:
            topic = part
    return region, lang, topic


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Greet, apply a deep link, and ask for whatever is still missing."""
    deps = deps_of(context)
    prefs = deps.prefs(update)
    chat = update.effective_chat.id
    payload = context.args[0] if context.args else ""
    region, lang, topic = parse_deep_link(payload, deps.core.catalog.region_ids)
    changes = {k: v for k, v in (("region", region), ("lang", lang if lang in deps.ui_languages else None))
               if v}
    deps.save(prefs, **changes)
    await send(context, chat, t(prefs.lang, "welcome"))
    if not lang:
        await send(context, chat, t(prefs.lang, "choose_language"),
                   language_keyboard(deps.ui_languages, prefs.lang))
        return
    await after_language(context, chat, deps, prefs, topic)


async def after_language(context: ContextTypes.DEFAULT_TYPE, chat: int, deps: Deps, prefs: Prefs,
                         topic: str | None = None) -> None:
    """Ask for the region when unknown; else open the topic (deep link) or invite a question."""
    if prefs.region is None:
        regions = [deps.core.region(r).content.region for r in deps.core.catalog.region_ids]
        await send(context, chat, t(prefs.lang, "choose_region"), region_keyboard(regions, prefs.lang))
        return
    live = deps.core.region(prefs.region)
    if topic:
        markup = entries_keyboard(live, topic, prefs.lang, prefs.official)
        title = t(prefs.lang, f"topic_{topic}")
        await send(context, chat, t(prefs.lang, "topic_entries", topic=title), markup)
        return
    await send(context, chat, t(prefs.lang, "ready"), topics_keyboard(live, prefs.lang, prefs.official))


async def help_cmd(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """What the bot does and its commands."""
    await say(update, context, "help")


async def language_cmd(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Choose the language."""
    deps = deps_of(context)
    prefs = deps.prefs(update)
    await send(context, update.effective_chat.id, t(prefs.lang, "choose_language"),
               language_keyboard(deps.ui_languages, prefs.lang))


async def region_cmd(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Choose the region."""
    deps = deps_of(context)
    prefs = deps.prefs(update)
    regions = [deps.core.region(r).content.region for r in deps.core.catalog.region_ids]
    await send(context, update.effective_chat.id, t(prefs.lang, "choose_region"),
               region_keyboard(regions, prefs.lang))


async def needs_region(update: Update, context: ContextTypes.DEFAULT_TYPE, prefs: Prefs) -> bool:
    """True (after asking the user to choose one) when no region is chosen yet."""
    if prefs.region is None:
        await region_cmd(update, context)
        return True
    return False


async def topics_cmd(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Browse the region's topics."""
    deps = deps_of(context)
    prefs = deps.prefs(update)
    if await needs_region(update, context, prefs):
        return
    live = deps.core.region(prefs.region)
    await send(context, update.effective_chat.id, t(prefs.lang, "topics_intro"),
               topics_keyboard(live, prefs.lang, prefs.official))


async def contact_cmd(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Emergency numbers and human contacts of the region."""
    deps = deps_of(context)
    prefs = deps.prefs(update)
    if await needs_region(update, context, prefs):
        return
    await send(context, update.effective_chat.id, contacts_text(deps.core.region(prefs.region).content.region,
                                                               prefs.lang))


async def privacy_cmd(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """What is stored, and for how long."""
    await say(update, context, "privacy", days=deps_of(context).config.retention_days)


async def forget_cmd(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Ask to confirm deleting everything about the user."""
    prefs = deps_of(context).prefs(update)
    markup = keyboard([[button(t(prefs.lang, "btn_forget_yes"), "f", "yes"),
                        button(t(prefs.lang, "btn_cancel"), "f", "no")]])
    await send(context, update.effective_chat.id, t(prefs.lang, "forget_confirm"), markup)


async def official_cmd(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/official <code>` turns official mode on, `/official off` turns it off."""
    deps = deps_of(context)
    prefs = deps.prefs(update)
    chat = update.effective_chat.id
    arg = context.args[0].strip() if context.args else ""
    if arg.lower() == "off":
        deps.save(prefs, official=False)
        await send(context, chat, t(prefs.lang, "official_off"))
    elif not arg:
        await send(context, chat, t(prefs.lang, "official_usage"))
    elif arg not in deps.config.official_codes:
        await send(context, chat, t(prefs.lang, "official_bad_code"))
    else:
        deps.save(prefs, official=True)
        if await needs_region(update, context, prefs):
            return
        region = deps.core.region(prefs.region).content.region
        client = prefs.extra.get("client_lang") or "-"
        await send(context, chat, t(prefs.lang, "official_on", language=LANGUAGES[region.office_languages[0]],
                                    client=LANGUAGES.get(client, client)))


async def client_cmd(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/client <lang>`: the language an official's client speaks."""
    deps = deps_of(context)
    prefs = deps.prefs(update)
    lang = context.args[0].strip().lower() if context.args else ""
    if lang not in LANGUAGES:
        await send(context, update.effective_chat.id,
                   t(prefs.lang, "client_usage", available=", ".join(LANGUAGES)))
        return
    deps.save(prefs, extra={"client_lang": lang})
    await send(context, update.effective_chat.id, t(prefs.lang, "client_set", language=LANGUAGES[lang]))


HANDLERS = {"start": start, "help": help_cmd, "language": language_cmd, "region": region_cmd,
            "topics": topics_cmd, "contact": contact_cmd, "privacy": privacy_cmd, "forget": forget_cmd,
            "official": official_cmd, "client": client_cmd}


async def set_commands(application: Application, languages: list[str]) -> None:
    """The command menu in every UI language (English as the default)."""
    for lang in [None, *languages]:
        commands = [BotCommand(name, t(lang or "en", f"cmd_{name}")) for name in COMMANDS]
        await application.bot.set_my_commands(commands, language_code=lang)

