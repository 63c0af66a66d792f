"""The structure of a cleaned document: headings, paragraphs, list items and table rows.

Vietnamese plans and decisions are written as numbered outlines ("Phần I", "I.", "1.",
"1.1.", "a)", "-", "+", "Điều 3.", "Chương II", "Phụ lục") with lead-ins ("Mục tiêu cụ thể
đến năm 2025:") whose items only make sense with them, and tables whose cells only make
sense with their column headers. ``qa.documents.clean`` writes every block on its own line (wrapped
lines joined back, table rows one per line); ``parse`` reads the outline back from that
text alone, so anyone can recompute it at query time from ``Document.text``. It is a few
regex tests per line (13 ms for a 130,000-character plan of 1,440 blocks on this 2-core
machine) and the result is cached for the last 32 texts (a repeat call is a lookup).

>>> from qa.documents.structure import parse, heading_path, row_cells
>>> text = ("II. MỤC TIÊU\\n\\n2. Mục tiêu cụ thể\\n\\nĐến năm 2025:\\n\\n"
...         "a) Chính quyền số:\\n\\n- 80% hồ sơ được xử lý trên môi trường mạng.\\n\\n"
...         "Chỉ tiêu | Năm 2025\\nChỉ tiêu: Kinh tế số | Năm 2025: 20% GRDP")
>>> blocks = parse(text)
>>> [(b.kind, b.numbering, b.level) for b in blocks]  # doctest: +NORMALIZE_WHITESPACE
[('heading', 'II.', 0), ('heading', '2.', 1), ('paragraph', '', 2), ('item', 'a)', 3),
 ('item', '-', 4), ('header', '', 2), ('row', '', 3)]
>>> item = blocks[4]
>>> text[item.start:item.end]
'- 80% hồ sơ được xử lý trên môi trường mạng.'
>>> heading_path(text, blocks, 4)
'II. MỤC TIÊU › 2. Mục tiêu cụ thể › Đến năm 2025: › a) Chính quyền số:'
>>> blocks[blocks[4].parent].numbering, blocks[6].headers
('a)', ('Chỉ tiêu', 'Năm 2025'))
>>> row_cells(text[blocks[6].start:blocks[6].end], blocks[6].headers)
[('Chỉ tiêu', 'Kinh tế số'), ('Năm 2025', '20% GRDP')]

``Block`` fields: ``kind`` is "title" (the official title block: issuer, number, date,
type and subject), "heading", "paragraph", "item" (a numbered or bulleted line that is
not a heading), "header" (a table's header row) or "row" (a table row, written
"Header A: cell | Header B: cell"); ``start``/``end`` are offsets in the text;
``numbering`` is the marker as written ("II.", "1.1.", "a)", "Điều 3.", "Chương II",
"Phụ lục I", "-", "+"); ``level`` is the depth in the outline (0 = top); ``parent`` is the
index of the enclosing heading, lead-in (a block ending with ":") or table header, or
None; ``headers`` are the column names of a row or header.

Levels: the major numberings have a fixed order (Phần/Phụ lục > Chương > Mục > A. > I. >
Điều > 1. > 1.1. > 1.1.1. > a) > (1)); bullets ("-", "+", "•") and unnumbered headings
nest where they first appear, and a repeat of the same bullet is a sibling.

``title_block`` reads an official document's metadata from its title block, and
``headline`` a news page's headline; neither ever returns page furniture.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from qa.text import CODE_INITIAL, NUMBER_CODE, alternation, fold

DATA = Path(__file__).resolve().parents[1] / "data"
PATH_SEPARATOR = " › "

_VOCAB = json.loads((DATA / "official_documents.json").read_text(encoding="utf-8"))
#: Document-type lines of a title block ("KẾ HOẠCH") -> kind ("plan").
DOCUMENT_TYPES: dict[str, str] = _VOCAB["document_types"]
#: The document types as one alternation for a pattern matched ignoring case, longest first
#: ("CHƯƠNG TRÌNH HÀNH ĐỘNG" before "CHƯƠNG TRÌNH"): "Quyết định số 749/QĐ-TTg", "Nghị quyết số 01".
DOCUMENT_TYPE_ALTERNATION = alternation(DOCUMENT_TYPES)


def type_word(kind: str | None) -> str | None:
    """The first document-type line of a kind ("decision" -> "QUYẾT ĐỊNH"), or None."""
    return next((word for word, k in DOCUMENT_TYPES.items() if k == kind), None)


#: Codes of a document number ("245/KH-UBND": KH) -> kind.
NUMBER_CODES: dict[str, str] = _VOCAB["number_codes"]
ISSUER_STARTS: tuple[str, ...] = tuple(_VOCAB["issuer_starts"])
AUTHORITY_STARTS: tuple[str, ...] = tuple(_VOCAB["authority_starts"])
MOTTO: tuple[str, ...] = tuple(_VOCAB["motto"])
BODY_STARTS: tuple[str, ...] = tuple(_VOCAB["body_starts"])

_UPPER_CHARS = "A-ZĐ" + "".join(sorted({c for c in map(chr, range(0xC0, 0x1EFA)) if c.isupper()}))


# ----------------------------------------------------------------------- markers


@dataclass(frozen=True)
class Marker:
    """The numbering that opens a line: its scheme, its text as written and its rank."""

    scheme: str
    numbering: str
    end: int  # where the line's own words start
    rank: float | None  # fixed outline rank; None for bullets, which nest where they appear


# Major headings (always headings): "Phần I", "PHẦN THỨ NHẤT", "Chương II", "Mục 1",
# "Điều 3.", "Phụ lục I", "PHỤ LỤC".
_MAJOR = re.compile(
    r"^(?P<word>phần|chương|mục|điều|phụ lục)(?:\s+(?P<num>thứ\s+\w+|[IVXLC]+|\d{1,3}[a-z]?|[A-Z])\b)?"
    r"(?P<punct>\s*[.:\-–]?)(?=\s|$)",
    re.IGNORECASE,
)
_MAJOR_RANK = {"phần": 0.0, "phụ lục": 0.0, "chương": 1.0, "mục": 2.0, "điều": 4.5}
_ROMAN = r"(?:X{0,3}(?:IX|IV|V?I{1,3})|X{1,3}V?|V|X{1,3})"
_NUMBERED = [
    # "II. MỤC TIÊU", "IV- NHIỆM VỤ"
    ("roman", 4.0, re.compile(rf"^(?P<n>{_ROMAN})\s*[.)\-–]\s*(?=\S)")),
    # "A. MỤC TIÊU" (letters that are not Roman numerals)
    ("upper", 3.0, re.compile(rf"^(?P<n>[A-HJ-UWYZĐ])\s*[.)]\s+(?=[{_UPPER_CHARS}])")),
    # "1.1.1.", "1.1.", "1.1", "1.", "1)" followed by a capital, a quote or a bracket
    ("arabic3", 7.0, re.compile(rf"^(?P<n>\d{{1,2}}\.\d{{1,2}}\.\d{{1,2}})\.?\s+(?=[\"“({_UPPER_CHARS}])")),
    ("arabic2", 6.0, re.compile(rf"^(?P<n>\d{{1,2}}\.\d{{1,2}})\.?\s+(?=[\"“({_UPPER_CHARS}])")),
    ("arabic", 5.0, re.compile(rf"^(?P<n>\d{{1,2}})\s*[.)]\s*(?=[\"“({_UPPER_CHARS}])")),
    # "a)", "b.", "đ)" (a lower-case letter and a bracket, or a dot before a capital)
    ("alpha", 8.0, re.compile(rf"^(?P<n>[a-zđ])(?:\)|\.\s+(?=[{_UPPER_CHARS}]))\s*")),
    # "(1)", "(a)"
    ("paren", 9.0, re.compile(r"^\((?P<n>\d{1,2}|[a-zđ])\)\s*(?=\S)")),
]
_BULLETS = [
    ("dash", re.compile(r"^[-–—−]\s*(?=[^\s\-–—])")),
    ("plus", re.compile(r"^\+\s*(?=\S)")),
    ("bullet", re.compile(r"^[•●▪■◦○·*►✓]\s*(?=\S)")),
]
_LEAD_IN_MIN_RANK = 4.75
MAJOR_SCHEMES = frozenset({"part", "chapter", "section", "article", "appendix"})
_MAJOR_SCHEME = {"phần": "part", "chương": "chapter", "mục": "section", "điều": "article", "phụ lục": "appendix"}


@lru_cache(maxsize=65536)
def marker(line: str) -> Marker | None:
    """The numbering or bullet that opens ``line``, or None for an unnumbered line.

    "Mục tiêu", "Phần mềm" and "100% hồ sơ" are not numbered: a major word needs a numeral
    ("Mục 2") and an Arabic number needs a dot or bracket and then a capital ("1. Mục đích").
    """
    m = _MAJOR.match(line)
    if m:
        word = m.group("word").lower()
        bare = not m.group("num")
        # "Mục" and "Điều" without a numeral are ordinary words ("Mục tiêu", "Điều hành");
        # a bare "PHỤ LỤC" or "PHẦN" line in capitals is a heading.
        if not bare or (word in ("phụ lục", "phần", "chương") and line[m.start("word"):m.end("word")].isupper()
                        and not line[m.end():].strip()):
            numbering = line[: m.end()].strip()
            return Marker(_MAJOR_SCHEME[word], numbering, m.end(), _MAJOR_RANK[word])
    for scheme, rank, pattern in _NUMBERED:
        m = pattern.match(line)
        if m:
            return Marker(scheme, line[: m.end()].strip(), m.end(), rank)
    for scheme, pattern in _BULLETS:
        m = pattern.match(line)
        if m:
            return Marker(scheme, line[: m.end()].strip(), m.end(), None)
    return None


def is_caps(line: str) -> bool:
    """A line written in capitals (at least two letters, none lower-case)."""
    letters = [c for c in line if c.isalpha()]
    return len(letters) >= 2 and not any(c.islower() for c in letters)


def starts_lower(line: str) -> bool:
    """The line starts (after an opening quote or bracket) with a lower-case letter: it
    continues a sentence."""
    first = line.lstrip("\"“‘'([ ")[:1]
    return first.isalpha() and first.islower()


def is_title_like(text: str) -> bool:
    """Short, with no closing punctuation: the words of a heading, not of a sentence."""
    text = text.strip()
    return (0 < len(text) <= 150 and len(text.split()) <= 25 and any(c.isalpha() for c in text)
            and not text.endswith((".", ";", ":", ",", "!", "?", "…")))


TABLE_SEPARATOR = " | "


def is_row(line: str) -> bool:
    """A table row as ``qa.documents.clean`` writes it: cells separated by " | "."""
    return TABLE_SEPARATOR in line


_CELL_SPLIT = re.compile(r"\s*\|\s*")


def split_row(line: str) -> list[str]:
    """A row's cells, empty ones included ("a | | c" -> ["a", "", "c"])."""
    return _CELL_SPLIT.split(line.strip())


