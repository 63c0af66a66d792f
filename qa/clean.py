"""Cleaning of scraped plan articles: remove what a web page adds around the text.

The raw files stay as published; this runs at ingestion so the next scraped page
gets the same treatment. What it removes, and why it is safe:

- SEO spam glued into a sentence: a run of syllables written without spaces
  ("ảngNamưutiênchuyểnđổisố…") is never Vietnamese prose, and the unaccented
  gambling keywords that follow it ("truc tiep bong da", "kq bd") never are either.
- Page furniture: share buttons, comment widgets, template placeholders.
- Datelines and bylines: their date and source become metadata; what follows a
  closing byline is the site's "related articles" list, not the plan.
- A line repeated verbatim (photo captions, a headline shown twice).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .text import fold, normalize

#: Bump when cleaning changes: an index built from text cleaned otherwise is rebuilt.
CLEANER_VERSION = "web-junk-1"

# Page furniture, matched against a whole line (case-insensitive, folded).
_BOILERPLATE_LINES = [
    r"no comments?:?",
    r"post a comment",
    r"\{\s*\w+\s*\}",
    r"chia se( bai viet)?:?",
    r"binh luan( \(\d+\))?:?",
    r"(gui )?y kien ban doc:?",
    r"(share|tweet|like|email|print|in bai viet|facebook|zalo|twitter)( (this|on \w+))?:?",
    r"(tin|bai viet) (lien quan|khac|cung chuyen muc):?",
    r"related (posts|articles|news):?",
    r"tags?:.*",
    r"tu khoa:.*",
    r"(xem them|doc them):?",
    r"newer post|older post|home|subscribe to:.*",
    r"(trang chu|len dau trang|quay lai)",
    r"\|+",
]
_BOILERPLATE = re.compile(r"^(?:" + "|".join(_BOILERPLATE_LINES) + r")$", re.IGNORECASE)

# Unaccented gambling / football-betting keywords that spam sites inject.
_SPAM_PHRASES = re.compile(
    r"\b(?:truc tiep bong da(?: lu)?|ket qua bong da|kq ?bd(?: fa)?|ty le keo|keo nha cai|soi keo|nha cai"
    r"|xoi ?lac|bong da lu|lo de|so de|ca cuoc|casino|w88|fb88|188bet|fun88|m88|789bet|bet365)\b",
    re.IGNORECASE,
)

# A "word" of 16+ letters holding 3+ accented letters is glued syllables, not prose.
_GLUED = re.compile(r"[^\W\d_]{16,}")
_UNDERSCORE_TAIL = re.compile(r"_[A-Za-z][\w ]{0,30}$")
# Short unaccented lower-case words that trail a glued spam token ("tiep bong da lu").
_ASCII_TAIL = re.compile(r"^(?:\s*\b[a-z]{1,4}\b){1,5}")

_MONTHS = {m: i for i, m in enumerate(
    "january february march april may june july august september october november december".split(), 1)}
_DATE_LINE_EN = re.compile(
    r"^(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday),?\s+(\w+)\s+(\d{1,2}),\s*(\d{4})$", re.IGNORECASE)
_DATE_LINE_VI = re.compile(r"^(?:(?:thứ \w+|chủ nhật),?\s*)?(\d{1,2})/(\d{1,2})/(\d{4})(?:\s*[-–|,]\s*\d{1,2}:\d{2}(?::\d{2})?)?(?:\s*\w{0,4})?$")
_DATE_PREFIX = re.compile(r"^date\s+(\d{4}-\d{2}(?:-\d{2})?)\s+", re.IGNORECASE)
# "BDK.VN - Theo ..." : a site name opening the lead paragraph.
_SOURCE_PREFIX = re.compile(r"^([A-Z][A-Za-z0-9]*(?:\.[A-Za-z]{2,})+)\s+[-–]\s+")
# Closing bylines: "M.T", "Tin, ảnh: Trần Quốc", "Theo TTXVN", "PV".
_BYLINE = re.compile(
    r"^(?:[A-ZĐ]{1,3}(?:\.[A-ZĐ]{1,3}){0,3}\.?|(?:tin|ảnh|bài|tin, ảnh|bài, ảnh|bài và ảnh|theo)\s*[:,]?\s*[^.]{1,40})$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class CleanedText:
    """Cleaned text and the metadata the page furniture gave away."""

    text: str
    date: str | None = None
    source: str | None = None


def clean(raw: str) -> CleanedText:
    """Clean a scraped article; returns paragraphs separated by blank lines."""
    lines = normalize(raw).split("\n")
    date: str | None = None
    source: str | None = None
    kept: list[str] = []
    seen: set[str] = set()
    for line in lines:
        line, found_date = _take_date(line)
        date = date or found_date
        if not line:
            continue
        match = _SOURCE_PREFIX.match(line)
        if match:
            source = source or match.group(1)
            line = line[match.end():]
        line = _remove_spam(line)
        if not line or _is_boilerplate(line):
            continue
        key = fold(line).lower()
        if key in seen:
            continue
        seen.add(key)
        kept.append(line)
    kept = _drop_after_closing_byline(kept)
    return CleanedText("\n\n".join(kept), date=date, source=source)


def _take_date(line: str) -> tuple[str, str | None]:
    """Remove a dateline; return what is left of the line and the ISO date."""
    stripped = line.strip()
    m = _DATE_LINE_EN.match(stripped)
    if m and m.group(1).lower() in _MONTHS:
        return "", f"{int(m.group(3)):04d}-{_MONTHS[m.group(1).lower()]:02d}-{int(m.group(2)):02d}"
    m = _DATE_LINE_VI.match(stripped)
    if m and len(stripped) <= 40:
        day, month, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if 1 <= day <= 31 and 1 <= month <= 12:
            return "", f"{year:04d}-{month:02d}-{day:02d}"
    m = _DATE_PREFIX.match(stripped)
    if m:
        return stripped[m.end():], m.group(1)
    return stripped, None


def _is_boilerplate(line: str) -> bool:
    return bool(_BOILERPLATE.match(fold(line).strip().rstrip(".")))


def _remove_spam(line: str) -> str:
    """Cut glued-syllable spam tokens, the keywords trailing them, and stray pipes."""
    out: list[str] = []
    pos = 0
    for m in _GLUED.finditer(line):
        token = m.group(0)
        if sum(1 for c in token if not c.isascii()) < 3 and not re.search(r"[a-z][A-Z]", token):
            continue
        out.append(line[pos:m.start()])
        tail = _ASCII_TAIL.match(line[m.end():])
        pos = m.end() + (tail.end() if tail else 0)
    out.append(line[pos:])
    line = "".join(out)
    line = _UNDERSCORE_TAIL.sub("", line) if "_" in line else line
    line = _SPAM_PHRASES.sub(" ", line)
    line = re.sub(r"\s*\|\s*$", "", line)  # "… quangnam.gov.vn). |"
    line = re.sub(r"\s+([,.;:])", r"\1", line)
    return re.sub(r"\s{2,}", " ", line).strip()


def _drop_after_closing_byline(lines: list[str]) -> list[str]:
    """Drop a closing byline and the site's teasers after it (last third only)."""
    cutoff = max(1, (len(lines) * 2) // 3)
    for i in range(len(lines) - 1, cutoff - 1, -1):
        if _BYLINE.match(lines[i]) and len(lines[i]) <= 40:
            return lines[:i]
    return lines
