"""Words for codes: language names, dates in prose, case kinds."""

from __future__ import annotations

import datetime as dt

LANGUAGES = {
    "ar": "Arabic", "am": "Amharic", "bn": "Bengali", "de": "German", "en": "English",
    "es": "Spanish", "fa": "Persian (Farsi)", "fr": "French", "ha": "Hausa", "he": "Hebrew",
    "hi": "Hindi", "ht": "Haitian Creole", "hy": "Armenian", "id": "Indonesian", "it": "Italian",
    "ja": "Japanese", "ka": "Georgian", "km": "Khmer", "ko": "Korean", "ku": "Kurdish",
    "ln": "Lingala", "mn": "Mongolian", "my": "Burmese", "ne": "Nepali", "nl": "Dutch",
    "om": "Oromo", "pa": "Punjabi", "pl": "Polish", "ps": "Pashto", "pt": "Portuguese",
    "qu": "Quechua", "ro": "Romanian", "ru": "Russian", "rw": "Kinyarwanda", "so": "Somali",
    "sq": "Albanian", "sw": "Swahili", "ta": "Tamil", "th": "Thai", "ti": "Tigrinya",
    "tl": "Tagalog", "tr": "Turkish", "uk": "Ukrainian", "ur": "Urdu", "uz": "Uzbek",
    "vi": "Vietnamese", "wo": "Wolof", "yo": "Yoruba", "zh": "Chinese", "el": "Greek",
    "ky": "Kyrgyz", "kk": "Kazakh", "tg": "Tajik", "be": "Belarusian", "bg": "Bulgarian",
    "sr": "Serbian", "hr": "Croatian", "bs": "Bosnian", "cs": "Czech", "sk": "Slovak",
    "hu": "Hungarian", "ff": "Fula", "mg": "Malagasy", "ig": "Igbo", "zu": "Zulu", "af": "Afrikaans",
}

KINDS = {
    "humanitarian-parole": "humanitarian parole", "reparole": "re-parole", "asylum": "asylum",
    "waiver": "a waiver of inadmissibility", "other": "immigration benefits",
}

_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"]


def language_name(code: str) -> str:
    """es -> Spanish; an unknown code is shown as given (upper-cased) rather than guessed."""
    base = code.split("-")[0].lower()
    return LANGUAGES.get(base, code.upper())


def long_date(value: dt.date | str | None) -> str:
    """2026-11-20 -> November 20, 2026; 2025-03 -> March 2025; 2025 -> 2025."""
    if value is None or value == "":
        return ""
    if isinstance(value, dt.date):
        return f"{_MONTHS[value.month - 1]} {value.day}, {value.year}"
    parts = str(value).split("-")
    if len(parts) == 1:
        return parts[0]
    if len(parts) == 2:
        return f"{_MONTHS[int(parts[1]) - 1]} {parts[0]}"
    return long_date(dt.date(int(parts[0]), int(parts[1]), int(parts[2])))


def short_date(value: dt.date | str) -> str:
    """2026-11-20 -> Nov 20, 2026; 2025-03 -> Mar 2025; 2025 -> 2025 (for figures)."""
    full = long_date(value)
    for month in _MONTHS:
        if full.startswith(month):
            return month[:3] + full[len(month):]
    return full


def start_of(value: dt.date | str) -> dt.date:
    """The first day of a full or partial date's period: 2025-03 -> 2025-03-01."""
    if isinstance(value, dt.date):
        return value
    parts = [int(p) for p in str(value).split("-")] + [1, 1]
    return dt.date(parts[0], parts[1], parts[2])


def sort_key(value: str) -> tuple[int, int, int, int]:
    """Partial dates sort at the start of their period, before full dates in it."""
    parts = [int(p) for p in str(value).split("-")]
    precision = len(parts)
    parts += [0] * (3 - len(parts))
    return parts[0], parts[1], parts[2], precision


def join_names(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    if len(names) == 2:
        return f"{names[0]} and {names[1]}"
    return ", ".join(names[:-1]) + f", and {names[-1]}"