def rows_under_columns(lines: Sequence[Sequence[tuple[float, str]]], starts: Sequence[float], slack: float,
                       min_cells: int) -> list[list[str]]:
    """A table laid out without rules as rows of cells, one cell a column.

    ``lines`` are the table's lines cut into cells, each as (start, text); ``starts``
    are where its columns start. A cell falls in the last column starting at or before
    it, ``slack`` allowed (text centred, figures right-aligned). A line of ``min_cells``
    cells or more is a row; one with fewer is the wrapped part of the row above, and its
    cells are appended to that row's, column by column. Why one helper: a PDF page's
    words (``qa.documents.pdf_layout``, positions in points) and a text laid out with
    spaces (``qa.documents.clean.rows_of_aligned_tables``, columns in characters) are
    the same table, read the same way.
    """
    rows: list[list[str]] = []
    for cells in lines:
        by_col = ["" for _ in starts]
        for at, text in cells:
            col = max([i for i, start in enumerate(starts) if at + slack >= start] or [0])
            by_col[col] = f"{by_col[col]} {text}".strip()
        if len(cells) >= min_cells or not rows:
            rows.append(by_col)
        else:
            rows[-1] = [f"{a} {b}".strip() for a, b in zip(rows[-1], by_col)]
    return rows


# ----------------------------------------------------------------------- blocks


