"""The Telegram adapter: python-telegram-bot handlers over the answer core (no domain logic here)."""

from bot.telegram.app import api_urls, build_application, initialize
from bot.telegram.deps import BotConfig, Deps

__all__ = ["BotConfig", "Deps", "api_urls", "build_application", "initialize"]
