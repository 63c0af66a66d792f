"""Chunking: passages of whole sentences that keep their span in the document.

Plans state one target per sentence or clause, so a chunk never cuts a sentence.
Consecutive short paragraphs are packed together up to ``max_chars``; a heading
(a short line with no closing punctuation) always opens a new chunk, so it travels
with the section it announces and not with the end of the previous one; a paragraph longer than that is cut into windows of
sentences that overlap by ``overlap`` sentences, so a target near a cut is still
whole in one chunk.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .text import Span, is_heading, sentences
from .types import Chunk, Document

#: Bump when chunk boundaries change: an index built by another version is rebuilt.
CHUNKER_VERSION = "sentences-headings-2"

_PARAGRAPH = re.compile(r"[^\n]+(?:\n(?!\n)[^\n]+)*")


def paragraphs(text: str) -> list[Span]:
    """Paragraphs of a cleaned document (separated by blank lines), with offsets."""
    return [Span(m.group(0), m.start(), m.end()) for m in _PARAGRAPH.finditer(text)]


def chunk_document(doc: Document, max_chars: int = 600, overlap: int = 1, first_id: int = 0) -> list[Chunk]:
    """Split a document into chunks; ids are numbered from ``first_id``."""
    if max_chars < 50:
        raise ValueError("max_chars must be at least 50")
    if overlap < 0:
        raise ValueError("overlap must be 0 or more")
    spans = list(_chunk_spans(doc.text, max_chars, overlap))
    return [
        Chunk(chunk_id=first_id + i, doc_id=doc.doc_id, text=doc.text[s:e], start=s, end=e)
        for i, (s, e) in enumerate(spans)
    ]


def _chunk_spans(text: str, max_chars: int, overlap: int) -> Iterable[tuple[int, int]]:
    pending: tuple[int, int] | None = None  # packed short paragraphs
    for para in paragraphs(text):
        if para.end - para.start > max_chars:
            if pending:
                yield pending
                pending = None
            yield from _sentence_windows(para, max_chars, overlap)
        elif pending and para.end - pending[0] <= max_chars and not is_heading(para.text):
            pending = (pending[0], para.end)
        else:
            if pending:
                yield pending
            pending = (para.start, para.end)
    if pending:
        yield pending


def _sentence_windows(para: Span, max_chars: int, overlap: int) -> Iterable[tuple[int, int]]:
    """Windows of whole sentences of one long paragraph, overlapping by ``overlap``."""
    sents = sentences(para.text, offset=para.start)
    i = 0
    while i < len(sents):
        j = i + 1
        while j < len(sents) and sents[j].end - sents[i].start <= max_chars:
            j += 1
        yield sents[i].start, sents[j - 1].end
        if j >= len(sents):
            break
        i = max(i + 1, j - overlap)