@dataclass(frozen=True)
class Block:
    """One block of a cleaned document; see the module docstring."""

    kind: str
    start: int
    end: int
    numbering: str = ""
    level: int = 0
    parent: int | None = None
    headers: tuple[str, ...] = ()

    def text(self, document_text: str) -> str:
        """The block's words in the document."""
        return document_text[self.start:self.end]


_LINE = re.compile(r"[^\n]+")


def parse(text: str) -> list[Block]:
    """The blocks of a cleaned text, in order (see the module docstring)."""
    return list(_parse(text))


@lru_cache(maxsize=32)
def _parse(text: str) -> tuple[Block, ...]:
    lines = [(m.start(), m.end()) for m in _LINE.finditer(text) if m.group(0).strip()]
    title_end = title_block_end(text) or headline_end(text)
    blocks: list[Block] = []
    # The open outline: (rank, scheme, block index, is a heading).
    stack: list[tuple[float, str, int, bool]] = []
    last_header: int | None = None  # the table header whose rows may follow
    header_or_group: int | None = None  # the parent of the rows being read
    previous_row = False
    i = 0
    while i < len(lines):
        start, end = lines[i]
        line = text[start:end]
        index = len(blocks)
        if end <= title_end:
            blocks.append(Block("title", start, end))
            i += 1
            continue
        if is_row(line):
            cells = tuple(split_row(line))
            after = [text[s:e] for s, e in lines[i + 1:i + 1 + _HEADER_LOOKAHEAD]]
            if last_header is not None and _is_row_of(blocks[last_header].headers, line):
                header = blocks[last_header]
                if not previous_row:
                    # Rows of one table under a group label ("a) Chính quyền số", "- Tỷ lệ
                    # hồ sơ … tại cơ quan") belong to that label; after other text, to the header.
                    before = blocks[-1] if blocks else None
                    grouped = before is not None and before.kind in ("heading", "item")
                    header_or_group = len(blocks) - 1 if grouped else last_header
                parent = header_or_group
                level = (blocks[parent].level + 1) if parent is not None else 0
                blocks.append(Block("row", start, end, level=level, parent=parent, headers=header.headers))
            elif any(_is_row_of(cells, a) for a in after) and not any(": " in c for c in cells):
                _close_items(stack, text, blocks)
                parent = stack[-1][2] if stack else None
                blocks.append(Block("header", start, end, level=len(stack), parent=parent, headers=cells))
                last_header = header_or_group = index
            else:
                _close_items(stack, text, blocks)
                parent = stack[-1][2] if stack else None
                blocks.append(Block("row", start, end, level=len(stack), parent=parent))
            previous_row = True
            i += 1
            continue
        previous_row = False
        m = marker(line)
        body = line[m.end:] if m else line
        if m and m.scheme in MAJOR_SCHEMES and not body.strip() and i + 1 < len(lines):
            # "Chương II" / "PHẦN I" on its own line, its title on the next one.
            nxt = text[lines[i + 1][0]:lines[i + 1][1]]
            if is_title_like(nxt) and marker(nxt) is None and not is_row(nxt):
                end = lines[i + 1][1]
                i += 1
        kind = _kind(line, m)
        if kind == "heading":
            rank, scheme = (m.rank, m.scheme) if m and m.rank is not None else (None, "caps" if is_caps(body) else "plain")
            _open(stack, rank, scheme, index, True, text, blocks)
            level = len(stack) - 1
            parent = stack[-2][2] if len(stack) > 1 else None
        elif kind == "item":
            assert m is not None
            _open(stack, m.rank, m.scheme, index, False, text, blocks)
            level = len(stack) - 1
            parent = stack[-2][2] if len(stack) > 1 else None
        else:
            _close_items(stack, text, blocks)
            level = len(stack)
            parent = stack[-1][2] if stack else None
            if line.rstrip().endswith(":"):
                # A lead-in holds items and minor headings ("a) Chính quyền số"), never a
                # part, chapter, Roman-numbered section or article.
                rank = max((stack[-1][0] if stack else -1.0) + 0.5, _LEAD_IN_MIN_RANK)
                stack.append((rank, "lead-in", index, False))
        blocks.append(Block(kind, start, end, m.numbering if m else "", level, parent))
        i += 1
    return tuple(blocks)


