"""A PDF page's layout as lines: what plain text extraction of a decision gets wrong.

``page_lines`` reads a pdfplumber page:
- ruled tables come out as rows, cells joined by " | " (empty cells kept, so columns
  stay aligned), where they stand on the page; so do tables drawn without rules (lines
  of three columns or more), their wrapped cells joined into their rows;
- a line split by a wide gap into two columns (the title block of an official document:
  issuer and number on the left, national motto and date on the right; the signature
  block) is read column by column, so "ỦY BAN NHÂN DÂN" is followed by "TỈNH BÌNH ĐỊNH",
  not by "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM";
- a line that reaches the right margin continues on the next line (a wrapped sentence)
  unless the next one opens a numbered item; a wider vertical gap is a paragraph break.

``join_pages`` removes what repeats at the top or bottom of most pages (running headers
and footers, compared with their digits masked) and page numbers, and counts the
characters it removed.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from typing import Any

from qa.documents.structure import marker, rows_under_columns

# A gap between two words wider than this many times the font size splits columns.
_COLUMN_GAP_EM = 3.0
# A line ending within this many times the font size of the right margin is wrapped.
_MARGIN_EM = 1.5
# A vertical gap over this many line heights is a paragraph break.
_PARAGRAPH_GAP = 1.45
_PAGE_NUMBER = re.compile(r"^(?:trang|page)?\s*[-–]?\s*(\d{1,4})\s*[-–]?\s*(?:(?:/|trên|of)\s*\d{1,4})?$", re.IGNORECASE)


def page_lines(page: Any) -> list[str]:
    """The page's lines in reading order ("" marks a paragraph break)."""
    tables = page.find_tables()
    boxes = [t.bbox for t in tables]

    def outside(obj: dict) -> bool:
        cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)

    words = page.filter(outside).extract_words(keep_blank_chars=False, extra_attrs=["size"]) if boxes \
        else page.extract_words(keep_blank_chars=False, extra_attrs=["size"])
    items: list[tuple[float, list[str]]] = [(top, lines) for top, lines in _text_items(words, float(page.width))]
    for table in tables:
        rows = [" | ".join(_cell(c) for c in row) for row in table.extract()]
        rows = [r for r in rows if r.replace("|", "").strip()]
        if rows:
            items.append((table.bbox[1], [""] + rows + [""]))
    items.sort(key=lambda item: item[0])
    out: list[str] = []
    for _, lines in items:
        out.extend(lines)
    return out


def _cell(cell: str | None) -> str:
    return " ".join((cell or "").replace("|", "/").split())


def _text_items(words: list[dict], page_width: float) -> list[tuple[float, list[str]]]:
    """Groups of output lines, each with the vertical position it starts at."""
    lines = _visual_lines(words)
    if not lines:
        return []
    size = statistics.median(w["size"] for w in words) or 10.0
    single = [ln for ln in lines if len(ln["segments"]) == 1]
    right = max((ln["x1"] for ln in single), default=page_width)
    items: list[tuple[float, list[str]]] = []
    k = 0
    while k < len(lines):
        line = lines[k]
        table = _unruled_table(lines, k, size)
        if table:
            # A table without rules: read row by row, not column by column.
            items.append((line["top"], [""] + _unruled_rows(table, size) + [""]))
            k += len(table)
            continue
        if len(line["segments"]) > 1:
            # A run of two-column lines: the left column, then the right one.
            run = [line]
            while k + 1 < len(lines) and len(lines[k + 1]["segments"]) > 1:
                k += 1
                run.append(lines[k])
            columns = max(len(ln["segments"]) for ln in run)
            group: list[str] = [""]
            for c in range(columns):
                group.extend(ln["segments"][c]["text"] for ln in run if c < len(ln["segments"]))
                group.append("")
            items.append((run[0]["top"], group))
            k += 1
            continue
        text = line["segments"][0]["text"]
        group = [text]
        while k + 1 < len(lines) and len(lines[k + 1]["segments"]) == 1:
            nxt = lines[k + 1]
            gap = nxt["top"] - lines[k]["bottom"]
            height = max(lines[k]["bottom"] - lines[k]["top"], size)
            if gap > _PARAGRAPH_GAP * height:
                group.append("")
                break
            wrapped = lines[k]["x1"] >= right - _MARGIN_EM * size
            if wrapped and marker(nxt["segments"][0]["text"]) is None:
                group[-1] = group[-1] + " " + nxt["segments"][0]["text"]
            else:
                group.append(nxt["segments"][0]["text"])
            k += 1
        items.append((line["top"], group))
        k += 1
    return items


#: Lines with this many column segments, two of them at least in a run, are a table drawn
#: without rules, not the two columns of a title block or a signature.
_TABLE_MIN_COLUMNS = 3
#: Inside such a table a gap wider than this many times the font size separates cells
#: (cells are set closer than the columns of a title block).
_CELL_GAP_EM = 1.0


def _split_at_gaps(words: list[dict], em: float) -> list[list[dict]]:
    """A line's words (left to right) grouped at every gap wider than ``em`` times the
    font size: a title block's columns, or a table's cells."""
    groups: list[list[dict]] = [[words[0]]]
    for prev, word in zip(words, words[1:]):
        if word["x0"] - prev["x1"] > em * max(word["size"], 1.0):
            groups.append([word])
        else:
            groups[-1].append(word)
    return groups


