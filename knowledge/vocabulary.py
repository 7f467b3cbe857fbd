"""Fixed vocabularies of the content: topics, audiences and the languages the product knows."""

from __future__ import annotations

TOPICS: tuple[str, ...] = (
    "residence", "work", "education", "health", "housing", "benefits", "registration_documents",
    "language_integration", "legal_aid_rights", "emergency_safety", "family", "transport_driving",
    "money_tax", "local_services",
)

AUDIENCES: tuple[str, ...] = ("migrant", "official", "both")

# Language code -> the language's own name (shown in menus).
LANGUAGES: dict[str, str] = {
    "pl": "Polski", "cs": "Čeština", "en": "English", "uk": "Українська", "ru": "Русский",
    "be": "Беларуская", "ka": "ქართული", "vi": "Tiếng Việt", "ar": "العربية",
}

RTL_LANGUAGES: frozenset[str] = frozenset({"ar"})
