"""French and English UI text: each caller gives both forms, so no catalogue drifts."""

from __future__ import annotations

LANGUAGES = ("fr", "en")


def tr(lang: str | None, fr: str, en: str) -> str:
    """The text in `lang` (French unless English is asked for)."""
    return en if lang == "en" else fr
