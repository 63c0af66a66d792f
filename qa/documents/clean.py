"""Cleaning: a loaded page becomes one block per line, with nothing of substance lost.

The raw files stay as published; this runs at ingestion so the next page gets the same
treatment. The output is what ``qa.documents.structure.parse`` reads: every heading, paragraph,
list item and table row on its own line, blocks separated by a blank line and the rows
of a table by a line break. Each rule below is named and says why it is safe; what it
did is measured by ``python bench/structure_stats.py --rules`` on the five bundled
articles / the 32 dev-province plan excerpts (non-space characters removed, unless said):
take_date 48 / 61, remove_spam 129 / 0, is_boilerplate 54 / 496, strip_motto 0 / 626,
drop_repeated_captions 175 / 126, cut_after_closing_byline 198 / 0; join_wrapped_lines
joined 0 / 126 lines, rows_of_flattened_tables rebuilt 0 / 8 rows, and inline_table_headers
wrote 0 / 357 characters of header names into rows. Per document, cleaning removes 122
(articles) and 42 (plans) characters on average; main's cleaner removed 122 and 11, but
dropped every repeated line (table cells "100%", "Đạt") and cut after any short capitals.

Removed, because it is never plan text:
- ``remove_spam``: SEO spam glued into a sentence (a run of syllables without spaces,
  "ảngNamưutiênchuyểnđổisố…") and the unaccented betting keywords that trail it.
- ``is_boilerplate``: page furniture matched as a whole line (share buttons, comment
  widgets, skip links, font-size widgets; ``data/boilerplate_lines.txt``), separator
  lines ("-------", "|"), and the national motto of official documents.
- ``take_date``: a dateline at the top of a page; its date becomes metadata.
- ``drop_unpunctuated_runs``: a stretch of more than ``MAX_UNPUNCTUATED_CHARS`` with no
  punctuation at all (keyword stuffing, an encoded blob, a broken extraction). Prose, even
  a long legal sentence, has commas long before that; without this rule such a stretch
  became thousands of chunks whose embedding held the build for the better part of an
  hour (a 5 MB line: about 8,300 chunks).
- ``drop_repeated_captions``: a line repeated right after itself (a photo caption shown
  twice) or a repeat of the page's headline. List items and table rows are never
  dropped, however often they repeat ("- Cơ quan chủ trì: Sở TT&TT.").
- ``cut_after_closing_byline``: a closing byline ("M.T", "Tin, ảnh: …") in the last third
  and the other articles' teasers after it, only when what follows has no numbered
  heading, item or table row.

Rebuilt, because the page's layout broke it:
- ``join_wrapped_lines``: hard-wrapped lines (PDF text, legal portals) joined back into
  the sentence they belong to.
- ``rows_of_aligned_tables``: a table laid out with runs of spaces (text extracted from a
  PDF with its layout, or copied from one), its cells wrapped onto the lines below,
  written back as rows before the spaces are collapsed.
- ``rows_of_numbered_lines``: a numbered table whose cells were run together with single
  spaces, one row a line ("STT Chỉ tiêu Đơn vị …" / "1 Tỷ lệ hồ sơ … % 48,5 65"), as
  text copied from a PDF has it, written back as rows instead of one sentence.
- ``rows_of_flattened_tables``: a table flattened one cell per line (a label line and
  its figures) written back as rows.
- ``inline_table_headers``: each row of a table written "Header: cell | Header: cell",
  so a row read alone (a chunk, an answer) still says what its figures are; with
  ``figures_with_their_unit``, a row whose unit column says "%" has it on its figures.

``CleanedText.removed_chars`` counts the non-space characters of the input that are not
in the output (header names written into rows are not counted as kept text), so a
silent loss of content shows in the index run.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from qa.documents.structure import (
    BODY_STARTS, DATA, DOCUMENT_TYPES, ISSUE_DAY, MOTTO, TABLE_SEPARATOR, is_caps, is_row, is_title_like, marker, rows_under_columns,
    split_row, starts_authority, starts_body, starts_lower, type_of,
)
from qa.text import fold, normalize

#: Bump when cleaning changes: an index built from text cleaned otherwise is rebuilt.
CLEANER_VERSION = "blocks-6"


def _patterns(name: str) -> list[str]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


_BOILERPLATE = re.compile(r"^(?:" + "|".join(_patterns("boilerplate_lines.txt")) + r")$", re.IGNORECASE)
_SEPARATOR = re.compile(r"^[\s\-_=~.*·•|+]*$")
_MOTTO = [re.compile(r"\s*".join(map(re.escape, fold(m).upper().split())), re.IGNORECASE) for m in MOTTO]

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
_ASCII_TAIL = re.compile(r"(?:\s*\b[a-z]{1,4}\b){1,5}")

_MONTHS = {m: i for i, m in enumerate(
    "january february march april may june july august september october november december".split(), 1)}
_DATE_LINE_EN = re.compile(
    r"^(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday),?\s+(\w+)\s+(\d{1,2}),\s*(\d{4})$", re.IGNORECASE)
_DATE_LINE_VI = re.compile(
    r"^(?:(?:cập nhật(?: lúc| ngày)?|ngày đăng|đăng lúc|đăng ngày|ngày)\s*:?\s*)?(?:(?:thứ \w+|chủ nhật),?\s*)?"
    r"(?:\d{1,2}:\d{2}(?::\d{2})?\s*[-–|,]?\s*)?"
    r"(\d{1,2})/(\d{1,2})/(\d{4})(?:\s*[-–|,]?\s*\d{1,2}:\d{2}(?::\d{2})?)?(?:\s*\w{0,4})?$", re.IGNORECASE)
_DATE_PREFIX = re.compile(r"^date\s+(\d{4}-\d{2}(?:-\d{2})?)\s+", re.IGNORECASE)
# Datelines sit at the top of a page; further down a lone date is a table cell.
_DATELINE_LINES = 15
# The national motto is furniture in a title block; quoted further down it is content
# (a regulation on what a diploma says, "Nhà nước Cộng hòa xã hội chủ nghĩa Việt Nam").
_TITLE_BLOCK_LINES = 25
# "BDK.VN - Theo ..." : a site name opening the lead paragraph.
_SOURCE_PREFIX = re.compile(r"^([A-Z][A-Za-z0-9]*(?:\.[A-Za-z]{2,})+)\s+[-–]\s+")


@dataclass(frozen=True)
class CleanedText:
    """Cleaned text, the metadata the page furniture gave away, and what was removed."""

    text: str
    date: str | None = None
    source: str | None = None
    removed_chars: int = 0


def clean(raw: str, trace: Counter[str] | None = None) -> CleanedText:
    """Clean a loaded page: one block per line, blocks separated by a blank line.

    ``trace``, when given, counts what each rule did (non-space characters removed, lines
    joined, rows rebuilt): ``bench/structure_stats.py --rules`` reports it.
    """
    tally: Counter[str] = trace if trace is not None else Counter()
    date: str | None = None
    source: str | None = None
    lines: list[str] = []  # "" marks a break: a blank line or a removed separator
    seen = 0  # non-blank lines so far
    in_title_block = True  # until the body starts ("Căn cứ …", a numbered line, a paragraph)
    before_rows = raw.count(TABLE_SEPARATOR)
    raw = rows_of_aligned_tables(raw)
    tally["rows_of_aligned_tables (rows)"] += raw.count(TABLE_SEPARATOR) - before_rows
    raw_lines = cut_related_teasers(normalize(raw).split("\n"))
    for at, line in enumerate(raw_lines):
        seen += 1 if line else 0
        if line and seen <= _DATELINE_LINES:
            before = line
            line, found_date = take_date(line)
            tally["take_date"] += _nonspace(before) - _nonspace(line)
            date = date or found_date
        if not line:
            lines.append("")
            continue
        match = _SOURCE_PREFIX.match(line)
        if match:
            source = source or match.group(1)
            line = line[match.end():]
        before = line
        line = drop_unpunctuated_runs(line)
        tally["drop_unpunctuated_runs"] += _nonspace(before) - _nonspace(line)
        before = line
        line = remove_spam(line)
        tally["remove_spam"] += _nonspace(before) - _nonspace(line)
        line = _strip_pipes(line)
        in_title_block = in_title_block and seen <= _TITLE_BLOCK_LINES and not starts_body(line)
        if in_title_block:
            before = line
            line = strip_motto(line)
            tally["strip_motto"] += _nonspace(before) - _nonspace(line)
        if lines and is_row(lines[-1]) and (is_header_rule(line) or is_table_debris(raw_lines, at)):
            continue  # no break: the header row above stays with the rows below
        if not line or is_boilerplate(line):
            tally["is_boilerplate"] += _nonspace(line)
            lines.append("")
            continue
        lines.extend(_split_title_block_row(line))
    lines = signature_block(signature_cells(lines))
    rows_before = sum(1 for line in lines if is_row(line))
    lines = rows_of_numbered_tables(lines)
    tally["rows_of_numbered_tables (rows)"] += sum(1 for line in lines if is_row(line)) - rows_before
    rows_before = sum(1 for line in lines if is_row(line))
    lines = rows_of_numbered_lines(lines)
    tally["rows_of_numbered_lines (rows)"] += sum(1 for line in lines if is_row(line)) - rows_before
    before_join = _count(lines)
    lines = join_wrapped_lines(lines)
    tally["join_wrapped_lines (lines joined)"] += before_join - _count(lines)
    for i in [i for i, line in enumerate(lines) if line][:_TITLE_BLOCK_LINES]:
        if starts_body(lines[i]):
            break
        before = lines[i]
        lines[i] = strip_motto(lines[i])
        tally["strip_motto"] += _nonspace(before) - _nonspace(lines[i])
    rows_before = sum(1 for line in lines if is_row(line))
    lines = rows_of_flattened_tables(lines)
    tally["rows_of_flattened_tables (rows)"] += sum(1 for line in lines if is_row(line)) - rows_before
    lines, _ = inline_table_headers(lines)
    for rule in (drop_repeated_captions, cut_after_closing_byline):
        before_chars = sum(_nonspace(line) for line in lines)
        lines = rule(lines)
        tally[rule.__name__] += before_chars - sum(_nonspace(line) for line in lines)
    text = _render(lines)
    headers = _header_chars(text)
    tally["inline_table_headers (header characters added)"] += headers
    removed = _nonspace(raw) - (_nonspace(text) - headers)
    return CleanedText(text, date=date, source=source, removed_chars=max(0, removed))


def _count(lines: list[str]) -> int:
    return sum(1 for line in lines if line)


def _nonspace(text: str) -> int:
    return len(text) - sum(text.count(c) for c in " \t\n\r\f\v\u00a0")


def _header_chars(text: str) -> int:
    """Non-space characters that header names add to the rows written under them."""
    from qa.documents.structure import parse  # the rows' headers are read back as parse reads them

    added = 0
    for block in parse(text):
        if block.kind == "row" and block.headers:
            row = text[block.start:block.end]
            added += sum(_nonspace(h) + 1 for h in block.headers if h and (h + ":") in row)
    return added


def _render(lines: list[str]) -> str:
    """Blocks separated by a blank line; consecutive table rows by a line break."""
    out: list[str] = []
    previous_row = False
    for line in lines:
        if not line:
            continue
        row = is_row(line)
        if out:
            out.append("\n" if row and previous_row else "\n\n")
        out.append(line)
        previous_row = row
    return "".join(out)


# ---------------------------------------------------------------- line rules


def take_date(line: str) -> tuple[str, str | None]:
    """Remove a dateline; return what is left of the line and the ISO date."""
    stripped = line.strip()
    m = _DATE_LINE_EN.match(stripped)
    if m and m.group(1).lower() in _MONTHS:
        return "", f"{int(m.group(3)):04d}-{_MONTHS[m.group(1).lower()]:02d}-{int(m.group(2)):02d}"
    m = _DATE_LINE_VI.match(stripped)
    if m and len(stripped) <= 50:
        day, month, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if 1 <= day <= 31 and 1 <= month <= 12:
            return "", f"{year:04d}-{month:02d}-{day:02d}"
    m = _DATE_PREFIX.match(stripped)
    if m:
        return stripped[m.end():], m.group(1)
    if "|" in stripped:
        return _posted_cell(stripped)
    return stripped, None


#: A dateline that says the page was posted or updated ("Cập nhật lúc: …", "Ngày đăng: …").
_POSTED = re.compile(r"^(?:cập nhật|ngày đăng|đăng lúc|đăng ngày)\b", re.IGNORECASE)


def _posted_cell(row: str) -> tuple[str, str | None]:
    """Rule (a news page's meta row): a page's meta line laid out in cells ("Cập nhật lúc:
    08:15, 13/01/2025 | Tác giả: … | Chia sẻ | In bài") dates the page by its cell that says
    it was posted or updated (``_POSTED``), taken out of the row as a whole dateline is; a
    bare date in a cell ("Thứ Hai, 13/01/2025 | Đăng nhập") is the day the page was read."""
    cells = split_row(row)
    for k, cell in enumerate(cells):
        if not _POSTED.match(cell):
            continue
        rest, date = take_date(cell)
        if date is not None and not rest:
            return TABLE_SEPARATOR.join(c for j, c in enumerate(cells) if j != k and c), date
    return row, None


def is_boilerplate(line: str) -> bool:
    """Page furniture (``data/boilerplate_lines.txt``) or a separator line ("-----", "|")."""
    return bool(_SEPARATOR.match(line)) or bool(_BOILERPLATE.match(fold(line).strip().rstrip(".")))


#: A Markdown table's header rule ("|---|---|---|", "| :--- | ---: |"), as ``_strip_pipes``
#: leaves it ("--- | --- | ---"): at least two cells of three or more dashes.
_HEADER_RULE = re.compile(r"^:?-{3,}:?(?: \| :?-{3,}:?)+$")


def is_header_rule(line: str) -> bool:
    """Rule (a table's header rule is no break): the line under a Markdown table's header row
    ("| Chỉ tiêu | Kế hoạch năm 2024 | Thực hiện năm 2024 |" / "|---|---|---|"). Read as a
    separator line like any other, it left the header row alone above a blank line, and the
    rows below were never written "Header: cell" (``inline_table_headers``): a row "Tỷ lệ hồ
    sơ … | 50% | 48,7%" then says neither which figure is the plan's and which was reached.
    Measured (with ``_f_target_for_status`` reading the row's "Thực hiện năm …:" cell): the
    floor check ``unseen`` two refused answers of what was reached answered; every dev set
    identical."""
    return bool(_HEADER_RULE.match(line))


def is_table_debris(raw_lines: list[str], at: int) -> bool:
    """Rule (table debris inside a table is no break): a line of pipes alone ("|", what a
    table's empty row or border leaves) with a row on the next non-blank line. After a header
    row ("| STT | Chỉ tiêu | Đơn vị | Năm 2025 |" / "|" / "| 1 | Tỷ trọng … | % | 12 |") it
    left the header alone above a blank line, like a header rule (``is_header_rule``), and the
    rows were never written "Header: cell". Read only between two rows: after a table's last
    row, the line still breaks it from what follows. Measured: no answer changed on ``unseen``, ``unseen2``
    or any dev set (a plan's indicator rows now carry their headers)."""
    line = raw_lines[at]
    if line.strip(" |\t") or "|" not in line:
        return False
    nxt = next((raw_lines[j] for j in range(at + 1, len(raw_lines)) if raw_lines[j].strip()), "")
    return is_row(_strip_pipes(nxt))


def strip_motto(line: str) -> str:
    """A line without the national motto ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập -
    Tự do - Hạnh phúc"), which heads every official document and says nothing about it.
    The two title-block columns often share a line, so only the motto's words go. Applied
    to a document's title block only: its first lines (``_TITLE_BLOCK_LINES``) before the
    body starts."""
    if not line:
        return line
    folded = fold(line)
    for pattern in _MOTTO:
        m = pattern.search(folded)
        if m:
            line = (line[:m.start()] + " " + line[m.end():]).strip(" |")
            folded = fold(line)
    return " ".join(line.split())


# A run of spaces before punctuation, matched from the run's start only (linear).
_GAP_BEFORE_PUNCTUATION = re.compile(r"(?<!\s)\s+([,.;:])")


#: Longest stretch of a line with no punctuation that cleaning keeps (characters).
MAX_UNPUNCTUATED_CHARS = 3000
_PUNCTUATION = re.compile(r"[.,;:!?…]")


def drop_unpunctuated_runs(line: str) -> str:
    """The line without its stretches of more than ``MAX_UNPUNCTUATED_CHARS`` that hold
    no punctuation mark; linear in the line (one scan of its punctuation)."""
    if len(line) <= MAX_UNPUNCTUATED_CHARS:
        return line
    kept: list[str] = []
    start = 0
    for end in [m.end() for m in _PUNCTUATION.finditer(line)] + [len(line)]:
        if end - start <= MAX_UNPUNCTUATED_CHARS:
            kept.append(line[start:end])
        start = end
    return "".join(kept).strip()


def remove_spam(line: str) -> str:
    """Cut glued-syllable spam tokens and the betting keywords trailing them."""
    out: list[str] = []
    pos = 0
    for m in _GLUED.finditer(line):
        token = m.group(0)
        if sum(1 for c in token if not c.isascii()) < 3 and not re.search(r"[a-z][A-Z]", token):
            continue
        out.append(line[pos:m.start()])
        tail = _ASCII_TAIL.match(line, m.end())  # matched in place: no copy of the rest of the line
        pos = tail.end() if tail else m.end()
    out.append(line[pos:])
    original = line
    line = "".join(out)
    line = _UNDERSCORE_TAIL.sub("", line) if "_" in line else line
    line = _SPAM_PHRASES.sub(" ", line)
    if line == original:
        return line.strip()
    line = _GAP_BEFORE_PUNCTUATION.sub(r"\1", line)  # the gap a cut token left before punctuation
    return re.sub(r"\s{2,}", " ", line).strip()


def _strip_pipes(line: str) -> str:
    """Table debris at a line's ends ("ỦY BAN NHÂN DÂN |", "| Số hiệu | 72/KH-UBND |")."""
    line = line.strip(" \t|")  # str.strip, linear (a regex anchored at the end backtracks)
    return TABLE_SEPARATOR.join(split_row(line)) if "|" in line else line


#: The rule under a title-block cell's lines ("ỦY BAN NHÂN DÂN / TỈNH CÀ MAU / -------"), which a
#: Word table cell's lines, joined, leave at its end.
_CELL_RULE = re.compile(r"(?:^|\s+)[-_=~.·*]{3,}$")


def _split_title_block_row(line: str) -> list[str]:
    """A title block laid out as a table ("Số: 1893/QĐ-UBND | Thái Nguyên, ngày …") is not a
    table: its cells go on lines of their own, without the rule drawn under a cell's lines
    ("ỦY BAN NHÂN DÂN TỈNH CÀ MAU -------": left there, the dashes read as a hyphen that
    joined the next line, "Số: 1235/QĐ-UBND", to the issuer)."""
    if not is_row(line):
        return [line]
    cells = split_row(line)
    title_cell = re.compile(r"^(Số\s*:|.{0,40},?\s*ngày\s+\d{1,2}\s+tháng)", re.IGNORECASE)
    if any(title_cell.match(c) or starts_authority(c) for c in cells):
        cells = [_CELL_RULE.sub("", c).strip() for c in cells]
        return [c for c in cells if c]
    return [line]


# ---------------------------------------------------------------- wrapped lines

_ENDS_SENTENCE = (".", "!", "?", "…", ";", ":", "”", "\"")
_CONTINUES = (",", "(", "-", "–", "/", "&")
_MAJOR_WORD = re.compile(r"^(phần|chương|mục|điều|phụ lục)$", re.IGNORECASE)
_NUMERAL = re.compile(r"^([IVXLC]+|\d{1,3}|thứ\s+\w+)\b", re.IGNORECASE)
_SHORT_LABEL = 12  # "Số:", "Nơi nhận:": a label whose value was wrapped to the next line


def join_wrapped_lines(lines: list[str]) -> list[str]:
    """Join lines that a hard wrap cut out of one sentence or one heading.

    A line continues on the next one unless it ends a sentence (. ! ? ; :) or the next one
    opens a block (a numbering or bullet, a table row, a title-block line). Then it does
    when the next line starts in lower case, when this one ends with a comma or a hyphen,
    when both are in capitals (a heading wrapped over two lines, but never after a
    document-type line such as "KẾ HOẠCH"), or, in a hard-wrapped document (most lines
    of about one width), when this line reaches that width, the next starts with a
    figure ("Căn cứ Quyết định số" / "749/QĐ-TTg ngày …"), or this line already continues
    a wrapped sentence it does not end ("… Chiến lược phát triển Chính phủ điện" / "tử
    hướng tới" / "Chính phủ số giai đoạn 2021-2025, …": a paragraph of prose ends with its
    sentence, not at a short line). Lines never join across a blank line: that is a
    paragraph break.
    """
    width = wrap_width(lines)
    paragraphs: list[list[str]] = []  # the physical lines of each output line
    for line in lines:
        if line and paragraphs and paragraphs[-1] and _continues(paragraphs[-1][0], paragraphs[-1][-1], line, width,
                                                                 len(paragraphs[-1]) == 1):
            paragraphs[-1].append(line)
        else:
            paragraphs.append([line] if line else [])
    return [" ".join(parts) for parts in paragraphs]


#: A wrap column's band: the lines a wrap cut end between these fractions of it (a word
#: that did not fit left the line short; a trailing space or glyph may pass it).
_BAND_BELOW, _BAND_ABOVE = 0.75, 1.05


def _wrap_band(lengths: list[int]) -> tuple[int, int]:
    """The likely wrap column of ``lengths`` (sorted, not empty): the length at the 80th
    percentile; and how many of them end in its band (``_BAND_BELOW`` to ``_BAND_ABOVE``
    of it). Why one function: ``wrap_width`` over all lines and ``mid_sentence_width``
    over the lines cut mid-sentence take this one measure, each of its own lines."""
    top = lengths[int(len(lengths) * 0.8)]
    return top, sum(1 for n in lengths if _BAND_BELOW * top <= n <= top * _BAND_ABOVE)


def wrap_width(lines: Iterable[str]) -> int | None:
    """The width of a hard-wrapped text, or None when its lines are not of one width.

    Wrapped text has many of its lines (a quarter or more; legal portals shorten each
    paragraph's first line) within a narrow band below a wrap column of at most 130
    characters; web pages have one line per paragraph, of every length. On the dev
    plans this finds the 6 wrapped pages among 32 and no other. A text this count does
    not find may still be wrapped at a wider column: ``mid_sentence_width`` reads it.
    """
    lines = list(lines)
    lengths = sorted(len(line) for line in lines if len(line) >= 20)
    if len(lengths) < 8:
        return None
    top, band = _wrap_band(lengths)
    if top <= 130 and band >= 0.25 * len(lengths):
        return top
    return mid_sentence_width(lines)


_WRAP_MIN_LINES = 8  # lines cut mid-sentence at one width before a text counts as wrapped


def mid_sentence_width(lines: list[str]) -> int | None:
    """The wrap width of a text read from its lines that end mid-sentence, or None.

    A plan typed with short list items and wrapped at a wide column (Kon Tum's, at about
    120 characters) has too few lines near its width for ``wrap_width``'s count over all
    lines, and a fixed widest column cannot tell it from a web page. The lines a wrap cut
    (not ending a sentence, not a table row or cell) are the ones that show it: most of
    them (40%) end within a band below one width, at least ``_WRAP_MIN_LINES`` of them,
    and that width is a ceiling (at most 5% of all lines are longer). A web page's
    unpunctuated lines are headings and captions of every length, below paragraphs far
    longer than they are; headings, list items and title-block lines stay short of the
    width, so they are not joined for it.
    """
    lengths = [len(line) for line in lines if len(line) >= 20]
    cut = sorted(len(line) for line in lines if len(line) >= 20 and not line.endswith(_ENDS_SENTENCE)
                 and not line.endswith("|") and not is_row(line))
    if len(cut) < _WRAP_MIN_LINES:
        return None
    top, band = _wrap_band(cut)
    longer = sum(1 for n in lengths if n > top * _BAND_ABOVE)
    if band >= max(_WRAP_MIN_LINES, 0.4 * len(cut)) and longer <= 0.05 * len(lengths):
        return top
    return None


def _continues(first: str, last: str, nxt: str, width: int | None, alone: bool) -> bool:
    """Whether ``nxt`` continues the line whose first physical line is ``first`` and last is
    ``last`` (``alone`` when they are the same). Looks at those two lines only, so joining
    stays linear however long a paragraph grows."""
    if is_row(first) or is_row(nxt) or starts_authority(nxt) or type_of(last) or type_of(nxt):
        return False
    if alone and _MAJOR_WORD.match(last) and _NUMERAL.match(nxt):
        return True  # "Phần" / "I"
    m = marker(first)
    if alone and m is not None and m.scheme in ("part", "chapter", "section", "article", "appendix") \
            and not first[m.end:].strip():
        return False  # "Chương II" stands alone; its title is the next line
    if marker(nxt) is not None:
        return False
    if last.endswith(":") and len(last) <= _SHORT_LABEL:
        return True
    if last.endswith(_ENDS_SENTENCE):
        return False
    if starts_lower(nxt):
        return True
    if last.endswith(_CONTINUES):
        return True
    caps_last, caps_next = is_caps(last), is_caps(nxt)
    if caps_last and caps_next:
        return True
    if caps_last or caps_next:
        return False
    if width is None or opens_body(nxt):
        return False
    return len(last) >= 0.8 * width or nxt[:1].isdigit() or not alone


def opens_body(line: str) -> bool:
    """The line opens a document's body or one of its paragraphs with the words official
    documents begin them with ("Căn cứ …", "Thực hiện Công văn số …", "Theo đề nghị …"):
    in a hard-wrapped document it starts a paragraph, so it is never joined to the line
    before for that line's width alone. A report's title "Kết quả thực hiện chuyển đổi số
    năm 2024 và phương hướng, nhiệm vụ năm 2025", as wide as the wrap, was otherwise
    joined to the "Thực hiện Công văn số 4721/BTTTT-CĐSQG …" that opens its body, and the
    document lost its title (its number and signer were then found for no question about
    it). A line before it that ends with a comma or a hyphen, or a next line in lower
    case, still joins (those are read before the width)."""
    return line.startswith(BODY_STARTS)


# ---------------------------------------------------------------- tables

#: A gap between two cells of a table laid out with spaces: two or more spaces. (Tabs are
#: not: Word text puts one after every "Điều 12." and list mark.)
_ALIGN_GAP = re.compile(r" {2,}")
_ALIGN_MIN_CELLS = 3  # fewer: a title block or signature line ("ỦY BAN NHÂN DÂN      CỘNG HÒA …")
_ALIGN_SLACK = 2  # characters a cell may start off its column (text centred, figures right-aligned)
#: Widest line of a table laid out with spaces: a printed line (an A4 page in landscape
#: is about 180 characters in layout text). A longer line is a paragraph, whatever its gaps.
_ALIGN_MAX_WIDTH = 200


def _aligned_cells(line: str) -> list[tuple[int, str]]:
    """The line's cells between runs of spaces, each as (start column, text)."""
    cells = []
    pos = len(line) - len(line.lstrip(" "))
    line = line.rstrip()
    for gap in _ALIGN_GAP.finditer(line, pos):
        if gap.start() > pos:
            cells.append((pos, line[pos:gap.start()]))
        pos = gap.end()
    if pos < len(line):
        cells.append((pos, line[pos:]))
    return cells


def _on_columns(cells: list[tuple[int, str]], starts: list[int]) -> bool:
    """Every cell starts at one of the columns (a figure may end there instead: right-aligned)."""
    return all(any(abs(at - s) <= _ALIGN_SLACK for s in starts) or _NUMERIC_CELL.match(text) for at, text in cells)


def rows_of_aligned_tables(text: str) -> str:
    """Write back as rows ("cell | cell") a table whose columns were laid out with spaces.

    PDF text extracted with its layout (pdftotext -layout) or copied from a PDF viewer
    keeps a table as lines whose cells are separated by runs of spaces, a long cell
    wrapped onto the next lines under its own column ("1     Tỷ lệ hồ sơ … được     %
    60  90   Sở Khoa học và" / "      giải quyết trực tuyến toàn trình         Công
    nghệ"). Collapsing the spaces and joining wrapped lines then ran every row into one
    sentence, and a question on one row got the whole table without its header.

    A table starts at a line of ``_ALIGN_MIN_CELLS`` or more cells, whose cell starts are
    its columns, and goes on over lines whose cells all start on those columns: a line
    with as many cells is a row, one with fewer is the wrapped part of the row above
    (its cells are appended to that row's, column by column). A blank line inside it is
    passed over when an aligned line of ``_ALIGN_MIN_CELLS`` cells follows. Two rows at
    least make a table. A table with no header of its own (the part after a page break)
    whose columns are the previous table's takes that table's header, written into each
    of its rows ("Header: cell"). Lines wider than a printed line (``_ALIGN_MAX_WIDTH``: a
    paragraph whose repeated opening happens to put double spaces at one place), lines
    with fewer cells (a title block's two columns, a
    signature) and prose with a stray double space (its cells start anywhere) are left
    as they were.
    """
    if "  " not in text:
        return text
    lines = text.split("\n")
    cells = [_aligned_cells(line) if "  " in line.strip() and len(line) <= _ALIGN_MAX_WIDTH else [] for line in lines]
    out: list[str] = []
    previous: tuple[list[int], list[str]] | None = None  # column starts and header of the last table
    i = 0
    while i < len(lines):
        if len(cells[i]) < _ALIGN_MIN_CELLS:
            out.append(lines[i])
            i += 1
            continue
        starts = [at for at, _ in cells[i]]
        block = [i]  # the table's lines, blank lines inside it left out
        full = 1
        j = i + 1
        while j < len(lines):
            k = j
            while k < len(lines) and not lines[k].strip():
                k += 1
            if k >= len(lines):
                break
            found = cells[k] or [(len(lines[k]) - len(lines[k].lstrip(" ")), lines[k].strip())]
            if len(lines[k]) > _ALIGN_MAX_WIDTH or not _on_columns(found, starts) or len(found) > len(starts) \
                    or (k > j and len(found) < _ALIGN_MIN_CELLS):
                break
            block.append(k)
            full += len(found) >= _ALIGN_MIN_CELLS
            j = k + 1
        if full < 2:
            out.append(lines[i])
            i += 1
            continue
        found_cells = [cells[b] or [(len(lines[b]) - len(lines[b].lstrip(" ")), lines[b].strip())] for b in block]
        rows = rows_under_columns(found_cells, starts, _ALIGN_SLACK, _ALIGN_MIN_CELLS)
        header = rows[0]
        if not _looks_like_header(header) and previous is not None and len(previous[0]) == len(starts) \
                and all(abs(a - b) <= _ALIGN_SLACK for a, b in zip(previous[0], starts)):
            out.extend(_row(previous[1], row) for row in rows)
        else:
            out.extend(TABLE_SEPARATOR.join(row) for row in rows)
            previous = (starts, header) if _looks_like_header(header) else None
        i = block[-1] + 1
    return "\n".join(out)


_NUMERIC_CELL = re.compile(r"^[<>≤≥~±]?\s*-?\d[\d.,]*\s*(?:%|‰)?(?:\s*[-–/]\s*\d[\d.,]*\s*%?)?(?:\s+[^\W\d_]+){0,2}$")
_WORD_CELL = re.compile(r"^[^\W\d_]+(?:\s[^\W\d_]+){0,2}$")
_MAX_CELLS = 8


def _is_value(line: str) -> bool:
    if marker(line) is not None:
        return False
    return bool(_NUMERIC_CELL.match(line)) or (len(line) <= 20 and bool(_WORD_CELL.match(line)) and not is_caps(line))


def rows_of_flattened_tables(lines: list[str]) -> list[str]:
    """Write back as rows a table that a web page flattened one cell per line.

    A row is a label line followed by its cells, which are short values ("100%", "75,3%",
    "Đạt"); a table is at least two such rows with the same number of cells, each with a
    figure. Its header is the run of as many short lines just before the first row, if
    there is one. Label lines without cells (group labels such as "a) Chính quyền số")
    stay lines of their own. Anything else is left as it was.
    """
    seq = [i for i, line in enumerate(lines) if line]
    value = [_is_value(lines[i]) for i in seq]  # each line judged once: linear in the text
    rows: list[tuple[int, list[int]]] = []  # (label position in seq, value positions)
    k = 0
    while k < len(seq):
        label = lines[seq[k]]
        values: list[int] = []
        j = k + 1
        while j < len(seq) and len(values) < _MAX_CELLS and value[j]:
            values.append(j)
            j += 1
        if values and not value[k] and not is_row(label) \
                and any(_NUMERIC_CELL.match(lines[seq[v]]) for v in values):
            rows.append((k, values))
            k = j
        else:
            k += 1
    out = list(lines)
    for run in _runs(rows, len(seq)):
        n_cells = len(run[0][1])
        headers = _headers_before(lines, seq, run[0][0], n_cells + 1)
        names = [lines[seq[h]] for h in headers]
        if headers:
            out[seq[headers[0]]] = TABLE_SEPARATOR.join(names)
            for h in headers[1:]:
                out[seq[h]] = ""
        for label, values in run:
            cells = [lines[seq[label]]] + [lines[seq[v]] for v in values]
            out[seq[label]] = _row(names[:len(cells)], cells)  # a cut-off last row: its first headers
            for v in values:
                out[seq[v]] = ""
    return out


#: The office line that opens an official document's closing signature block: "KT. CHỦ
#: TỊCH", "TM. ỦY BAN NHÂN DÂN", "PHÓ GIÁM ĐỐC", "HIỆU TRƯỞNG" (in capitals).
_SIGN_OFFICE = re.compile(r"^(?:(?:KT|TM|TL|TUQ|Q)\.\s*[A-ZĐÀ-Ỹ]|(?:PHÓ\s+)?(?:CHỦ TỊCH|GIÁM ĐỐC|HIỆU TRƯỞNG|BỘ TRƯỞNG"
                          r"|THỦ TƯỚNG|BÍ THƯ|TRƯỞNG BAN|VIỆN TRƯỞNG|CHÁNH VĂN PHÒNG)\b)")
#: What may stand between the office and the name: a signing note ("(Đã ký)", "(Ký, ghi rõ họ
#: tên, đóng dấu)"), dropped with the office lines, and the recipients' column beside the
#: block, read line by line with it ("Nơi nhận:", "- Như trên;", "- Lưu: VT."), kept.
_SIGNED_NOTE = re.compile(r"^\(?(?:đã ký|ký tên|ký,[^)]*|chữ ký[^)]*)\)?\.?$", re.IGNORECASE)
#: A signing note closing a signature cell's office ("KT. CHỦ TỊCH (Đã ký)").
_SIGNED_NOTE_AT_END = re.compile(r"\s\((?:đã ký|ký tên|ký,[^)]*|chữ ký[^)]*)\)$", re.IGNORECASE)
_RECIPIENTS = re.compile(r"^(?:nơi nhận\b.*|[-+•]\s.*)$", re.IGNORECASE)
#: A person's name: 2-5 words, each capitalised (or in capitals), letters only.
_SIGNER_NAME = re.compile(r"^[A-ZĐÀ-Ỹ][a-zđà-ỹA-ZĐÀ-Ỹ]*(?:\s+[A-ZĐÀ-Ỹ][a-zđà-ỹA-ZĐÀ-Ỹ]*){1,4}$")
_SIGNATURE_LINES = 40  # the block is sought among the document's last lines
_SIGNATURE_AFTER = 8  # and never among its first (a title block's "ỦY BAN NHÂN DÂN / TỈNH …")
SIGNER_LABEL = "Người ký: "


def signature_cells(lines: list[str]) -> list[str]:
    """Rule (a signature laid out in a table cell): a Word decision prints its closing block
    as a two-cell table, recipients left, signature right, and a loader writes the row as one
    line with each cell's lines joined ("Nơi nhận: - Như Điều 3; … | KT. CHỦ TỊCH PHÓ CHỦ TỊCH
    Nguyễn Văn A"). Among the last ``_SIGNATURE_LINES`` lines, such a row goes on lines of
    its own, the signing cell as its office and its name ("KT. CHỦ TỊCH PHÓ CHỦ TỊCH" /
    "Nguyễn Văn A"), so that ``signature_block`` reads the block as it reads a text file's.
    A cell is a signature when it opens with an office (``_SIGN_OFFICE``) and ends with a
    name (``_SIGNER_NAME``, not in capitals) after the office's words in capitals and any
    signing note; any other row is left as it was."""
    tail = [i for i, line in enumerate(lines) if line][-_SIGNATURE_LINES:]
    out = list(lines)
    for i in reversed(tail):
        if not is_row(lines[i]):
            continue
        cells = split_row(lines[i])
        split = [_office_and_name(cell) for cell in cells]
        if not any(split):
            continue
        expanded: list[str] = []
        for cell, parts in zip(cells, split):
            expanded.extend(parts or ([cell] if cell else []))
        out[i:i + 1] = expanded
    return out


def _office_and_name(cell: str) -> list[str] | None:
    """A signing cell's office, signing note and name on lines of their own ("KT. CHỦ TỊCH
    PHÓ CHỦ TỊCH (Đã ký) Nguyễn Văn A" -> ["KT. CHỦ TỊCH PHÓ CHỦ TỊCH", "(Đã ký)",
    "Nguyễn Văn A"]), or None when the cell is not one."""
    cell = cell.strip()
    if not _SIGN_OFFICE.match(cell):
        return None
    words = cell.split()
    for n in (5, 4, 3, 2):  # the longest name that follows the office's capitals
        if len(words) <= n:
            continue
        name, text = " ".join(words[-n:]), " ".join(words[:-n])
        if not _SIGNER_NAME.match(name) or any(is_caps(w) for w in words[-n:] if len(w) > 1):
            continue
        note = _SIGNED_NOTE_AT_END.search(text)
        office = text[:note.start()].strip() if note else text
        if not is_caps(office.split()[-1]):
            continue
        return [office, note.group(0).strip()] + [name] if note else [office, name]
    return None


def signature_block(lines: list[str]) -> list[str]:
    """Write an official document's closing signature block as one line that names the
    signer as such: "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH / (Đã ký) / Nguyễn Thành Sinh" becomes
    "Người ký: Nguyễn Thành Sinh (KT. CHỦ TỊCH PHÓ CHỦ TỊCH)", placed under the title
    block's date line when there is one (else where the block was). Asked "ai ký …?", the
    reader finds the signer there as it finds a portal's "Người ký | …" row, in the passage
    a question about the document retrieves; laid out on four lines at the end, the name
    stood alone, said nothing, and sat in a passage no such question retrieved. The block
    is the last office line among the last ``_SIGNATURE_LINES`` lines followed, after at
    most three more office lines or signing notes, by a name; anything else is left as it
    was. Rule (a decision's signature comes before what it issues): a decision that issues
    a plan or a regulation "kèm theo" prints it after its own signature, so the document's
    last lines are the attached one's; when they hold no block, the block is sought among
    the last lines before the attached document opens (``attachment_start``: "KẾ HOẠCH" or
    "QUY CHẾ / … / (Ban hành kèm theo Quyết định số 27/2026/QĐ-UBND …)").
    """
    # after the title block, whose "ỦY BAN NHÂN DÂN / TỈNH BÌNH ĐỊNH" is no signature
    after = [i for i, line in enumerate(lines) if line][_SIGNATURE_AFTER:]
    found = _signature_in(lines, after[-_SIGNATURE_LINES:])
    if found is None:
        attached = attachment_start(lines)
        if attached is not None:
            found = _signature_in(lines, [i for i in after if i < attached][-_SIGNATURE_LINES:])
    return lines if found is None else found


def _signature_in(lines: list[str], seq: list[int]) -> list[str] | None:
    """The lines with the signature block found among the lines ``seq`` (indices, in
    order) written as one "Người ký: …" line, or None when they hold no block."""
    for last in range(len(seq) - 1, -1, -1):
        if not _SIGN_OFFICE.match(lines[seq[last]].strip()):
            continue
        k = last  # the block opens with the first of its office lines ("TM. …", "KT. CHỦ TỊCH")
        while k > 0 and last - k < 3 and _SIGN_OFFICE.match(lines[seq[k - 1]].strip()):
            k -= 1
        offices = [lines[seq[k]].strip()]
        dropped = [seq[k]]  # the office lines and signing notes; the recipients' lines stay
        j = k + 1
        while j < len(seq) and j - k < 8 and len(offices) < 4:
            line = lines[seq[j]].strip()
            recipients = bool(_RECIPIENTS.match(line))
            if _SIGN_OFFICE.match(line):
                offices.append(line)
            elif not (_SIGNED_NOTE.match(line) or recipients):
                break
            if not recipients:
                dropped.append(seq[j])
            j += 1
        name = lines[seq[j]].strip() if j < len(seq) else ""
        if not _SIGNER_NAME.match(name) or _SIGN_OFFICE.match(name) or starts_authority(name) \
                or not 2 <= len(name.split()) <= 5:
            continue
        if j + 1 < len(seq) and starts_lower(lines[seq[j + 1]].strip()):  # "… Nguyễn Văn A / và các …": prose
            continue
        out = list(lines)
        for i in dropped:
            out[i] = ""
        signer = f"{SIGNER_LABEL}{name} ({' '.join(offices)})"
        dated = _title_block_date(out)
        if dated is None:
            out[seq[j]] = signer
            return out
        out[seq[j]] = ""  # moved up beside the number and the date, where what the document says of itself is read
        return out[:dated + 1] + ["", signer] + out[dated + 1:]
    return None


#: The note under an attached document's type line: "(Kèm theo Quyết định số 387/QĐ-UBND …)",
#: "(Ban hành kèm theo …)", folded.
_ATTACHED_NOTE = re.compile(r"^\(\s*(?:ban hanh\s+)?kem theo\b", re.IGNORECASE)


def attachment_start(lines: list[str]) -> int | None:
    """Where a document attached to the one that issues it opens: a document-type line
    ("KẾ HOẠCH") after the title block with, among the next three lines, the note that
    says it is attached ("(Kèm theo Quyết định số … )"); None when the text holds none."""
    seq = [i for i, line in enumerate(lines) if line][_SIGNATURE_AFTER:]
    for n, i in enumerate(seq):
        if type_of(lines[i]) and any(_ATTACHED_NOTE.match(fold(lines[j].strip())) for j in seq[n + 1:n + 4]):
            return i
    return issued_attachment_start(lines, seq)


#: A decision's article issuing what it attaches, folded: "Ban hành kèm theo Quyết định này
#: Kế hoạch …" (the kind's words follow).
_ISSUES_ATTACHED = re.compile(r"\bkem theo (?:quyet dinh|nghi quyet) nay\s+(.+)$")
_FOLDED_KINDS = {fold(k).lower(): v for k, v in DOCUMENT_TYPES.items()}


def issued_attachment_start(lines: list[str], seq: list[int]) -> int | None:
    """Rule (a decision names what it attaches): when no note marks the attached document,
    the first document-type line of the kind the decision's article issues ("Điều 1. Ban
    hành kèm theo Quyết định này Kế hoạch …", then "KẾ HOẠCH" after the signature) opens it.
    A decision printed with its plan but without "(Kèm theo Quyết định số …)" under the
    plan's "KẾ HOẠCH" line kept its signature block unread (``signature_block``), and "who
    signed the decision" was refused. Measured: floor check ``unseen`` 0.947 → 0.960 (one
    English signer question); ``unseen2`` and every dev set identical."""
    for n, i in enumerate(seq):
        m = _ISSUES_ATTACHED.search(fold(lines[i]).lower())
        if not m:
            continue
        named = next((kind for words, kind in _FOLDED_KINDS.items() if m.group(1).startswith(words)), None)
        if named is None:
            continue
        return next((j for j in seq[n + 1:] if type_of(lines[j]) == named), None)
    return None


#: The date line of a title block: "Lào Cai, ngày 12 tháng 3 năm 2025".
_TITLE_BLOCK_DATE = re.compile(rf"{ISSUE_DAY}\s*$", re.IGNORECASE)


def _title_block_date(lines: list[str]) -> int | None:
    """The index of the title block's date line among the first lines, if there is one."""
    for i in [i for i, line in enumerate(lines) if line][:_TITLE_BLOCK_LINES]:
        if _TITLE_BLOCK_DATE.search(lines[i]) and len(lines[i]) <= 80:
            return i
    return None


#: The words of a row-number column's header, written once for a header alone on its
#: line and for one run together with the other headers: an optional "Số" ("Số TT", "Số
#: thứ tự"), then an abbreviation ("STT", "TT") or the words "thứ tự".
_ROW_NUMBER_OF = r"(?:s[oố]\s*)?"
_ROW_NUMBER_ABBREVIATIONS = r"stt|tt"
_ROW_NUMBER_WORDS = r"th[uứ]\s*t[uự]"
#: The first header of a table numbered by its rows ("STT", "TT", "Số TT", "Số thứ tự").
_ROW_NUMBER_HEADER = re.compile(rf"^{_ROW_NUMBER_OF}(?:{_ROW_NUMBER_ABBREVIATIONS}|{_ROW_NUMBER_WORDS})\.?$",
                                re.IGNORECASE)
_MAX_HEADER_CHARS = 60


def rows_of_numbered_tables(lines: list[str]) -> list[str]:
    """Write back as rows a table numbered by its rows that was flattened one cell per
    line, as plans' task lists and appendices are: a header "STT" and the names of the
    other columns, then each row as its number (1, 2, 3 …) and one line per cell
    ("STT / Nhiệm vụ / Cơ quan chủ trì / Thời gian hoàn thành / 1 / Xây dựng IOC / Sở
    KH&CN / Quý III/2025 / 2 / …"). A row is taken only when its number follows the
    previous one's and it has exactly one line per column, so a missing cell ends the
    table instead of shifting the cells under the wrong headers; at least two rows make a
    table, else nothing changes. Runs before hard-wrapped lines are joined (they would
    glue "STT" to the heading above it).
    """
    seq = [i for i, line in enumerate(lines) if line]
    out: list[str | None] = list(lines)  # None: a cell moved into its row
    k = 0
    while k < len(seq):
        if not _ROW_NUMBER_HEADER.match(lines[seq[k]].strip()):
            k += 1
            continue
        names = []
        j = k + 1
        while j < len(seq) and lines[seq[j]].strip() != "1" and len(names) < _MAX_CELLS:
            name = lines[seq[j]].strip()
            if len(name) > _MAX_HEADER_CHARS or not is_title_like(name) or is_row(name):
                break
            names.append(name)
            j += 1
        rows: list[list[int]] = []
        if 2 <= len(names) < _MAX_CELLS and j < len(seq) and lines[seq[j]].strip() == "1":
            width = len(names) + 1
            while j + width <= len(seq) and lines[seq[j]].strip() == str(len(rows) + 1):
                cells = seq[j:j + width]
                after = j + width
                last = after >= len(seq) or lines[seq[after]].strip() != str(len(rows) + 2)
                if any(_ROW_NUMBER_HEADER.match(lines[c].strip()) or is_row(lines[c]) or marker(lines[c]) is not None
                       for c in cells[1:]):  # a heading ("IV. KINH PHÍ") is no cell: a cell is missing
                    break
                rows.append(cells)
                j = after
                if last:
                    break
        if len(rows) < 2:
            k += 1
            continue
        header = [lines[seq[k]].strip()] + names
        for c in range(seq[k] + 1, rows[-1][-1] + 1):  # the cells and the blank lines between them
            out[c] = None
        out[seq[k]] = TABLE_SEPARATOR.join(header)
        for cells in rows:  # bare: inline_table_headers names each cell after its header
            out[cells[0]] = TABLE_SEPARATOR.join(lines[c].strip() for c in cells)
        k = j
    return [line for line in out if line is not None]


#: A header row run together with single spaces opens with the row-number column, by its
#: abbreviation only: a line opening with "Thứ tự" is a sentence ("Thứ tự ưu tiên …").
_NUMBERED_HEADER_LINE = re.compile(rf"^{_ROW_NUMBER_OF}(?:{_ROW_NUMBER_ABBREVIATIONS})\.?\s+\S", re.IGNORECASE)
#: A trailing cell of such a row: a figure ("48,5", "1.000", "65%") or a unit sign.
_FIGURE_TOKEN = re.compile(r"^(?:[<>≤≥~]?\d[\d.,]*%?|%|‰)$")
_COLUMN_NAMES = sorted((fold(n).lower().split() for n in _patterns("table_column_names.txt")), key=len, reverse=True)
_MAX_ROW_LINES = 3  # a row's label wrapped over at most this many lines
_MAX_HEADER_WORDS = 30  # a longer "header" is a sentence (and the search for its split stays small)


def _trailing_figures(words: list[str]) -> int:
    n = 0
    while n < len(words) - 1 and _FIGURE_TOKEN.match(words[len(words) - 1 - n]):
        n += 1
    return n


def _split_header(words: list[str], n: int) -> list[str] | None:
    """The header's words split into ``n`` column names, each starting with a name of
    ``data/table_column_names.txt`` (a year or period after it stays with it); None
    unless there is exactly one such split ("Đơn vị Thực hiện 2025" is "Đơn vị" and
    "Thực hiện 2025" in a header of four names, "Đơn vị thực hiện" in one of three)."""
    folded = [fold(w).lower() for w in words]
    lengths = [[len(c) for c in _COLUMN_NAMES if folded[i:i + len(c)] == c] for i in range(len(words))]
    splits: list[list[int]] = []

    def extend(starts: list[int]) -> None:
        if len(splits) > 1:
            return
        at = starts[-1]
        if len(starts) == n:
            splits.append(starts)
            return
        for m in set(lengths[at]):
            for nxt in range(at + m, len(words)):
                if lengths[nxt]:
                    extend(starts + [nxt])

    if words and lengths[0] and 1 <= n <= _MAX_CELLS and len(words) <= _MAX_HEADER_WORDS:
        extend([0])
    if len(splits) != 1:
        return None
    starts = splits[0]
    return [" ".join(words[a:b]) for a, b in zip(starts, starts[1:] + [len(words)])]


def rows_of_numbered_lines(lines: list[str]) -> list[str]:
    """Write back as rows a numbered table whose cells were run together with single spaces.

    Text copied from a PDF viewer keeps a table as one line per row with its cells
    separated by single spaces: a header "STT Chỉ tiêu Đơn vị Thực hiện 2025 Kế hoạch
    2026" and rows "1 Tỷ lệ hồ sơ TTHC giải quyết trực tuyến toàn trình % 48,5 65".
    Joined as wrapped lines they became one sentence, and the figure a question asked
    for lost its row and its column. A row starts with the next number (1, 2, 3 …) and
    ends with the same count of figures (or unit signs) as the other rows; a label
    wrapped over up to ``_MAX_ROW_LINES`` lines is joined into its row. Its cells are the
    number, the label and each of the trailing figures that every row has (a label that
    ends with a figure of its own, "VNeID mức độ 2", keeps it). The header is split into as many column
    names at the names of ``data/table_column_names.txt``; when it cannot be, the header
    stays a line of its own and the rows are written bare. At least two rows make a table.
    """
    seq = [i for i, line in enumerate(lines) if line]
    out: list[str | None] = list(lines)
    k = 0
    while k < len(seq):
        header = lines[seq[k]]
        if not _NUMBERED_HEADER_LINE.match(header) or is_row(header):
            k += 1
            continue
        rows: list[tuple[list[int], list[str], int]] = []  # (lines, words, trailing figures)
        j = k + 1
        while j < len(seq):
            words = lines[seq[j]].split()
            if not words or words[0] != str(len(rows) + 1) or len(words) < 3:
                break
            taken = [seq[j]]
            while _trailing_figures(words) == 0 and len(taken) < _MAX_ROW_LINES and j + len(taken) < len(seq) \
                    and not lines[seq[j + len(taken)]].split()[0] == str(len(rows) + 2):
                taken.append(seq[j + len(taken)])
                words = words + lines[taken[-1]].split()
            figures = _trailing_figures(words)
            if figures == 0 or len(words) - figures < 2:
                break
            rows.append((taken, words, figures))
            j += len(taken)
        if len(rows) < 2:
            k += 1
            continue
        figures = min(f for _, _, f in rows)  # "… VNeID mức độ 2 % 71 80": the label's own figure stays in it
        head_words = header.split()
        names = _split_header(head_words[1:], figures + 1)
        out[seq[k]] = TABLE_SEPARATOR.join([head_words[0]] + names) if names else header
        for taken, words, _ in rows:
            cells = [words[0], " ".join(words[1:len(words) - figures])] + words[len(words) - figures:]
            out[taken[0]] = TABLE_SEPARATOR.join(cells)
            for t in taken[1:]:
                out[t] = None
        k = j
    return [line for line in out if line is not None]


_UNIT_COLUMNS = frozenset(fold(n).lower() for n in _patterns("unit_column_names.txt"))
_SIGN_UNITS = ("%", "‰")
#: A share written without its sign: at most three digits before a decimal part ("65",
#: "48,5", "12.5"), so not a year ("2026") nor a count whose "." groups thousands
#: ("1.000", "125.500": a "." before exactly three digits groups them, as
#: ``qa.answering.reader.parse_number`` reads figures).
_BARE_FIGURE = re.compile(r"^\d{1,3}(?:,\d+|\.(?!\d{3}$)\d+)?$")


def figures_with_their_unit(headers: list[str], cells: list[str]) -> list[str]:
    """The row's cells, its bare figures given the sign of its unit column.

    A table with a unit column ("Đơn vị: %") gives each figure of a row without its
    sign ("Kế hoạch 2026: 65"): the row, quoted alone in an answer, then read as 65, and
    a question asking for a percentage found no percentage in it. When the unit cell is
    a sign written onto a figure (``_SIGN_UNITS``), each bare figure of at most three
    digits (a share, not a year or a count) in the other columns, bar the row-number
    column, gets it ("Kế hoạch 2026: 65%"). Unit headers: ``data/unit_column_names.txt``.
    """
    units = [c for h, c in zip(headers, cells) if fold(h).lower() in _UNIT_COLUMNS]
    if len(units) != 1 or units[0] not in _SIGN_UNITS:
        return cells
    return [c + units[0] if _BARE_FIGURE.match(c) and fold(h).lower() not in _UNIT_COLUMNS
            and not _ROW_NUMBER_HEADER.match(h) else c for h, c in zip(headers, cells)]


def _row(headers: list[str], cells: list[str]) -> str:
    """A row written with its headers ("Header: cell | …"), or bare when it has none."""
    if len(headers) != len(cells):
        return TABLE_SEPARATOR.join(cells)
    cells = figures_with_their_unit(headers, cells)
    return TABLE_SEPARATOR.join(f"{h}: {c}" if h else c for h, c in zip(headers, cells) if c)


def _runs(rows: list[tuple[int, list[int]]], n_lines: int | None = None) -> list[list[tuple[int, list[int]]]]:
    """Rows close to one another (at most two group labels between) with equal cell counts;
    and a row with fewer cells that ends the text (``n_lines`` non-empty lines) right after
    a run joins it, its cells under the first headers: a page excerpt cut off in its table's
    last row ("- Cơ sở dữ liệu chuyên ngành được xây dựng / 40% / 30", the row's last cell
    lost) keeps what it has as a row."""
    runs: list[list[tuple[int, list[int]]]] = []
    for row in rows:
        near = bool(runs) and row[0] - runs[-1][-1][1][-1] <= 3
        if near and len(row[1]) == len(runs[-1][0][1]):
            runs[-1].append(row)
        elif (near and len(runs[-1]) >= 2 and len(row[1]) < len(runs[-1][0][1]) and n_lines is not None
              and row[1][-1] == n_lines - 1):
            runs[-1].append(row)
        else:
            runs.append([row])
    return [run for run in runs if len(run) >= 2]


def _headers_before(lines: list[str], seq: list[int], first: int, n: int) -> list[int]:
    """Positions (in ``seq``) of ``n`` header lines ending just before a table's first row,
    skipping numbered group labels; empty when those lines do not look like headers."""
    k = first - 1
    while k >= 0 and marker(lines[seq[k]]) is not None:
        k -= 1
    start = k - n + 1
    if start < 0:
        return []
    names = [lines[seq[h]] for h in range(start, k + 1)]
    if all(len(name) <= 50 and is_title_like(name) and not _NUMERIC_CELL.match(name) and not is_row(name)
           for name in names):
        return list(range(start, k + 1))
    return []


def inline_table_headers(lines: list[str]) -> tuple[list[str], int]:
    """Write each row of a table under a header row as "Header: cell | Header: cell".

    A header row is the first row of a run of rows, with at least three cells, each a
    short name that does not end a sentence and is not a bare figure; only rows with as
    many cells as it are rewritten (empty cells are left out). Two-column tables are
    usually label/value lists ("Số hiệu | 72/KH-UBND") and are left as they are.
    Returns the lines and the number of non-space characters the header names added.
    """
    out = list(lines)
    inserted = 0
    i = 0
    while i < len(out):
        if not is_row(out[i]):
            i += 1
            continue
        headers = split_row(out[i])
        j = i + 1
        while j < len(out) and is_row(out[j]):
            j += 1
        if _looks_like_header(headers) and j - i >= 2:
            for r in range(i + 1, j):
                cells = split_row(out[r])
                if len(cells) == len(headers):
                    out[r] = _row(headers, cells)
        i = j
    return out, 0


def _looks_like_header(cells: list[str]) -> bool:
    named = [c for c in cells if c]
    return (len(cells) >= 3 and len(named) >= len(cells) - 1
            and all(len(c) <= 80 and not c.endswith((".", ";")) and ": " not in c and not _NUMERIC_CELL.match(c)
                    for c in named))


# ---------------------------------------------------------------- repeats and bylines


_CAPTION_MIN_WORDS = 4


def drop_repeated_captions(lines: list[str]) -> list[str]:
    """Drop a line that repeats the line right before it (a photo caption shown twice, a
    headline shown again under itself) or repeats the page's headline further down.

    List items, table rows and lines of fewer than four words are kept however often they
    repeat: in a plan the same "- Cơ quan chủ trì: Sở TT&TT." closes many tasks, and a
    flattened table repeats "100%" and "Đạt".
    """
    out: list[str] = []
    previous = ""
    headline = next((fold(line).lower() for line in lines[:12] if line and len(line.split()) >= 4
                     and is_title_like(line) and not is_caps(line)), None)
    headline_seen = False
    for line in lines:
        if not line:
            out.append(line)
            continue
        key = fold(line).lower()
        # Items, rows and short lines (a table cell "100%", "Đạt") are content however often
        # they repeat; a caption or headline is a phrase of several words.
        keep_always = marker(line) is not None or is_row(line) or len(line.split()) < _CAPTION_MIN_WORDS
        if not keep_always and (key == previous or (key == headline and headline_seen)):
            continue
        headline_seen = headline_seen or key == headline
        previous = key
        out.append(line)
    return out


_INITIALS = re.compile(r"^[A-ZĐ]{1,3}(?:\.\s?[A-ZĐ]{1,3}){1,3}\.?$")
_BYLINE_WORDS = re.compile(
    r"^\(?(?:PV|CTV|BTV|PV-CTV|nhóm PV|(?:tin|ảnh|bài|tin, ảnh|bài, ảnh|bài và ảnh|tin và ảnh|theo|nguồn)\s*[:,]?\s*"
    r"[^.;:!?]{1,40})\)?$",
    re.IGNORECASE,
)


#: The heading of a news page's list of other articles ("Tin liên quan", "Bài viết cùng
#: chuyên mục", "Related news"), folded; the same headings ``boilerplate_lines.txt`` drops.
_RELATED_HEADING = re.compile(r"^(?:(?:tin|bai viet|tin bai) (?:lien quan|khac|cung chuyen muc|moi nhat|doc nhieu)"
                              r"|related (?:posts|articles|news)|(?:xem them|doc them))\s*:?$")


def cut_related_teasers(lines: list[str]) -> list[str]:
    """Rule (a news page's list of other articles): drop a related-articles heading in the
    last third of the page ("Tin liên quan") and the teasers after it ("Cần Thơ ra mắt Trung
    tâm IOC", "Bạc Liêu: Đẩy mạnh thanh toán …"): they are other articles' headlines, often
    of other provinces, which the heading alone (dropped as page furniture) left in the
    article. As for a closing byline (``cut_after_closing_byline``), nothing is cut when
    what follows holds a numbered heading, a list item or a table row, or is longer than
    what comes before it; nor when nothing follows. Read on the raw lines, before the
    heading is dropped."""
    return _cut_other_articles([line.strip() for line in lines], lines,
                               lambda line: bool(_RELATED_HEADING.match(fold(line).lower())), needs_teasers=True)


def is_byline(line: str) -> bool:
    """A closing byline: initials with dots ("M.T", "N.H.A"), "PV", or "Tin, ảnh: …",
    "Theo TTXVN". Capitals without dots ("TT", "STT") and numerals ("IV.") are not."""
    return len(line) <= 45 and (bool(_INITIALS.match(line)) or bool(_BYLINE_WORDS.match(line)))


def cut_after_closing_byline(lines: list[str]) -> list[str]:
    """Drop a closing byline in the last third and the teasers of other articles after it.

    Nothing is cut when what follows the byline holds a numbered heading, a list item or
    a table row, or is longer than what comes before it: that is the document going on.
    """
    return _cut_other_articles(lines, lines, is_byline, needs_teasers=False)


def _cut_other_articles(text: list[str], lines: list[str], marks: Callable[[str], bool],
                        needs_teasers: bool) -> list[str]:
    """``lines`` cut at the last line in their last third that ``marks`` the start of other
    articles' teasers (``text``: the lines as read, one for one), unless what follows it
    holds a numbered heading, a list item or a table row, or is longer than what comes
    before it (the document going on), or, with ``needs_teasers``, is nothing."""
    kept = [i for i, line in enumerate(text) if line]
    cutoff = max(1, (len(kept) * 2) // 3)
    for k in range(len(kept) - 1, cutoff - 1, -1):
        i = kept[k]
        if not marks(text[i]):
            continue
        tail = [text[j] for j in kept[k + 1:]]
        before = sum(len(text[j]) for j in kept[:k])
        if (needs_teasers and not tail) or any(marker(t) is not None or is_row(t) for t in tail) \
                or sum(map(len, tail)) > before:
            return lines
        return lines[:i]
    return lines


__all__ = ["CLEANER_VERSION", "CleanedText", "clean", "join_wrapped_lines", "wrap_width", "mid_sentence_width", "drop_repeated_captions",
           "cut_after_closing_byline", "rows_of_flattened_tables", "rows_of_aligned_tables", "rows_of_numbered_lines",
           "figures_with_their_unit", "inline_table_headers", "is_boilerplate",
           "strip_motto", "take_date", "remove_spam", "is_byline", "cut_related_teasers"]
