"""Candidate answers: the units of a retrieved passage that an answer may quote.

Plans and regulations state one fact per unit, and the unit has several shapes:
- a sentence, or a clause of one ("…; tỷ lệ dân số có tài khoản thanh toán điện tử
  đạt trên 30%; …");
- a list item, which only makes sense with the lead-in it belongs to
  ("2. Phạm tội thuộc một trong các trường hợp sau đây, thì bị phạt tù …: a) …";
  "Mục tiêu cụ thể đến năm 2025: - 80% …"): the candidate quotes the item and reads
  the lead-in as its context;
- a table row, which the cleaned text writes with its column headers
  ("Chỉ tiêu: Kinh tế số | Năm 2025: 20% GRDP");
- a line of an official document's title block ("Số: 72/KH-UBND", "Bình Định, ngày
  15 tháng 4 năm 2025", "Người ký | Đoàn Thanh Sơn"), which says nothing of what it
  belongs to: the candidate reads the document's title ("KẾ HOẠCH Chuyển đổi số tỉnh
  Bình Định năm 2025") as its context, so "which number / when / who signed the 2025
  plan" finds it.

Items, rows and their lead-ins are the document's blocks (``qa.documents.structure``).

The reader (``qa.answering.reader``) scores every candidate; this module only finds them,
with their offsets inside the chunk so the answer can be highlighted in place.

>>> from qa.types import Chunk, Hit
>>> text = "Mục tiêu đến năm 2025:\\n- 80% hồ sơ được xử lý trực tuyến;\\n- 50% dân số có chữ ký số."
>>> hit = Hit(Chunk(0, "d", text, 0, len(text)), 1.0)
>>> [(c.kind, c.text, c.context) for c in units(hit, text)][1]
('item', '- 80% hồ sơ được xử lý trực tuyến;', 'Mục tiêu đến năm 2025:')
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property, lru_cache
from itertools import islice

from qa.documents.clean import SIGNER_LABEL
from qa.documents.legal_outline import referred_text
from qa.documents.structure import (DATA, DOCUMENT_TYPE_ALTERNATION, DOCUMENT_TYPES, Block, lead_in, marker, parse,
                                    row_group_labels, title_block, title_block_end)
from qa.answering.term_sets import term_set
from qa.data import read_rows
from qa.text import CODE_INITIAL, CODE_NUMBER, Span, alternation, clauses, fold, is_heading, own_years, sentences, years
from qa.types import Hit

@dataclass(frozen=True)
class Candidate:
    """One unit of a retrieved chunk that may answer the question.

    ``span`` holds offsets inside the chunk's text; ``context`` is what the unit is
    read with but not quoted (its sentence for a clause, its lead-in for an item).
    """

    hit: Hit
    rank: int  # 1-based rank of the hit among those retrieved
    span: Span
    kind: str  # "line", "sentence", "clause", "item" or "window"
    context: str = ""
    # Text before the unit in its document paragraph (for the years it is about).
    before: str = ""
    # A line of the document's title block; ``context`` is then the document's title.
    in_title_block: bool = False
    # Characters the answer can quote of it (``units`` with a room), when known.
    room: int | None = None
    # What the unit is read with but never quoted: its document's title when it names its
    # own document ("Nghị định này": ``names_own_document``), the points and clauses it
    # refers to ("điểm b khoản 2 Điều này": ``referred_text``).
    reads: str = ""
    # The one year the document's title block names ("KẾ HOẠCH … năm 2026"), if one:
    # the last fallback of ``stated_years``.
    document_year: int | None = None
    # The document's text stops inside this unit, mid-sentence (``document_cut_at``): an
    # excerpt cut at a length ("… đạt tr"), so what the unit goes on to say is lost.
    cut_off: bool = False

    @property
    def text(self) -> str:
        return self.span.text

    @cached_property
    def stated_years(self) -> frozenset[int]:
        """The years the unit is about: those it names, else the last one named before
        it in its paragraph or lead-in (worked out once: a regex over the paragraph), else
        the last one of the headings it sits under, inside its chunk
        (``enclosing_headings``) or above the chunk's first line (its ``heading_path``:
        "II. MỤC TIÊU CỤ THỂ NĂM 2025 › 2. Phát triển kinh tế số / a) Tỷ trọng kinh tế số
        … đạt 8,5%" is a 2025 target when the chunk opens at "2."). A title-block line is
        about the years its document's title names (a 2024 plan is dated December 2023),
        else those it names.

        Rule (an annual plan's year): a unit that names no year and sits under none is
        about the one year its document's title block names (``document_year``: "KẾ HOẠCH
        … năm 2026" sets out 2026's targets and tasks, "Phủ sóng 5G 80% khu dân cư" among
        them); a title naming several ("giai đoạn 2021-2025, định hướng đến 2030") or none
        gives none, and a page without a title block (a news page) none."""
        if self.in_title_block:
            return frozenset(years(self.context) or years(self.text))
        # The last year of ``before + " " + context``: a year is a whole word, so it is
        # the context's last, else the text before's; the context's is kept (the windows
        # of a line share it as their context, and the line is long).
        return frozenset(own_years(self.text) or last_year(self.context) or last_year(self.before)
                         or last_year(self.enclosing_headings)
                         or last_year(self.hit.chunk.heading_path)
                         or ((self.document_year,) if self.document_year else ()))

    @cached_property
    def enclosing_headings(self) -> str:
        """The heading lines of the unit's chunk, before it, that it sits under: the nearest
        heading line, then each earlier numbered heading of a numbering scheme not met yet
        ("III. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2025" above "1. Mục tiêu năm 2025"; an earlier
        "1. …" is a sibling section, closed). The chunk's ``heading_path`` names only the
        headings above its first line: in a chunk that opens with its section's headings
        ("III. … / 1. Mục tiêu năm 2025 / … / Tỷ lệ hồ sơ … đạt 55%") the line was read as
        under no heading, about no year and stating no target. A title-block line has none."""
        if self.in_title_block:
            return ""
        lines = [line.strip() for line in self.hit.chunk.text[:self.span.start].split("\n") if line.strip()]
        found: list[str] = []
        schemes: set[str] = set()
        for line in reversed(lines):
            if not is_heading(line) or is_dateline(line):
                continue
            m = marker(line)
            scheme = m.scheme if m is not None else ""
            if found and (m is None or scheme in schemes):
                continue
            found.append(line)
            schemes.add(scheme)
        return "\n".join(reversed(found))


#: A day and a time of day on one line ("Thứ Năm, 15/05/2025 - 08:30 | Bài và ảnh: …"), in
#: either order: a news page's publication stamp.
_DATELINE = re.compile(r"\b\d{1,2}/\d{1,2}/(?:19|20)\d\d\b.*\b\d{1,2}[:h]\d{2}\b"
                       r"|\b\d{1,2}[:h]\d{2}\b.*\b\d{1,2}/\d{1,2}/(?:19|20)\d\d\b")


def is_dateline(line: str) -> bool:
    """Rule (a publication stamp is no heading): a short line dating a news page to the
    day and the minute is when it was published, not a heading its paragraphs sit under:
    read as one, the page's "… năm 2024 tăng 9 bậc" report was about 2025, the year it
    was published, and the 2024 ranking was refused."""
    return bool(_DATELINE.search(line))


#: A document the text cites by its type and number, to the end of its clause ("Quyết
#: định số 749/QĐ-TTg ngày 03/6/2020 … phê duyệt Chương trình … đến năm 2025, định hướng
#: đến năm 2030;"): the years in it date or name that document, not what the text states.
_CITED = re.compile(rf"\b(?:{DOCUMENT_TYPE_ALTERNATION})\s+(?:số\s+)?\d+/[^;:.]*", re.IGNORECASE)


@lru_cache(maxsize=4096)
def last_year(text: str) -> tuple[int, ...]:
    """The last year the text names outside the documents it cites (``_CITED``), as a tuple
    of one (empty when it names none): a plan's lead-in "Thực hiện Quyết định số 749/QĐ-TTg
    … đến năm 2025, định hướng đến năm 2030, … một số mục tiêu đã đạt được như sau:" frames
    its items in no year of its own, not in 2030."""
    return tuple(own_years(_CITED.sub(" ", text))[-1:])


#: Documents whose lead-ins are kept (``lead_ins``); past this many, those not read
#: lately are parsed again when next read.
OUTLINES_KEPT = 1024


@lru_cache(maxsize=OUTLINES_KEPT)
def lead_ins(document_text: str) -> dict[int, str]:
    """Where each list item and table row of the document starts (``qa.documents.structure``),
    and each paragraph in the body of a lead-in (``body_of_lead_in``), with the text of its
    lead-in ("" when it has none); units read the document's other blocks as plain lines.
    A table's sub-row reads the group labels it breaks down instead
    (``qa.documents.structure.row_group_labels``: "+ Cấp huyện" under "- Tỷ lệ văn bản, hồ
    sơ công việc được xử lý trên môi trường mạng"): they are its subject, nearer than the
    table's lead-in ("Tình hình thực hiện các chỉ tiêu … năm 2023:"), and a unit whose
    context and text do not fit the answer's room is read without its context.

    Kept per document (its text object is the same on every question) instead of the
    whole outline, which held about 1 kB per block (108 MB for the 100k synthetic chunks
    of ``bench/bench_100k.py``), and filled when the assistant opens (``read_outlines``):
    parsing a 1 MB document takes 50 ms, which the first question touching it paid, and
    a comparison touches a dozen.
    """
    blocks = parse(document_text)
    found: dict[int, str | None] = {}  # the last block starting at an offset is the one read there
    texts: dict[int, str] = {}  # one string per lead-in, shared by its items
    grouped: dict[tuple[int, ...], str] = {}  # one string per sub-rows' group labels
    body_of: int | None = None  # the lead-in whose body (``body_of_lead_in``) the last block was in
    for i, block in enumerate(blocks):
        if block.kind == "paragraph":
            body_of = body_of_lead_in(blocks, i, document_text, body_of)
            if body_of is None:
                found[block.start] = None
                continue
            j: int | None = body_of
        elif block.kind in ("item", "row"):
            body_of = None
            j = lead_in(blocks, i, document_text)
            if j is None and block.kind == "item":
                j = sibling_lead_in(blocks, i, document_text)
            if j is None and block.kind == "item":
                j = task_attribute_of(blocks, i, document_text)
        else:
            body_of = None
            found[block.start] = None
            continue
        if j is not None and j not in texts:
            texts[j] = document_text[blocks[j].start:blocks[j].end].strip()
        found[block.start] = texts[j] if j is not None else ""
        labels = tuple(row_group_labels(blocks, i, document_text)) if block.kind == "row" else ()
        if labels:  # a sub-row reads the labels it breaks down instead of its table's lead-in
            if labels not in grouped:
                grouped[labels] = " ".join(document_text[blocks[a].start:blocks[a].end].strip() for a in labels)
            found[block.start] = grouped[labels]
    return {start: lead for start, lead in found.items() if lead is not None}


def sibling_lead_in(blocks: list[Block], i: int, document_text: str) -> int | None:
    """The paragraph ending with ":" that the item ``blocks[i]`` and the items before it
    follow as siblings, or None.

    Rule (a lead-in before an article's clauses): an article often opens with a sentence
    that announces its numbered clauses ("Điều 26. … / Những người sau đây có quyền yêu cầu
    cấp bản sao …: / 1. Người được cấp bản chính … / 2. … / 3. Cha, mẹ, con; …"). The
    outline keeps clauses under their article, not under the sentence (a lead-in never holds
    a clause of its article's numbering), so the clause read alone did not say what it is
    one of, and the sentence chosen as an answer was quoted without its clauses. Going back
    over the item's earlier siblings (and what they hold), the first other block with the
    same parent is its lead-in when it is a paragraph ending with ":".
    """
    parent = blocks[i].parent
    k = i - 1
    while k >= 0:
        b = blocks[k]
        if b.parent == parent:
            if b.kind == "item":
                k -= 1
                continue
            if b.kind == "paragraph" and document_text[b.start:b.end].rstrip().endswith(":"):
                return k
            return None
        # a block held by an earlier sibling item ("a)" under "2. Chứng chỉ:"), or above the parent
        if parent is not None and k <= parent:
            return None
        k -= 1
    return None


@lru_cache(maxsize=1)
def _task_attribute_label() -> re.Pattern[str]:
    """An item opening with a label of ``data/task_attribute_labels.txt`` and ":", folded."""
    labels = sorted((fold(line.strip()).lower() for line in (DATA / "task_attribute_labels.txt").read_text(
        encoding="utf-8").splitlines() if line.strip() and not line.startswith("#")), key=len, reverse=True)
    return re.compile(r"^[\s\-+*•–]*(?:" + "|".join(re.escape(label) for label in labels) + r")\s*:")


def is_task_attribute(line: str) -> bool:
    """The line states one attribute of a task ("- Cơ quan chủ trì: Sở Y tế", "- Thời gian:
    Quý IV/2023"): a label of ``data/task_attribute_labels.txt``, then ":"."""
    return bool(_task_attribute_label().match(fold(line).lower()))


def task_attribute_of(blocks: list[Block], i: int, document_text: str) -> int | None:
    """The task the item ``blocks[i]`` states an attribute of, or None.

    Rule (a task's attribute line reads its task): a plan lists a task, then its own lines
    "- Cơ quan chủ trì: Sở Thông tin và Truyền thông" / "- Thời gian: Quý IV/2025", as a task
    table's row would give them in columns. The outline puts the line under the task's item
    (its parent), which ends with "." rather than ":", so the line had no lead-in: read
    alone it does not say which task it is about, and "which department leads …" found the
    task (which names no agency) and refused. The parent item is read as its context, as a
    lead-in is. Measured with ``reader.detail_yield``: floor check ``unseen`` one refused
    English lead question answered; every dev set identical."""
    parent = blocks[i].parent
    if parent is None or blocks[parent].kind != "item":
        return None
    return parent if is_task_attribute(document_text[blocks[i].start:blocks[i].end]) else None


def body_of_lead_in(blocks: list[Block], i: int, document_text: str, previous: int | None) -> int | None:
    """The lead-in whose body the paragraph ``blocks[i]`` is in, or None; ``previous`` is the
    lead-in whose body the block before it was in.

    Rule (the body of a lead-in): unnumbered paragraphs are read with the lead-in ("…:")
    they follow, like items:
    - the paragraph right after it (the outline puts it under it): a regulation's clause
      often announces its content and gives it on the next line, with no point letter ("4.
      Biện pháp khắc phục hậu quả:" / "Buộc nộp lại số lợi bất hợp pháp …"). Read alone,
      the paragraph does not say what it is, and the lead-in alone says nothing;
    - each paragraph after one of its body that ends with ";": a list whose markers were
      lost (copied from a web page or a PDF without its bullets) still writes one item a
      line, ending with ";", the last with "." ("Cập nhật loại II bao gồm:" / "Thay đổi nội
      dung CTĐT …;" / … / "Thay đổi tên tiếng Việt của môn học;" / "Thay đổi số lượng tín
      chỉ của môn học."). The line after the one that does not end with ";" ends the body.
    """
    block = blocks[i]
    parent = block.parent
    if parent is not None and document_text[blocks[parent].start:blocks[parent].end].rstrip().endswith(":"):
        return parent
    before = blocks[i - 1] if i > 0 else None
    if (previous is not None and before is not None and before.kind == "paragraph"
            and document_text[before.start:before.end].rstrip().endswith(";")):
        return previous
    return None


#: The line cleaning writes for an official document's closing signature block
#: (``qa.documents.clean.signature_block``): "Người ký: Nguyễn Thành Sinh (KT. CHỦ TỊCH …)".
_SIGNATURE_LINE = re.compile(rf"^{re.escape(SIGNER_LABEL)}[^|()]+ \([^()|]+\)$")


#: The number line of an official document's title block, its number and often its place
#: and day ("Số: 57/KH-UBND Sơn La, ngày 24 tháng 02 năm 2025").
_NUMBER_LINE = re.compile(rf"^Số\s*:\s*{CODE_NUMBER}[/-]\s*{CODE_INITIAL}")


def is_attached_number_line(line: str) -> bool:
    """Rule (an attachment's title block): a number line after the document's own title
    block is the title block of a document it attaches ("QUYẾT ĐỊNH … ban hành Kế hoạch",
    then the plan "Số: 57/KH-UBND …"): read like its title block, what the document says of
    itself, so that the plan's number answers for the plan as the decision's does for the
    decision. Read as a body line, the decision's number answered "kế hoạch … số hiệu"."""
    return bool(_NUMBER_LINE.match(line))


def is_signature_line(line: str) -> bool:
    """A document's closing signature block, read like its title block: what the document
    says of itself (who signed it), with the document's title as its context."""
    return bool(_SIGNATURE_LINE.match(line))


@lru_cache(maxsize=OUTLINES_KEPT)
def head(document_text: str) -> tuple[int, str]:
    """Where the document's body starts (0 without a title block) and its title ("" then),
    kept per document like its lead-ins: parsing a title block takes about 5 ms, and
    ``qa.documents.structure`` keeps only 32, fewer than the documents a comparison reads."""
    end = title_block_end(document_text)
    return end, (title_block(document_text).title or "") if end else ""


def read_outlines(document_texts: Iterable[str]) -> None:
    """Work out the lead-ins, title blocks and run bounds of these documents (at most
    ``OUTLINES_KEPT``) now, so that no question waits for them."""
    for text in islice(document_texts, OUTLINES_KEPT):
        lead_ins(text)
        run_bounds(text)  # right after lead_ins, while parse still holds the text
        head(text)


def units(hit: Hit, document_text: str, rank: int = 1, room: int | None = None,
          with_lists: bool = False, runs: bool = True) -> list[Candidate]:
    """Every candidate unit of a hit: lines, their sentences and clauses, items.

    ``document_text`` is the text of the hit's document (the chunk's offsets point
    into it), read for lead-ins that lie before the chunk. With ``room``, a unit
    that an answer could not quote whole is replaced by its windows (see
    ``windows``), so that what the reader scores is what the answer quotes; with
    ``with_lists`` too, each lead-in with the items after it that fit (``lists``); with
    ``runs`` too, runs of whole lines that fit (``line_runs``).
    """
    found = _units(hit, document_text, rank)
    if room is None:
        return found
    fitting: list[Candidate] = []
    seen: set[tuple[int, int, bool]] = set()
    for c in found:
        if c.kind == "item" and c.context and len(c.context) + 1 + len(c.text) > room:
            c = Candidate(c.hit, c.rank, c.span, "item", "", c.before + c.context, reads=c.reads,
                          document_year=c.document_year, cut_off=c.cut_off)  # the item alone
        for piece in ([c] if len(c.text) <= room else windows(c, room)):
            if (piece.span.start, piece.span.end, piece.kind == "item") not in seen:
                seen.add((piece.span.start, piece.span.end, piece.kind == "item"))
                fitting.append(piece)
    if with_lists:
        fitting += lists(found, hit, room)
    if runs:
        have = {(c.span.start, c.span.end) for c in fitting if c.kind == "list"}
        fitting += [c for c in line_runs(found, hit, document_text, room) if (c.span.start, c.span.end) not in have]
    return [with_room(c, room) for c in fitting]


def line_runs(found: list[Candidate], hit: Hit, document_text: str, room: int) -> list[Candidate]:
    """Rule (an answer may run over several lines): from each line of the chunk, the most
    whole lines after it that fit in ``room`` characters, at least two, as one unit (kind
    "list", quoted on one line). A regulation often answers with a run of lines that is no
    one unit: an article's second and third numbered clauses ("1. Chuẩn bị thi …; 2. Bàn
    giao bài thi …"), a lead-in with the unmarked lines after it ("Các hình thức thi bao
    gồm: Tự luận … Đồ án"). Of the regulations dev questions whose gold span lay in a
    retrieved passage but in no candidate, 20 of the 30 no longer than 300 characters ran
    over lines.

    A run stays inside one section: it never starts at a numbered heading ("Điều 26. Người
    có quyền yêu cầu …", which announces rather than answers), and it stops before a
    numbered heading or a lead-in ("4. Hệ thống Quản lý đào tạo:", which opens a list of its
    own) after its first line. It takes no item read with its lead-in (the item with its
    lead-in, and for a question that asks for several the lead-in with its items, are
    candidates already: a run of such items is quoted without the lead-in, which holds the
    fine of "a) Cho người khác mượn …; b) …") and no table row (each row is a record with its
    headers: a run of rows outranked the sentence naming Sóc Trăng's three priority sectors
    and was refused). A title-block line is in none. The run is cut off where its last
    line is. Who reads runs is ``qa.answering.answer.candidates``'s to say: no question
    that asks for a kind of answer, and no province's plan read for a comparison.

    Regulations dev (containment / >= 80% / F1): 0.600 / 0.647 / 0.454 -> 0.611 / 0.660 /
    0.448, false refusals 0.035 -> 0.033; articles and plans dev and the floor checks
    unchanged. Every line taken: 0.613 / 0.658 / 0.444, but the legal floor check 0.980 ->
    0.922, docs_all 0.931 -> 0.862, unseen 0.962 -> 0.925 and a plans comparison refused;
    without the bounds at headings and lead-ins 0.615 / 0.658 / 0.440."""
    text = hit.chunk.text
    headings, rows = run_bounds(document_text)
    lines = [c for c in found if c.kind in ("line", "item") and not c.in_title_block]

    def outside(line: Candidate) -> bool:
        """A line no run holds: an item read with its lead-in, a table row."""
        return bool(line.context) or hit.chunk.start + line.span.start in rows

    def heading(line: Candidate) -> bool:
        return hit.chunk.start + line.span.start in headings

    out: list[Candidate] = []
    for i, first in enumerate(lines):
        if outside(first) or heading(first):
            continue
        end, cut = None, False
        for line in lines[i + 1:]:
            if (outside(line) or heading(line) or line.text.rstrip().endswith(":")
                    or len(" ".join(text[first.span.start: line.span.end].split())) > room):
                break
            end, cut = line.span.end, line.cut_off
        if end is None:
            continue
        out.append(Candidate(hit, first.rank, Span(text[first.span.start:end], first.span.start, end), "list",
                             "", first.before, document_year=first.document_year, cut_off=cut))
    return out


@lru_cache(maxsize=OUTLINES_KEPT)
def run_bounds(document_text: str) -> tuple[frozenset[int], frozenset[int]]:
    """Where the document's numbered headings ("Điều 9. Sử dụng học liệu điện tử", "II.
    MỤC TIÊU") and its table rows start, from one ``parse``: the lines a run of lines
    (``line_runs``) never starts at or runs past. Kept per document like its lead-ins and
    filled when the assistant opens (``read_outlines``), since ``parse`` keeps only 32."""
    blocks = parse(document_text)
    return (frozenset(b.start for b in blocks if b.kind == "heading" and b.numbering),
            frozenset(b.start for b in blocks if b.kind == "row"))


def with_room(c: Candidate, room: int) -> Candidate:
    """``dataclasses.replace(c, room=room)`` spelled out: a comparison makes ~300
    candidates, and ``replace`` looks the fields up each time (a test keeps the two equal)."""
    return Candidate(c.hit, c.rank, c.span, c.kind, c.context, c.before, c.in_title_block, room, c.reads,
                     c.document_year, c.cut_off)


def lists(found: list[Candidate], hit: Hit, room: int) -> list[Candidate]:
    """A lead-in with the items after it in the chunk, as one unit ("2. Để được tham gia học
    các lớp NNCM: a. Đối với tiếng Anh: … b. Đối với tiếng Nhật: …"), for questions whose
    answer is the list or the conditions it sets out rather than one item of it: from the
    lead-in, the most whole items that fit in ``room`` characters, at least two (one item
    with its lead-in is already a candidate)."""
    text = hit.chunk.text
    out: list[Candidate] = []
    items = [c for c in found if c.kind == "item" and c.context]
    i = 0
    while i < len(items):
        lead = items[i].context
        run = [items[i]]
        while i + len(run) < len(items) and items[i + len(run)].context is lead:
            run.append(items[i + len(run)])
        i += len(run)
        if len(run) < 2:
            continue
        start = text.rfind(lead, 0, run[0].span.start)
        if start < 0 or text[start + len(lead): run[0].span.start].strip():
            continue  # the lead-in is not in this chunk, or something stands between it and the items
        end = None
        for item in run:
            if len(" ".join(text[start: item.span.end].split())) > room:
                break
            end = item.span.end
        if end is None or end <= run[1].span.start:
            continue
        out.append(Candidate(hit, run[0].rank, Span(text[start:end], start, end), "list", "", run[0].before,
                             document_year=run[0].document_year, cut_off=any(item.cut_off and item.span.end == end for item in run)))
    return out


#: Characters that must be left, after a lead-in and the whole items that fit, to quote the
#: start of the next item (cut at a word, "…"): less would quote a word or two of it.
#: Dev, articles / plans accuracy and regulations containment / >= 80% / F1 (2026-12-07):
#: 10 and 30 0.991 / 0.917 and 0.573 / 0.618 / 0.447; 60 0.991 / 0.917 and 0.572 / 0.615 /
#: 0.446; never (no partial item) 0.991 / 0.917 and 0.572 / 0.614 / 0.445. Only the
#: regulations' lead-ins reach it; 30 is the larger of the two best.
MIN_ITEM_START = 30


def with_items(c: Candidate, document_text: str, room: int,
               asked: frozenset[str] = frozenset()) -> Candidate | None:
    """A lead-in chosen to answer, with the items that follow it in its passage; None when
    the unit is no lead-in or its items are not in the passage.

    Rule (a lead-in never answers alone): a unit that ends where its line ends with ":"
    and whose next lines are the items it leads ("2. … nếu đáp ứng đủ các điều kiện sau
    đây:", "Dữ liệu được chia sẻ theo một trong các hình thức sau đây:", "4. Biện pháp
    khắc phục hậu quả:") announces its answer without giving it. It is quoted with its
    items, from the first, as many whole ones as fit in ``room`` characters, then the start
    of the next one cut at a word ("…") when at least ``MIN_ITEM_START`` characters are left.
    The lead-in comes first and whole, so what it says itself (the fine of "Phạt tiền từ
    5.000.000 đồng đến 10.000.000 đồng đối với một trong các hành vi sau đây:") stays
    quoted. An item that is itself a lead-in ("a) Đối với tiếng Anh:") keeps its own
    lead-in before it, as ``quoted`` writes it.

    Rule (nested items): an item that is itself a lead-in ("1. Hệ thống UIT-Elearning:")
    is quoted with its own items ("a) Giúp giảng viên …", "b) …") before the next item of
    the list, as the document writes them; the quote used to stop at the first nested item,
    so a list whose first item opened a sub-list was quoted as its lead-in and that item's
    title ("Hệ thống phần mềm … gồm các phần mềm sau đây: 1. Hệ thống UIT-Elearning:").

    ``asked`` (the question's terms) lets ``asked_items_first`` choose which items are
    quoted when they do not all fit.
    """
    text = c.hit.chunk.text
    line_start = text.rfind("\n", 0, c.span.start) + 1
    line_end = text.find("\n", c.span.end)
    line_end = len(text) if line_end < 0 else line_end
    line = text[line_start:line_end].strip()
    if not line.endswith(":") or text[c.span.end:line_end].strip():
        return None
    leads = lead_ins(document_text)
    base = c.hit.chunk.start
    items: list[tuple[int, int]] = []
    led = {line}  # the lead-in and its items that lead items of their own (``nested items``)
    pos = line_end + 1
    while pos < len(text):
        end = text.find("\n", pos)
        end = len(text) if end < 0 else end
        raw = text[pos:end]
        if raw.strip():
            begin = pos + raw.index(raw.strip()[0])
            if leads.get(base + begin) not in led:
                break
            items.append((begin, begin + len(raw.strip())))
            led.add(raw.strip())
        pos = end + 1
    if not items:
        return None
    prefix = f"{c.context} " if c.kind == "item" and c.context else ""
    head, head_start = f"{prefix}{line}", line_start + text[line_start:line_end].index(line[0])
    if len(" ".join(head.split())) > room and c.kind in ("sentence", "clause", "window"):
        # The lead-in is the unit's sentence, in a line too long to quote with its items
        # ("2. Xếp loại tốt nghiệp … Riêng đối với … nếu rơi vào các trường hợp sau:").
        head, head_start = c.text, c.span.start
    chosen = asked_items_first(text, head, items, room, asked)
    if chosen is not None:
        return _with_chosen_lines(c, head, head_start, line_end, chosen, room)
    return _with_lines_after(c, head, head_start, line_end, items, room)


def asked_items_first(text: str, head: str, items: list[tuple[int, int]], room: int,
                      asked: frozenset[str]) -> list[tuple[int, int]] | None:
    """The items of a lead-in to quote when they do not all fit in ``room`` and one the
    quote from the first would leave out holds more of the question's words than every
    item it keeps; None otherwise (the items are quoted from the first).

    Rule (the asked item first): a question naming one item of a long list ("Quyết định
    chỉnh sửa văn bằng có gồm thời hạn thi hành quyết định không?" of "… gồm các nội dung
    chính sau: a) … đ) Hiệu lực và trách nhiệm thi hành quyết định.") was answered with the
    lead-in and the first items that fit, the asked one cut away. The items holding the
    most of the question's terms that the lead-in does not already hold are kept first
    (most terms first, then in the document's order), the room left is filled with the
    others in order, and they are quoted in the document's order, "…" where items are
    left out. The question's words decide, never the document: a list that fits whole, a
    list with nested items, or one whose first items already hold as many of the words as
    any, is quoted as before.
    """
    lines = [" ".join(text[b:e].split()) for b, e in items]
    quote = " ".join(head.split())
    if any(x.endswith(":") for x in lines):
        return None  # nested items: an item is quoted under its own lead-in (``with_items``)
    if not asked or len(quote) + sum(1 + len(x) for x in lines) <= room:
        return None
    wanted = asked - term_set(quote)
    scores = [len(term_set(x) & wanted) for x in lines]
    top = max(scores)
    if top == 0:
        return None
    used, kept_first = len(quote), []
    for i, line in enumerate(lines):  # what the quote from the first keeps whole
        if used + 1 + len(line) > room:
            break
        used += 1 + len(line)
        kept_first.append(i)
    if any(scores[i] == top for i in kept_first):
        return None
    used, chosen = len(quote), set()
    order = sorted((i for i in range(len(lines)) if scores[i] > 0), key=lambda i: (-scores[i], i))
    order += [i for i in range(len(lines)) if scores[i] == 0]
    for i in order:
        gap = 2 if (i - 1 not in chosen and i > 0) else 0  # room for a "…" before it
        if used + 1 + gap + len(lines[i]) <= room:
            chosen.add(i)
            used += 1 + gap + len(lines[i])
        elif scores[i] == top and not chosen:
            return None  # the asked item alone does not fit: quoted from the first
    if not any(scores[i] == top for i in chosen):
        return None
    return [items[i] for i in sorted(chosen)]


def _with_chosen_lines(c: Candidate, head: str, head_start: int, line_end: int,
                       chosen: list[tuple[int, int]], room: int) -> Candidate:
    """``head`` with the lines at ``chosen`` (chunk offsets, in order), "…" where lines
    between them (or before the first) are left out."""
    text = c.hit.chunk.text
    parts, previous = [" ".join(head.split())], line_end
    for begin, end in chosen:
        if text[previous:begin].strip():
            parts.append("…")
        parts.append(" ".join(text[begin:end].split()))
        previous = end
    return Candidate(c.hit, c.rank, Span(" ".join(parts), head_start, chosen[-1][1]), "list", "", c.before,
                     room=room, document_year=c.document_year)


def with_body(c: Candidate, document_text: str, room: int) -> Candidate | None:
    """A heading chosen to answer, with the lines of its body that follow it in its passage;
    None when the unit is no whole heading line or its body is not in the passage.

    Rule (a heading never answers alone): a heading line ("Trách nhiệm của Ban Điều hành cấp
    Trường", "Điều 16. Định mức thù lao quản lý, điều hành", "Phụ cấp trách nhiệm cho Ban
    điều hành CTGT trường") names what its section sets out without stating any of it; the
    reader may choose it because it holds the question's words. It is quoted with the blocks
    of its body (``qa.documents.structure``: those it encloses) as ``with_items`` quotes a
    lead-in with its items: the most whole ones that fit in ``room``, then the start of the
    next cut at a word when at least ``MIN_ITEM_START`` characters are left.
    """
    if c.in_title_block or c.kind not in ("line", "item", "sentence"):
        return None
    text = c.hit.chunk.text
    line_start = text.rfind("\n", 0, c.span.start) + 1
    line_end = text.find("\n", c.span.end)
    line_end = len(text) if line_end < 0 else line_end
    if not heading_title(text[line_start:c.span.start], c.kind, c.text) or text[c.span.end:line_end].strip():
        return None
    base = c.hit.chunk.start
    blocks = parse(document_text)
    at = _block_at(document_text, base + c.span.start)
    at = _block_at(document_text, base + line_start) if at is None else at
    if at is None or blocks[at].kind != "heading":
        return None
    items: list[tuple[int, int]] = []
    for k in range(at + 1, len(blocks)):
        b = blocks[k]
        if b.start - base >= len(text) or not _encloses(blocks, at, k):
            break
        items.append((b.start - base, min(b.end - base, len(text))))
    if not items:
        return None
    line = text[line_start:line_end].strip()
    return _with_lines_after(c, line, line_start + text[line_start:line_end].index(line[0]), line_end, items, room)


def heading_title(before: str, kind: str, text: str = "") -> bool:
    """Whether a unit ``text`` preceded on its line by ``before`` is its whole line, or the
    whole line less its number.

    Rule (a heading's title is the heading): a heading line "Điều 7. Thời điểm xét miễn, cách
    tính điểm miễn các môn học ngoại ngữ" is cut into the sentences "Điều 7." and "Thời điểm
    xét miễn, …", and the second holds the whole heading's words without the ``heading``
    mark; chosen, it announced its section without giving any of it, as the heading would.
    A sentence that is all of its line after the line's numbering is read as the heading
    line, and ``with_body`` quotes it with its body.

    The numbering is read on the line as written (``before`` then ``text``): a number alone
    ("6.2.", "1.") is no marker, as "an Arabic number needs a dot and then a capital", so
    the title of "6.2. Điều kiện tái bản giáo trình" was read as no heading's and quoted
    alone; only "Điều 7." (a major word) was recognised by itself."""
    if not before.strip():
        return kind != "sentence"
    if kind != "sentence":
        return False
    m = marker(f"{before.strip()} {text}".strip())
    return m is not None and not before.strip()[m.end:].strip()


@lru_cache(maxsize=OUTLINES_KEPT)
def _block_starts(document_text: str) -> dict[int, int]:
    """Where each block of the document starts, with its index in ``parse``."""
    return {b.start: i for i, b in enumerate(parse(document_text))}


def _block_at(document_text: str, offset: int) -> int | None:
    """The index of the document's block that starts at ``offset``, or None."""
    return _block_starts(document_text).get(offset)


def _encloses(blocks: list[Block], outer: int, k: int) -> bool:
    """Block ``outer`` is one of the blocks enclosing block ``k``."""
    parent = blocks[k].parent
    while parent is not None and parent >= outer:
        if parent == outer:
            return True
        parent = blocks[parent].parent
    return False


def _with_lines_after(c: Candidate, head: str, head_start: int, line_end: int,
                      items: list[tuple[int, int]], room: int) -> Candidate | None:
    """``head`` (from ``head_start`` in the chunk to its line's end ``line_end``) with the
    lines at ``items`` (chunk offsets) after it: the most whole ones that fit in ``room``, then
    the start of the next cut at a word ("…") when ``MIN_ITEM_START`` characters are left."""
    text = c.hit.chunk.text
    quote = " ".join(head.split())
    if len(quote) > room:
        return None
    span_end = line_end
    for begin, end in items:
        item = " ".join(text[begin:end].split())
        if len(quote) + 1 + len(item) <= room:
            quote, span_end = f"{quote} {item}", end
            continue
        left = room - len(quote) - 2  # a space before the item, "…" after it
        if left >= MIN_ITEM_START:
            cut = item[:left]
            cut = cut[: cut.rfind(" ")] if " " in cut else cut
            quote, span_end = f"{quote} {cut.rstrip(' ,;:')}…", begin + len(cut)
        break
    return Candidate(c.hit, c.rank, Span(quote, head_start, span_end), "list", "", c.before, room=room,
                     document_year=c.document_year)


#: Where a window of a long unit may start: the unit's start, or after a comma,
#: semicolon or colon.
_WINDOW_START = re.compile(r"[,;:]\s+")


def windows(unit: Candidate, room: int) -> list[Candidate]:
    """Pieces of a unit too long to quote: from each clause start, the most whole
    clauses that fit in ``room`` characters (a clause longer than that is cut at a
    word), so a window ends where a clause ends and keeps the figure at its end."""
    text, base = unit.span.text, unit.span.start
    bounds = [m.end() for m in _WINDOW_START.finditer(text)]
    starts = [0] + bounds
    ends = [m.start() for m in _WINDOW_START.finditer(text)] + [len(text)]
    out: list[Candidate] = []
    for start in starts:
        fitting = [e for e in ends if start < e <= start + room]
        if fitting:
            end = fitting[-1]
        else:
            piece = text[start: start + room]
            end = start + (piece.rfind(" ") if " " in piece else len(piece))
        piece = text[start:end].rstrip(" ,;:")
        if len(piece) < 12:
            continue
        out.append(Candidate(unit.hit, unit.rank, Span(piece, base + start, base + start + len(piece)), "window",
                             (unit.context + " " + text).strip(), unit.before + text[:start], reads=unit.reads,
                             document_year=unit.document_year,
                             cut_off=unit.cut_off and start + len(piece) >= len(text.rstrip(" ,;:"))))
    return out


def _units(hit: Hit, document_text: str, rank: int) -> list[Candidate]:
    chunk = hit.chunk
    text = chunk.text
    found: list[Candidate] = []
    head_end, document_title = head(document_text)
    head_start = title_block(document_text).start if document_title else 0
    title = document_title if chunk.start < head_end else ""
    named = set(years(document_title)) if document_title else set()
    year = next(iter(named)) if len(named) == 1 else None  # ``Candidate.document_year``
    cut_at = document_cut_at(document_text) - chunk.start  # in the chunk's offsets; past its end if none
    pos = 0
    for raw in text.split("\n"):
        line_start = pos
        pos += len(raw) + 1
        line = raw.strip()
        if not line:
            continue
        begin = line_start + raw.index(line[0])
        line_span = Span(line, begin, begin + len(line))
        if title and head_start <= chunk.start + begin < head_end:
            found.append(Candidate(hit, rank, line_span, "line", title, "", in_title_block=True))
            continue
        if document_title and (is_signature_line(line) or is_attached_number_line(line)):
            # the closing block says who signed the document; a later number line numbers what it attaches
            found.append(Candidate(hit, rank, line_span, "line", document_title, "", in_title_block=True))
            continue
        before = _paragraph_before(document_text, chunk.start + begin)
        lead = lead_ins(document_text).get(chunk.start + begin)
        own = " ".join(filter(None, (document_title if document_title and names_own_document(line) else "",
                                     referred_text(document_text, chunk.start + begin, line))))
        if lead is not None:
            found.append(Candidate(hit, rank, line_span, "item", lead, before, reads=own, document_year=year,
                                   cut_off=line_span.end >= cut_at))
        else:
            found.append(Candidate(hit, rank, line_span, "line", "", before, reads=own, document_year=year,
                                   cut_off=line_span.end >= cut_at))
        parts = sentences(line, offset=begin)
        for sentence in parts:
            sentence_before = before + text[begin: sentence.start]
            if len(parts) > 1:
                found.append(Candidate(hit, rank, sentence, "sentence", "", sentence_before,
                                       reads=after_antecedent(own, line[: sentence.start - begin]), document_year=year,
                                       cut_off=sentence.end >= cut_at))
            pieces = clauses(sentence)
            if len(pieces) > 1:
                for clause in pieces:
                    found.append(Candidate(hit, rank, clause, "clause", sentence.text,
                                           before + text[begin: clause.start], reads=own, document_year=year,
                                           cut_off=clause.end >= cut_at))
    return found


#: What a finished text may end with: a full stop, a closing mark, a colon or a semicolon
#: (a list's last item). A letter or a figure is where an excerpt cut at a length stops.
_FINISHED = re.compile(r"[.!?…:;”\"')\]»>]\s*$")


@lru_cache(maxsize=256)
def document_cut_at(document_text: str) -> int:
    """Where the document's text stops mid-sentence, or past its end when it ends as a
    finished text does (``_FINISHED``).

    Rule (an excerpt cut at a length): the plan excerpts are the first few thousand
    characters of a page, cut inside a word ("… tỷ lệ thanh toán học phí, viện phí không
    dùng tiền mặt đạt tr"); the unit the cut falls in has lost what it went on to say, often
    the very figure a question asks for (``reader.cut_off``)."""
    end = len(document_text.rstrip())
    return end + 1 if end == 0 or _FINISHED.search(document_text[:end]) else end


def after_antecedent(own: str, previous: str) -> str:
    """What a sentence is read with: what it names as its own (``own``) and the sentences
    before it in its paragraph (``previous``).

    Rule (a sentence is read after those before it): a paragraph names its subject once
    and then refers back to it ("… đưa vào vận hành hệ thống thông tin giải quyết thủ tục
    hành chính mới. … Hệ thống mới … đã tiếp nhận 121.355 hồ sơ"; "Tuần lễ Đổi mới sáng tạo
    và Chuyển đổi số TP. HCM 2022 … Tuần lễ được tổ chức theo Kế hoạch 3262/KH-UBND"). Read
    alone, the sentence that answers lacks the subject's words the question repeats, and
    the sentence naming the subject outranks it. Only ``context_coverage`` reads it (a window
    is read with its whole line already); the kind of answer is still sought in the
    sentence and its own context."""
    return " ".join(filter(None, (own, previous)))


#: A document naming itself: "Nghị định này", "Thông tư này", "Quyết định này", "Quy chế
#: này" (the types of ``official_documents.json``, as written in running text).
_OWN_DOCUMENT = re.compile(r"\b(?:" + "|".join(sorted((re.escape(t.lower().capitalize()) + "|" + re.escape(t.lower())
                                                       for t in DOCUMENT_TYPES), key=len, reverse=True))
                           + r")\s+này\b")


def names_own_document(line: str) -> bool:
    """Rule (a document naming itself): a line that says "Nghị định này", "Quyết định này",
    "Quy chế này" is about the document it is in ("1. Nghị định này có hiệu lực thi hành từ
    ngày 01 tháng 5 năm 2026"), which a question names by its title ("Nghị định xử phạt …
    trong lĩnh vực định danh điện tử có hiệu lực từ ngày nào?"): its units are read with the
    document's title (``Candidate.reads``, which the reader's ``context_coverage`` reads),
    never quoted with it."""
    return bool(_OWN_DOCUMENT.search(line))


def _paragraph_before(document_text: str, offset: int) -> str:
    """The text of the document paragraph before ``offset`` (blank lines part them), after
    the paragraph it goes on from (``paragraph_before``)."""
    start = document_text.rfind("\n\n", 0, offset)
    start = start + 2 if start >= 0 else 0
    return paragraph_before(document_text, start) + document_text[start: offset]


@lru_cache(maxsize=1)
def _continuation() -> re.Pattern[str]:
    """The openers of ``qa/data/continuation_openers.txt``, at a paragraph's start."""
    openers = [fold(opener).lower() for _, (opener,) in read_rows("continuation_openers.txt", 1)]
    return re.compile(rf"(?:{alternation(openers)})\b")


#: The marks of a photo caption: a credit in brackets ("(Ảnh: Hoàng Ngà/TTXVN)", "(Photo: …)")
#: and a label ("Ảnh minh họa", "Ảnh: …"); the reader's ``caption`` feature and a
#: continuation (``paragraph_before``) read them.
PHOTO_CREDIT = r"\((?:ảnh|nguồn ảnh|photo)\s*:[^)]*\)"
PHOTO_LABEL = r"\bảnh\s*(?:minh họa|minh hoạ|:)"
#: A photo caption paragraph, which a continuation skips: one ending with a credit
#: ("… (Ảnh: Báo Bà Rịa- Vũng Tàu)") or opening with a label.
_CAPTION_PARAGRAPH = re.compile(rf"{PHOTO_CREDIT}\s*$|^{PHOTO_LABEL}", re.IGNORECASE)


def paragraph_before(document_text: str, start: int) -> str:
    """The paragraph a paragraph starting at ``start`` goes on from, with a blank line, when
    it opens with a connective (``continuation_openers.txt``: "Cùng với đó", "Bên cạnh đó",
    "Theo đó", "In addition"); else "". Photo captions between them are skipped.

    Rule (a paragraph that goes on from the one before): a news page states a plan's year
    and framing once ("… tỉnh đặt mục tiêu đến năm 2025 đạt 90% dịch vụ công trực tuyến …")
    and goes on in a new paragraph ("Cùng với đó, 100% giao dịch … Kinh tế số chiếm trên
    20% GRDP"). Read alone, that paragraph's targets were about no year, and a question on
    the 2025 target refused them as figures reached (``status_for_target``)."""
    if not _continuation().match(fold(document_text[start: start + 40]).lower()):
        return ""
    end = start
    while end > 0:
        previous = document_text.rfind("\n\n", 0, max(0, end - 2))
        begin = previous + 2 if previous >= 0 else 0
        paragraph = document_text[begin: max(begin, end - 2)].strip()
        if paragraph and not _CAPTION_PARAGRAPH.search(paragraph):
            return paragraph + "\n\n"
        if begin == 0:
            return ""
        end = begin
    return ""
