"""Where a legal text's provisions are: the article an offset is in, an article by its
number, a clause or point under its parent, and the text a reference points to.

Laws, decrees and the regulations a decision issues are numbered "Điều 5." › "2." › "b)", and
refer to their own provisions by those numbers ("điểm b khoản 2 Điều này"). The outline of
``qa.documents.structure`` gives the blocks with their numbering and depth; these lookups
walk it, for the reader (a unit read with what it refers to: ``referred_text``) and for
questions naming a provision (``qa.answering.provisions``).
"""

from __future__ import annotations

import re

from qa.documents.structure import Block, parse


#: A reference to a clause or point of the same document: "điểm b khoản 2 Điều này",
#: "khoản 2 và khoản 3 Điều này", "khoản 4 Điều 4 Nghị định này", "khoản 2 Điều 5" (an
#: article number followed by another document's name, "Điều 5 Luật Căn cước", is not one).
_REFERENCE = re.compile(
    r"(?:\bđiểm\s+(?P<point>[a-zđ])\s+)?\bkhoản\s+(?P<clause>\d{1,2})(?:\s*(?:,|và)\s*(?:khoản\s+)?(?P<clause2>\d{1,2}))?"
    r"\s+Điều\s+(?:(?P<this>này)\b|(?P<article>\d{1,3})\b(?!\s+(?:của\s+)?(?:Luật|Bộ luật|Nghị định|Thông tư|Quyết định"
    r"|Nghị quyết|Quy chế|Quy định|Pháp lệnh)\b(?!\s+này)))")


def referred_text(document_text: str, offset: int, line: str) -> str:
    """The text of the clauses and points of its own document that the line at ``offset``
    refers to ("" when it refers to none, or they are not found).

    Rule (a reference is read with what it refers to): a regulation names the act a
    sanction applies to by reference: "3. Hình thức xử phạt bổ sung:" / "Đình chỉ hoạt
    động … từ 01 tháng đến 03 tháng đối với hành vi vi phạm quy định tại điểm b khoản 2
    Điều này", where point b of clause 2 reads "Tiếp tục cung cấp dịch vụ trong thời gian
    bị đình chỉ hoạt động". A question names the act, not the reference; the unit is read
    with the text referred to (``Candidate.reads``), which it never quotes. "Điều này" is
    the article the line is in; "Điều 5" (alone or "Điều 5 Nghị định này") an article of
    the same document; a point is looked up under its clause, a clause under its article."""
    if "khoản" not in line:
        return ""
    found = []
    for m in _REFERENCE.finditer(line):
        blocks, text = parse(document_text), document_text
        if m.group("this"):
            article = article_at(blocks, text, offset)
        else:
            article = article_numbered(blocks, offset, m.group("article"))
        if article is None:
            continue
        for number in filter(None, (m.group("clause"), m.group("clause2"))):
            clause = child(blocks, article, number)
            if clause is None:
                continue
            point = child(blocks, clause, m.group("point")) if m.group("point") and not m.group("clause2") else None
            target = blocks[point if point is not None else clause]
            found.append(" ".join(text[target.start:target.end].split()))
    return " ".join(found)


def article_at(blocks: list[Block], text: str, offset: int) -> int | None:
    """The article ("Điều N.") block the offset is in."""
    at = None
    for i, b in enumerate(blocks):
        if b.start > offset:
            break
        if b.numbering.lower().startswith("điều"):
            at = i
    return at


def article_number(block: Block) -> str | None:
    """The number of an article block ("Điều 12." -> "12"), else None."""
    if not block.numbering.lower().startswith("điều"):
        return None
    words = block.numbering.rstrip(".:").split()
    return words[-1] if len(words) > 1 else None


def article_numbered(blocks: list[Block], offset: int, number: str) -> int | None:
    """Article ``number`` of the part of the document the offset is in: a decision issuing
    a regulation numbers its own articles "Điều 1." to "Điều 3." and the regulation it
    issues starts again at "Điều 1.", so a part starts at each "Điều 1." and a reference
    from inside the regulation is to the regulation's article."""
    starts = [i for i, b in enumerate(blocks) if article_number(b) == "1"] or [0]
    here = max((i for i in starts if blocks[i].start <= offset), default=starts[0])
    after = min((i for i in starts if i > here), default=len(blocks))
    found = next((i for i in range(here, after) if article_number(blocks[i]) == number), None)
    # not in the offset's part (a question asked from the decision about its regulation): the first that has it
    return found if found is not None else next((i for i, b in enumerate(blocks) if article_number(b) == number), None)


def child(blocks: list[Block], parent: int, number: str) -> int | None:
    """The block under ``parent`` (at any depth, before the next block at its level) numbered
    ``number``, written "2." or "2)" (a clause), "b)" or "b." (a point)."""
    level = blocks[parent].level
    for i in range(parent + 1, len(blocks)):
        if blocks[i].level <= level and blocks[i].kind != "title":
            return None
        if blocks[i].numbering in (f"{number}.", f"{number})"):
            return i
    return None