def _cells(line: dict) -> list[tuple[float, str]]:
    """The line's words grouped into cells at gaps wider than ``_CELL_GAP_EM``: (x0, text)."""
    cells = _split_at_gaps(sorted(line["words"], key=lambda w: w["x0"]), _CELL_GAP_EM)
    return [(c[0]["x0"], " ".join(w["text"] for w in c)) for c in cells]


def _unruled_table(lines: list[dict], k: int, size: float) -> list[dict]:
    """The lines of a table drawn without rules starting at line ``k``, or [] if none does.

    It starts at a line of ``_TABLE_MIN_COLUMNS`` cells or more and goes on over the lines
    just below (no paragraph gap) that have two cells or more, or one cell right of the
    table's left edge (a cell's wrapped text); two of its lines at least have
    ``_TABLE_MIN_COLUMNS`` cells. A title block or a signature has two columns, prose one.
    """
    if len(_cells(lines[k])) < _TABLE_MIN_COLUMNS:
        return []
    left = min(w["x0"] for w in lines[k]["words"])
    run = [lines[k]]
    full = 1
    for nxt in lines[k + 1:]:
        last = run[-1]
        height = max(last["bottom"] - last["top"], size)
        if nxt["top"] - last["bottom"] > _PARAGRAPH_GAP * height:
            break
        cells = _cells(nxt)
        if len(cells) == 1 and cells[0][0] <= left + size:
            break  # a line at the left margin: the text after the table
        run.append(nxt)
        full += len(cells) >= _TABLE_MIN_COLUMNS
    return run if full >= 2 else []


def _unruled_rows(run: list[dict], size: float) -> list[str]:
    """A table drawn without rules as rows ("cell | cell").

    PDF tables whose borders are not drawn (or not drawn as lines) are not found by
    ``find_tables``; read column by column, as a title block is, their labels, units and
    figures came out in separate lists. Each line is cut into cells at gaps wider than
    ``_CELL_GAP_EM``; the columns start where the cells of the line with most cells
    start; a line with fewer than ``_TABLE_MIN_COLUMNS`` cells is the wrapped text of the
    row above, and its cells are appended to that row's, column by column
    (``qa.documents.structure.rows_under_columns``).
    """
    cut = [_cells(line) for line in run]
    starts = [x0 for x0, _ in max(cut, key=len)]
    rows = rows_under_columns(cut, starts, size, _TABLE_MIN_COLUMNS)
    return [" | ".join(_cell(c) for c in row) for row in rows]


def _visual_lines(words: list[dict]) -> list[dict]:
    """Words grouped into lines by their vertical position, split into column segments."""
    ordered = sorted(words, key=lambda w: (round(w["top"]), w["x0"]))
    lines: list[list[dict]] = []
    for word in ordered:
        if lines and abs(word["top"] - lines[-1][0]["top"]) <= 0.5 * max(word["size"], 1.0):
            lines[-1].append(word)
        else:
            lines.append([word])
    out = []
    for line in lines:
        line.sort(key=lambda w: w["x0"])
        segments = _split_at_gaps(line, _COLUMN_GAP_EM)
        out.append({
            "top": min(w["top"] for w in line),
            "bottom": max(w["bottom"] for w in line),
            "x1": max(w["x1"] for w in line),
            "segments": [{"text": " ".join(w["text"] for w in seg), "x0": seg[0]["x0"]} for seg in segments],
            "words": line,
        })
    return out


def _key(line: str) -> str:
    return re.sub(r"\d+", "#", " ".join(line.lower().split()))


def join_pages(pages: list[list[str]], edge: int = 2) -> tuple[str, int]:
    """The pages' text without running headers, footers and page numbers, and the number
    of non-space characters removed.

    A line among the first or last ``edge`` lines of a page is furniture when the same
    line (digits masked) is at an edge of half the pages but one (two at least), or when
    it is a page number ("3", "- 3 -", "Trang 3/10") on a document of two pages or more.
    """
    def edges(lines: list[str]) -> list[int]:
        # Table rows are never furniture: a header row repeated on each page heads its rows.
        filled = [i for i, line in enumerate(lines) if line.strip() and " | " not in line]
        return sorted(set(filled[:edge] + filled[-edge:]))

    counts: Counter[str] = Counter()
    for lines in pages:
        counts.update({_key(lines[i]) for i in edges(lines)})
    # The first page often has none (its title block stands there), so half of the others.
    threshold = max(2, len(pages) // 2)
    removed = 0
    texts: list[str] = []
    for lines in pages:
        drop = set()
        if len(pages) >= 2:
            for i in edges(lines):
                key = _key(lines[i])
                number = _PAGE_NUMBER.match(lines[i].strip())
                if counts[key] >= threshold or (number and int(number.group(1)) <= len(pages) + 2):
                    drop.add(i)
        removed += sum(len("".join(lines[i].split())) for i in drop)
        texts.append("\n".join(line for i, line in enumerate(lines) if i not in drop))
    return "\n\n".join(texts), removed