def _kind(line: str, m: Marker | None) -> str:
    if m is None:
        return "heading" if is_title_like(line) and not starts_lower(line) and len(line.split()) >= 1 else "paragraph"
    if m.scheme in MAJOR_SCHEMES:
        return "heading"
    if m.rank is None:  # bullets
        return "item"
    return "heading" if is_title_like(line[m.end:]) else "item"


def _open(stack: list[tuple[float, str, int, bool]], rank: float | None, scheme: str, index: int,
          heading: bool, text: str, blocks: list[Block]) -> None:
    """Put a numbered block on the outline: close what it ends, then open it."""
    if heading and rank is None:
        _close_items(stack, text, blocks, keep_lead_in=False)
    if rank is None:
        # Bullets and unnumbered headings: a sibling of the same kind, else a child.
        for k in range(len(stack) - 1, -1, -1):
            if stack[k][1] == scheme:
                del stack[k:]
                break
        rank = (stack[-1][0] if stack else -1.0) + 0.5
    else:
        while stack and stack[-1][0] >= rank:
            stack.pop()
    stack.append((rank, scheme, index, heading))


def _close_items(stack: list[tuple[float, str, int, bool]], text: str, blocks: list[Block],
                 keep_lead_in: bool = True) -> None:
    """A paragraph or table ends the list before it; it stays under a lead-in ("…như sau:")
    only when it comes right after it."""
    while stack and not stack[-1][3]:
        top = stack[-1][2]
        if keep_lead_in and top == len(blocks) - 1 and text[blocks[top].start:blocks[top].end].rstrip().endswith(":"):
            return
        stack.pop()


