"""Vietnam's 63 provinces and centrally-run cities (the units that issued the
2021-2025 digital-transformation plans), with the spellings people type.

Used twice: to tell which province a document is about, and which province a
question asks about, so that the same indicator is answered from the right plan.
Matching is on folded (diacritic-free) text, so "Ha Tinh" finds "Hà Tĩnh".
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from .text import fold

# Canonical name -> other spellings (English, old or variant orthography).
PROVINCES: dict[str, tuple[str, ...]] = {
    "An Giang": (),
    "Bà Rịa - Vũng Tàu": ("Bà Rịa – Vũng Tàu", "Bà Rịa Vũng Tàu", "Vũng Tàu", "BR-VT"),
    "Bắc Giang": (),
    "Bắc Kạn": ("Bắc Cạn",),
    "Bạc Liêu": (),
    "Bắc Ninh": (),
    "Bến Tre": (),
    "Bình Định": (),
    "Bình Dương": (),
    "Bình Phước": (),
    "Bình Thuận": (),
    "Cà Mau": (),
    "Cần Thơ": ("Can Tho City",),
    "Cao Bằng": (),
    "Đà Nẵng": ("Danang",),
    "Đắk Lắk": ("Đắc Lắc", "Daklak"),
    "Đắk Nông": ("Đắc Nông",),
    "Điện Biên": (),
    "Đồng Nai": (),
    "Đồng Tháp": (),
    "Gia Lai": (),
    "Hà Giang": (),
    "Hà Nam": (),
    "Hà Nội": ("Hanoi",),
    "Hà Tĩnh": (),
    "Hải Dương": (),
    "Hải Phòng": ("Haiphong",),
    "Hậu Giang": (),
    "Hòa Bình": ("Hoà Bình",),
    "Hưng Yên": (),
    "Khánh Hòa": ("Khánh Hoà",),
    "Kiên Giang": (),
    "Kon Tum": ("Kontum",),
    "Lai Châu": (),
    "Lâm Đồng": (),
    "Lạng Sơn": (),
    "Lào Cai": (),
    "Long An": (),
    "Nam Định": (),
    "Nghệ An": (),
    "Ninh Bình": (),
    "Ninh Thuận": (),
    "Phú Thọ": (),
    "Phú Yên": (),
    "Quảng Bình": (),
    "Quảng Nam": (),
    "Quảng Ngãi": (),
    "Quảng Ninh": (),
    "Quảng Trị": (),
    "Sóc Trăng": (),
    "Sơn La": (),
    "Tây Ninh": (),
    "Thái Bình": (),
    "Thái Nguyên": (),
    "Thanh Hóa": ("Thanh Hoá",),
    "Thừa Thiên Huế": ("Thừa Thiên - Huế", "Thừa Thiên – Huế", "Huế"),
    "Tiền Giang": (),
    "TP. Hồ Chí Minh": ("Hồ Chí Minh", "Thành phố Hồ Chí Minh", "HCMC", "Sài Gòn", "Saigon"),
    "Trà Vinh": (),
    "Tuyên Quang": (),
    "Vĩnh Long": (),
    "Vĩnh Phúc": (),
    "Yên Bái": (),
}


def _pattern(spelling: str) -> str:
    # Folded, with any run of spaces/dashes between syllables allowed.
    parts = re.split(r"[\s\-–]+", fold(spelling))
    return r"[\s\-–]*".join(re.escape(p) for p in parts if p)


@lru_cache(maxsize=2)
def _matcher(case_sensitive: bool) -> tuple[re.Pattern[str], dict[str, str]]:
    by_folded: dict[str, str] = {}
    for name, aliases in PROVINCES.items():
        for spelling in (name, *aliases):
            by_folded[_key(spelling)] = name
    alternatives = sorted({_pattern(s) for n, a in PROVINCES.items() for s in (n, *a)}, key=len, reverse=True)
    flags = 0 if case_sensitive else re.IGNORECASE
    return re.compile(r"(?<![\w])(" + "|".join(alternatives) + r")(?![\w])", flags), by_folded


def _key(spelling: str) -> str:
    return " ".join(re.split(r"[\s\-–]+", fold(spelling).lower())).strip()


def province_spans(text: str, *, case_sensitive: bool = False) -> list[tuple[int, int, str]]:
    """(start, end, canonical name) of every province named in ``text``.

    Offsets are into ``text`` itself (folding keeps the length), so a caller can blank
    or replace the names. Documents are searched case-sensitively, so that common
    words that happen to spell a province ("hòa bình", peace) are not taken for it;
    questions are not, since people type "ha tinh" in lower case.
    """
    pattern, by_folded = _matcher(case_sensitive)
    spans = []
    for m in pattern.finditer(fold(text)):
        name = by_folded.get(_key(m.group(1)))
        if name:
            spans.append((m.start(1), m.end(1), name))
    return spans


def find_provinces(text: str, *, case_sensitive: bool = False) -> Counter[str]:
    """Canonical province names mentioned in ``text``, with how often."""
    return Counter(name for _, _, name in province_spans(text, case_sensitive=case_sensitive))


def canonical(name: str) -> str | None:
    """The canonical spelling of a province name typed any way, or None."""
    _, by_folded = _matcher(False)
    return by_folded.get(_key(name))
