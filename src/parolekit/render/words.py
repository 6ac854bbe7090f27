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
    "ay": "Aymara", "gn": "Guarani", "az": "Azerbaijani", "ms": "Malay", "lo": "Lao", "si": "Sinhala",
    "te": "Telugu", "ml": "Malayalam", "mr": "Marathi", "gu": "Gujarati", "kn": "Kannada",
    "sd": "Sindhi", "dv": "Dhivehi", "bo": "Tibetan", "ug": "Uyghur", "tk": "Turkmen",
    "sv": "Swedish", "no": "Norwegian", "nb": "Norwegian Bokm\u00e5l", "da": "Danish",
    "fi": "Finnish", "et": "Estonian", "lv": "Latvian", "lt": "Lithuanian", "sl": "Slovenian",
    "mk": "Macedonian", "ca": "Catalan", "eu": "Basque", "gl": "Galician", "ga": "Irish",
    "cy": "Welsh", "is": "Icelandic", "mt": "Maltese", "lb": "Luxembourgish", "yi": "Yiddish",
    "xh": "Xhosa", "st": "Sesotho", "tn": "Setswana", "sn": "Shona", "ny": "Chichewa",
    "lg": "Ganda", "ak": "Akan", "ee": "Ewe", "bm": "Bambara", "kg": "Kongo", "rn": "Kirundi",
    "sg": "Sango", "ks": "Kashmiri", "or": "Odia", "as": "Assamese", "sa": "Sanskrit", "la": "Latin",
    "eo": "Esperanto", "jv": "Javanese", "su": "Sundanese", "ceb": "Cebuano",
}

KINDS = {
    "humanitarian-parole": "humanitarian parole", "reparole": "re-parole", "asylum": "asylum",
    "waiver": "a waiver of inadmissibility", "other": "immigration benefits",
}

# What the packet calls the people a case is for: parole's beneficiary is the applicant of an
# asylum, waiver or re-parole request (an asylum case in removal proceedings: set
# case.beneficiary_title: Respondent).
PARTY = {
    "humanitarian-parole": "Beneficiary", "reparole": "Applicant", "asylum": "Applicant",
    "waiver": "Applicant", "other": "Beneficiary",
}



def party(kind: str, title: str | None = None) -> str:
    """"Applicant", "Beneficiary": the manifest's case.beneficiary_title, else the kind's word."""
    return title or PARTY.get(kind, "Beneficiary")


def is_medical(kind: str, reasons: list[str]) -> bool:
    """Medical parole (or re-parole): the only case whose planned period is a treatment window."""
    return kind in ("humanitarian-parole", "reparole") and "medical" in reasons


_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"]


# ISO 639-2/3 codes for languages often met in immigration cases that ISO 639-1 lacks (Mayan
# languages of Guatemala, Dari, Cantonese...), and the three-letter forms of common ones.
LANGUAGES_3 = {
    "mam": "Mam", "quc": "K\u2019iche\u2019", "kjb": "Q\u2019anjob\u2019al", "cak": "Kaqchikel",
    "kek": "Q\u2019eqchi\u2019", "ixl": "Ixil", "acr": "Achi", "poh": "Poqomchi\u2019",
    "jac": "Popti\u2019", "tzh": "Tzeltal", "tzo": "Tzotzil", "mix": "Mixtec", "zap": "Zapotec",
    "nah": "Nahuatl", "prs": "Dari", "yue": "Cantonese", "cmn": "Mandarin Chinese", "hak": "Hakka",
    "fuf": "Pular", "mnk": "Mandinka", "sus": "Susu", "aii": "Assyrian Neo-Aramaic",
    "rhg": "Rohingya", "ctg": "Chittagonian", "hat": "Haitian Creole", "spa": "Spanish",
    "eng": "English", "fra": "French", "fre": "French", "por": "Portuguese", "ara": "Arabic",
    "rus": "Russian", "ukr": "Ukrainian", "zho": "Chinese", "chi": "Chinese", "vie": "Vietnamese",
    "pus": "Pashto", "fas": "Persian (Farsi)", "per": "Persian (Farsi)", "tir": "Tigrinya",
    "amh": "Amharic", "som": "Somali", "swa": "Swahili", "tur": "Turkish", "kur": "Kurdish",
    "urd": "Urdu", "hin": "Hindi", "ben": "Bengali", "pan": "Punjabi", "nep": "Nepali",
    "tgl": "Tagalog", "fil": "Filipino", "kor": "Korean", "jpn": "Japanese", "deu": "German",
    "ger": "German", "ita": "Italian", "pol": "Polish", "ron": "Romanian", "rum": "Romanian",
    "kin": "Kinyarwanda", "lin": "Lingala", "wol": "Wolof", "uzb": "Uzbek", "kaz": "Kazakh",
    "kir": "Kyrgyz", "tgk": "Tajik", "hye": "Armenian", "arm": "Armenian", "kat": "Georgian",
    "geo": "Georgian", "sqi": "Albanian", "alb": "Albanian", "mya": "Burmese", "bur": "Burmese",
    "khm": "Khmer", "tha": "Thai", "que": "Quechua", "aym": "Aymara", "grn": "Guarani",
}


def language_name(code: str) -> str:
    """es -> Spanish, es-MX -> Spanish, mam -> Mam; a name or an unknown code is shown as given."""
    value = str(code).strip()
    base = value.split("-")[0].lower()
    return LANGUAGES.get(base) or LANGUAGES_3.get(base) or value


def is_english(code: str) -> bool:
    """en, EN, en-US, eng: no translation needed."""
    return str(code).strip().split("-")[0].lower() in ("en", "eng")


def known_language(code: str) -> bool:
    base = str(code).strip().split("-")[0].lower()
    return base in LANGUAGES or base in LANGUAGES_3


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


def fixed_date(value: dt.date | str | None) -> str:
    """long_date held together by no-break spaces, for tables and headings: never wraps."""
    return long_date(value).replace(" ", "\u00a0")


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