_HEADER_LOOKAHEAD = 4


def _is_row_of(headers: tuple[str, ...], line: str) -> bool:
    """``line`` is a row written with these headers: its cells begin "Header:"."""
    if not is_row(line) or not any(headers):
        return False
    parts = split_row(line)
    named = sum(1 for p in parts if any(h and p.startswith(h + ":") for h in headers))
    return named >= max(1, len(parts) - 1)


def row_cells(row: str, headers: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """A row's (header, cell) pairs; the header is "" where the row has none."""
    cells: list[tuple[str, str]] = []
    for part in split_row(row):
        for header in headers:
            if header and part.startswith(header + ":"):
                cells.append((header, part[len(header) + 1:].strip()))
                break
        else:
            cells.append(("", part))
    return cells


# ----------------------------------------------------------------------- paths


def ancestors(blocks: list[Block], i: int) -> list[int]:
    """Indices of the blocks enclosing block ``i``, outermost first."""
    chain: list[int] = []
    parent = blocks[i].parent
    while parent is not None:
        chain.append(parent)
        parent = blocks[parent].parent
    return chain[::-1]


def label(text: str, block: Block, max_chars: int = 70) -> str:
    """A block's words on one line, cut at a word before ``max_chars`` ("…" marks a cut)."""
    words = " ".join(text[block.start:block.end].split())
    if len(words) <= max_chars:
        return words
    cut = words.rfind(" ", 0, max_chars - 1)
    return words[: cut if cut > max_chars // 2 else max_chars - 1] + "…"


def heading_path(text: str, blocks: list[Block], i: int, max_chars: int = 200, unnumbered: bool = True) -> str:
    """The headings and lead-ins block ``i`` sits under, joined by " › ".

    A table row's path ends with its table's header row. The outermost parts are left
    out first when the path is longer than ``max_chars``. With ``unnumbered=False`` only
    numbered headings, lead-ins and table headers count: a news page's subheadings are
    teasers more than sections.
    """
    chain = ancestors(blocks, i)
    if not unnumbered:
        chain = [a for a in chain if blocks[a].numbering or blocks[a].kind in ("header", "paragraph", "item")]
    parts = [label(text, blocks[a]) for a in chain]
    while parts and len(PATH_SEPARATOR.join(parts)) > max_chars:
        parts.pop(0)
    return PATH_SEPARATOR.join(parts)


def row_group_labels(blocks: list[Block], i: int, text: str) -> list[int]:
    """Rule (a sub-row's subject): the group labels a table row breaks down, outermost first.

    Plans break an indicator down by level, sector or year in the rows under it: "- Tỷ lệ
    văn bản, hồ sơ công việc được xử lý trên môi trường mạng tại cơ quan" on a line of its
    own (a label without figures), then "+ Cấp tỉnh | 97% | 97%", "+ Cấp huyện | 92% | 95%".
    ``parse`` puts such rows under the label; the row alone says only "+ Cấp huyện", so it
    matched few of the question's words. The labels are the list items (not headings, not
    lead-ins ending with ":", which ``lead_in`` reads) enclosing the row, nearest outward;
    a row whose first cell opens with the same bullet or numbering as one of them ("- Chỉ
    tiêu chế độ báo cáo …" after "- Tỷ lệ …" and "+ Cấp xã") is that label's sibling, not
    its sub-row, and is under none of the labels from it inward.
    """
    chain: list[int] = []
    k = blocks[i].parent
    while k is not None and blocks[k].kind == "item":
        if not text[blocks[k].start:blocks[k].end].rstrip().endswith(":"):
            chain.append(k)
        k = blocks[k].parent
    if not chain:
        return []
    cells = row_cells(text[blocks[i].start:blocks[i].end], blocks[i].headers)
    own = marker(cells[0][1]) if cells and cells[0][1] else None
    if own is not None:
        for n, a in enumerate(chain):
            theirs = marker(text[blocks[a].start:blocks[a].end])
            if theirs is not None and theirs.scheme == own.scheme:
                chain = chain[n + 1:]
                break
    return chain[::-1]


def lead_in(blocks: list[Block], i: int, text: str) -> int | None:
    """The nearest enclosing block that ends with ":" (the lead-in of an item), if any."""
    for a in reversed(ancestors(blocks, i)):
        if text[blocks[a].start:blocks[a].end].rstrip().endswith(":"):
            return a
    return None


# ----------------------------------------------------------------------- title block


@dataclass(frozen=True)
class TitleBlock:
    """What an official document's title block says; None where it says nothing."""

    title: str | None = None
    number: str | None = None
    issuer: str | None = None
    date: str | None = None
    kind: str | None = None
    place: str | None = None
    # Where the block starts: 0, or the headline of a portal's metadata table (``metadata_table``),
    # after the site's masthead and menu, which say nothing of the document.
    start: int = 0


_FOLDED_TYPES = {fold(k).upper(): v for k, v in DOCUMENT_TYPES.items()}
#: A document's number as its title block or a portal's metadata table labels it: "Số:
#: 72/KH-UBND", "Số hiệu | 4512/KH-UBND", "Số ký hiệu | 245/KH-UBND" (``metadata_table``).
#: Not ``qa.text.CODE_NUMBER``: behind its label the number is the document's own, read
#: whole (its code's dots and digits too) and squeezed of spaces, so spaces are allowed
#: around every "/" ("Số: 72 / 2024 / QĐ-UBND") and the number is at most five digits.
_NUMBER = re.compile(rf"\bSố(?:\s*(?:ký\s*)?hiệu)?\s*[:|]\s*(\d{{1,5}}\s*(?:/\s*\d{{4}})?\s*/\s*{CODE_INITIAL}[\wĐđ&.\-]*(?:[-/][\wĐđ&.]+)*)")
#: The day an official document is dated, as its title block writes it: "ngày 15 tháng 3 năm 2024".
ISSUE_DAY = r"ngày\s+(?P<d>\d{1,2})\s+tháng\s+(?P<m>\d{1,2})\s+năm\s+(?P<y>\d{4})"
_DATE = re.compile(rf"(?:(?P<place>[^\n,|:;]{{2,40}}),\s*)?{ISSUE_DAY}", re.IGNORECASE)
_HEAD_LINES = 40


def _lines(text: str, limit: int) -> list[tuple[int, int, str]]:
    out = []
    for m in _LINE.finditer(text):
        if m.group(0).strip():
            out.append((m.start(), m.end(), m.group(0).strip()))
            if len(out) >= limit:
                break
    return out


def type_of(line: str) -> str | None:
    """The kind a document-type line names ("KẾ HOẠCH" -> "plan"), else None."""
    key = fold(" ".join(line.replace("|", " ").split())).upper().rstrip(":")
    return _FOLDED_TYPES.get(key) if line.strip() and is_caps(line) else None


def starts_authority(line: str) -> bool:
    """A title-block line that names who issues or signs ("CHỦ TỊCH ỦY BAN NHÂN DÂN …")."""
    upper = line.strip().upper()
    return is_caps(line) and any(upper.startswith(s.upper()) for s in AUTHORITY_STARTS)


def starts_body(line: str) -> bool:
    """The first words of a document's body ("Căn cứ …", "Thực hiện …") or a numbered part."""
    stripped = line.strip()
    return stripped.startswith(BODY_STARTS) or marker(stripped) is not None or len(stripped) > 250


def _title_block(text: str) -> tuple[TitleBlock, int]:
    """The title block's metadata and the offset where the document's body starts."""
    lines = _lines(text, _HEAD_LINES)
    type_at = next((k for k, (_, _, line) in enumerate(lines) if type_of(line)), None)
    number_match = next((_NUMBER.search(line) for _, _, line in lines if _NUMBER.search(line)), None)
    if type_at is None and number_match is None:
        return TitleBlock(), 0
    number = re.sub(r"\s+", "", number_match.group(1)) if number_match else None
    kind = type_of(lines[type_at][2]) if type_at is not None else None
    if kind is None and number:
        code = NUMBER_CODE.search(number)
        kind = NUMBER_CODES.get(code.group(1)) if code else None
    if type_at is None and number_match is not None:
        table = _opening_metadata_table(lines)
        if table is not None:
            title, body_at, start = table
            date, place = _date(lines)
            return TitleBlock(title=title, number=number, issuer=_issuer(lines), date=date, kind=kind,
                              place=place, start=start), lines[body_at - 1][1]
    # The subject: the lines after the type line, up to the signing authority or the body.
    subject: list[str] = []
    first_subject = type_at + 1 if type_at is not None else _after_date(lines)
    body_at = first_subject
    for k in range(first_subject, len(lines)):
        line = lines[k][2]
        if starts_body(line) or starts_authority(line) or line.endswith((".", ";", ":")) or is_row(line):
            break
        if _NUMBER.search(line) or _DATE.search(line):
            break
        subject.append(line.rstrip(":"))
        body_at = k + 1
        if len(" ".join(subject)) > 300:
            break
    while body_at < len(lines) and starts_authority(lines[body_at][2]) and not starts_body(lines[body_at][2]):
        body_at += 1
    type_words = " ".join(lines[type_at][2].split()) if type_at is not None else ""
    if not type_words and kind and subject:
        type_words = type_word(kind) or ""
    title = " ".join([type_words] + subject).strip() if subject else None
    date, place = _date(lines)
    end = lines[body_at - 1][1] if 0 < body_at <= len(lines) else 0
    return TitleBlock(title=title or None, number=number, issuer=_issuer(lines), date=date, kind=kind,
                      place=place), end


def _is_metadata_row(line: str) -> bool:
    """A row of a portal's metadata table: a short label and its value, two cells
    ("Người ký | Phó Chủ tịch Nguyễn Hữu Quế", "| Số hiệu | 4512/KH-UBND |")."""
    cells = [c for c in split_row(line.strip().strip("|")) if c]
    return is_row(line) and len(cells) == 2 and len(cells[0].split()) <= 4 and cells[0][:1].isupper()


def metadata_table(lines: list[tuple[int, int, str]], number_at: int, body_at: int) -> tuple[str | None, int, int]:
    """Rule (a portal's metadata table is a title block): a province portal's page for a
    document states what the document's own title block would, as a two-column table under
    the page's heading ("Kế hoạch chuyển đổi số tỉnh Gia Lai năm 2024" / "Số ký hiệu |
    245/KH-UBND" / "Ngày ban hành | 29/01/2024" / … / "Người ký | Phó Chủ tịch …"), and many
    pages give only the table and a summary, not the document. Why: with no type line
    ("KẾ HOẠCH") the page had no title block, so "Ai ký kế hoạch … năm 2024?" found no title
    line and the signer's row, which shares no word with the question, was refused. The
    title is the headline just above the table (a line written like a title, ``_is_headline``)
    and the block runs from it to the table's last row (the title, where the body starts,
    where the block starts); the masthead and menu above it are no part of it (their "Thứ
    Năm, 08/02/2024" is the day the page was viewed, not the day of issue). None (and
    ``body_at`` unchanged) when the number's row is in no such table or no headline heads it."""
    if not _is_metadata_row(lines[number_at][2]):
        return None, body_at, 0
    first = last = number_at
    while first > 0 and _is_metadata_row(lines[first - 1][2]):
        first -= 1
    while last + 1 < len(lines) and _is_metadata_row(lines[last + 1][2]):
        last += 1
    if first == 0 or not _is_headline(lines[first - 1][2]):
        return None, body_at, 0
    return " ".join(lines[first - 1][2].split()), last + 1, lines[first - 1][0]


def _opening_metadata_table(lines: list[tuple[int, int, str]]) -> tuple[str, int, int] | None:
    """Rule (a page that opens with its headline keeps its metadata table): the metadata
    table (``metadata_table``) of a portal page whose masthead and menu cleaning removed,
    so that the page's first line is the headline above the table. Why: with no dated line
    above it, the headline was read as the subject of a type line the page does not have
    ("KẾ HOẠCH Kế hoạch chuyển đổi số tỉnh … năm 2024") and the block ended there, so the
    table's "Người ký" and "Ngày ban hành" rows were body text: "Ai ký kế hoạch …?" was
    refused and "… ban hành ngày nào?" answered with the summary's first sentence. None
    when the number's line is in no metadata table under a headline (the document's own
    title block is read as before)."""
    number_at = next(k for k, (_, _, line) in enumerate(lines) if _NUMBER.search(line))
    title, body_at, start = metadata_table(lines, number_at, 0)
    return (title, body_at, start) if title is not None else None


def _after_date(lines: list[tuple[int, int, str]]) -> int:
    for k, (_, _, line) in enumerate(lines):
        if _DATE.search(line):
            return k + 1
    return 0


def _date(lines: list[tuple[int, int, str]]) -> tuple[str | None, str | None]:
    """The issue date ("Bình Định, ngày 15 tháng 3 năm 2024" -> "2024-03-15") and its place."""
    head = [line for _, _, line in lines[:_HEAD_LINES // 2]]
    m = next((m for m in map(_DATE.search, head) if m), None) or _DATE.search(" ".join(head))
    if not m:
        return None, None
    day, month, year = int(m.group("d")), int(m.group("m")), int(m.group("y"))
    if not (1 <= day <= 31 and 1 <= month <= 12):
        return None, None
    place = (m.group("place") or "").strip().strip("|").strip() or None
    return f"{year:04d}-{month:02d}-{day:02d}", place


def _issuer(lines: list[tuple[int, int, str]]) -> str | None:
    """The issuing body: the capitals at the top left ("ỦY BAN NHÂN DÂN" + "TỈNH BÌNH ĐỊNH")."""
    for k, (_, _, line) in enumerate(lines[:_HEAD_LINES // 2]):
        for cell in line.split("|"):
            cell = _strip_motto(cell)
            if cell and is_issuer_line(cell) and not type_of(cell):
                return " ".join(cell.split())
    return None


def is_issuer_line(text: str) -> bool:
    """A line in capitals that opens with an issuing body ("ỦY BAN NHÂN DÂN …", "SỞ …":
    ``ISSUER_STARTS``), as the title block names its issuer."""
    return is_caps(text) and text.upper().startswith(ISSUER_STARTS)


def _strip_motto(line: str) -> str:
    """A title-block line without the national motto (two columns often share a line)."""
    folded = fold(line).upper()
    for motto in MOTTO:
        at = folded.find(fold(motto).upper())
        if at >= 0:
            line = line[:at]
            folded = folded[:at]
    return line.strip()


def title_block(text: str) -> TitleBlock:
    """Title, number, issuer, ISO date and kind from a cleaned official document's title block.

    >>> tb = title_block("ỦY BAN NHÂN DÂN TỈNH BÌNH ĐỊNH\\n\\nSố: 72/KH-UBND\\n\\n"
    ...                  "Bình Định, ngày 15 tháng 4 năm 2025\\n\\nKẾ HOẠCH\\n\\n"
    ...                  "Chuyển đổi số tỉnh Bình Định năm 2025\\n\\nCăn cứ Luật …")
    >>> tb.title, tb.number, tb.issuer, tb.date, tb.kind
    ('KẾ HOẠCH Chuyển đổi số tỉnh Bình Định năm 2025', '72/KH-UBND', 'ỦY BAN NHÂN DÂN TỈNH BÌNH ĐỊNH', '2025-04-15', 'plan')
    """
    return _cached_title_block(text[:6000])[0]


def title_block_end(text: str) -> int:
    """Offset where the body of an official document starts (0 when it has no title block)."""
    return _cached_title_block(text[:6000])[1]


@lru_cache(maxsize=32)
def _cached_title_block(head: str) -> tuple[TitleBlock, int]:
    return _title_block(head)


_HEADLINE_MIN_WORDS = 4
_MASTHEAD_CHARS = 80
_CAPTION = re.compile(r"(?:^|[\s(])Ảnh\s*:", re.IGNORECASE)


def _is_headline(line: str) -> bool:
    words = line.split()
    if not (_HEADLINE_MIN_WORDS <= len(words) <= 35) or is_caps(line) or is_row(line):
        return False
    if line.endswith((".", ":", ";", ",")) or starts_lower(line) or marker(line) or _DATE.search(line):
        return False
    if _CAPTION.search(line):  # a photo caption ("… (Ảnh: Báo X)")
        return False
    if not _strip_motto(line):  # the national motto ("Độc lập - Tự do - Hạnh phúc"), quoted as content
        return False
    return sum(c.isalpha() for c in line) >= len(line.replace(" ", "")) * 0.6


def headline(text: str) -> str | None:
    """A news page's headline: its first line of 4–35 words that is written like a title.

    Category labels and site names in capitals ("CHUYỂN ĐỔI SỐ", "MỚI NHẤT"), short
    furniture ("Chi tiết tin"), lines of symbols ("--> -->"), photo captions ("Ảnh: …")
    and lines ending like a sentence or a label are skipped. None when no line qualifies.
    """
    for _, _, line in _lines(text, 12):
        if _is_headline(line):
            return " ".join(line.split())
    return None


def headline_end(text: str) -> int:
    """Where a page's masthead ends: after its headline, when only short lines (site name,
    category, "Chi tiết tin") come before it; 0 when the page opens with its text."""
    for _, end, line in _lines(text[:4000], 6):
        if _is_headline(line):
            return end
        if len(line) > _MASTHEAD_CHARS:
            return 0
    return 0


def first_sentence(text: str, max_chars: int = 160) -> str | None:
    """The text's first sentence of substance, cut at a word before ``max_chars``."""
    for _, _, line in _lines(text, 12):
        if len(line.split()) >= _HEADLINE_MIN_WORDS and not is_caps(line) and not is_row(line):
            sentence = re.split(r"(?<=[.!?])\s", line, maxsplit=1)[0]
            if len(sentence) > max_chars:
                sentence = sentence[: sentence.rfind(" ", 0, max_chars)] + "…"
            return sentence
    return None
