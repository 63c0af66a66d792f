"""eval.gold_ranks: where a span question's gold sits among the passages retrieved."""

from __future__ import annotations

from types import SimpleNamespace

from eval import gold_ranks
from qa.types import Answer, Chunk, Document, Hit


class _FakeAssistant:
    """Answers every question with the same retrieved passages and answer text."""

    def __init__(self, chunks: list[Chunk], document: Document, answer: str) -> None:
        self._chunks, self._answer = chunks, answer
        self.index = SimpleNamespace(chunks_of=lambda doc_id: [c for c in chunks if c.doc_id == doc_id],
                                     documents={document.doc_id: document})

    def ask(self, question: str, id: str | None = None) -> Answer:
        return Answer(question=question, answer=self._answer, abstained=False, citations=[],
                      retrieved=[Hit(c, 1.0 - n / 10) for n, c in enumerate(self._chunks)])


def _setting() -> tuple[list[Chunk], Document]:
    text = "Điều 5. Điều kiện\n\nSinh viên được miễn học phí. Sinh viên phải nộp đơn trước ngày 15."
    document = Document(doc_id="a.txt", title="Điều 5.", text=text)
    cut = text.index("Sinh viên phải")
    other = Chunk(0, "b.txt", "Sinh viên được miễn học phí.", 0, 28)
    return [other, Chunk(1, "a.txt", text[:cut], 0, cut), Chunk(2, "a.txt", text[cut:], cut, len(text))], document


def test_the_rank_counts_only_passages_of_the_golds_own_context() -> None:
    chunks, document = _setting()
    question = {"id": "r1", "question": "?", "answers": ["được miễn học phí"], "doc_id": "a.txt"}
    row = gold_ranks.locate(_FakeAssistant(chunks, document, "“được miễn học phí” [1]"), question)
    assert (row["rank"], row["place"], row["contained"]) == (2, "rank 2-5", True)


def test_a_gold_across_two_chunks_is_cut_and_a_gold_not_copied_is_in_no_text() -> None:
    chunks, document = _setting()
    across = {"id": "r2", "question": "?", "answers": ["miễn học phí. Sinh viên phải nộp"], "doc_id": "a.txt"}
    # A multi-span gold ("#"-joined) whose parts sit in two chunks is cut, like one long span.
    joined = {"id": "r3", "question": "?", "answers": ["miễn học phí#nộp đơn"], "doc_id": "a.txt"}
    absent = {"id": "r4", "question": "?", "answers": ["miễn học phí cho sinh viên"], "doc_id": "a.txt"}
    assistant = _FakeAssistant(chunks, document, "không")
    assert gold_ranks.locate(assistant, across)["place"] == "cut"
    assert gold_ranks.locate(assistant, joined)["place"] == "cut"
    assert gold_ranks.locate(assistant, absent)["place"] == "not in text"


def test_a_gold_held_by_a_chunk_not_retrieved_is_not_retrieved() -> None:
    assert gold_ranks.place(None, True, True) == "not retrieved"
    assert gold_ranks.place(7, False, False) == "rank 6-10"


def test_the_table_counts_long_failing_golds() -> None:
    rows = [{"place": "cut", "contained": False, "long": True},
            {"place": "rank 1", "contained": True, "long": False}]
    lines = gold_ranks.table(rows).splitlines()
    assert lines[0] == "questions 2, containment 0.500"
    assert lines[2].split() == ["rank", "1", "1", "0", "0"]
    assert lines[-2].split() == ["cut", "0", "1", "1"]
