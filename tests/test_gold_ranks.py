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


class _FakeRetriever:
    """Ranks fixed chunks per mode, as ``Retriever.search`` would."""

    candidates = 50

    def __init__(self, by_mode: dict[str, list[Chunk]]) -> None:
        self._by_mode = by_mode

    def embed(self, query: object) -> None:
        return None

    def search(self, query: object, mode: str, k: int, provinces: object = None, vector: object = None) -> list[Hit]:
        return [Hit(c, 1.0 - n / 10) for n, c in enumerate(self._by_mode[mode][:k])]


def test_why_an_unread_gold_says_what_each_retriever_saw_of_its_chunk() -> None:
    chunks, document = _setting()
    other, opening, rest = chunks
    assistant = _FakeAssistant(chunks, document, "không")
    assistant.analyse = lambda text: SimpleNamespace(bm25_terms=["sinh", "vien", "nop", "don", "nop_don"])
    # BM25 ranks the gold's chunk third, dense similarity not at all; the passage read first
    # is another context's.
    assistant.retriever = _FakeRetriever({"bm25": [other, opening, rest], "dense": [other, opening],
                                          "hybrid": [other, opening, rest]})
    question = {"id": "r5", "question": "?", "answers": ["phải nộp đơn trước ngày 15"], "doc_id": "a.txt"}
    why = gold_ranks.why_unread(assistant, question)
    assert (why["bm25_rank"], why["dense_rank"], why["first_of_context"]) == (3, None, False)
    # The gold's chunk is the second of its context and has no heading path: it lacks its heading.
    assert why["headed"] is False
    # It holds all four of the question's syllables, the first passage only "sinh" and "vien".
    assert (why["words_gold"], why["words_first"]) == (1.0, 0.5)


def test_why_an_unread_gold_in_its_contexts_opening_chunk_has_its_heading() -> None:
    chunks, document = _setting()
    other, opening, rest = chunks
    assistant = _FakeAssistant(chunks, document, "không")
    assistant.analyse = lambda text: SimpleNamespace(bm25_terms=["mien"])
    assistant.retriever = _FakeRetriever({"bm25": [opening], "dense": [rest, opening], "hybrid": [rest]})
    question = {"id": "r6", "question": "?", "answers": ["được miễn học phí"], "doc_id": "a.txt"}
    why = gold_ranks.why_unread(assistant, question)
    assert (why["bm25_rank"], why["dense_rank"], why["first_of_context"], why["headed"]) == (1, 2, True, True)
    # A gold no chunk of its context holds (cut) gets nothing to say.
    cut = {"id": "r7", "question": "?", "answers": ["miễn học phí. Sinh viên phải nộp"], "doc_id": "a.txt"}
    assert gold_ranks.why_unread(assistant, cut) == {}


def test_the_why_table_counts_each_cause_among_the_unread_golds() -> None:
    whys = [{"bm25_rank": 3, "dense_rank": None, "first_of_context": True, "headed": True,
             "words_gold": 0.5, "words_first": 0.8},
            {"bm25_rank": None, "dense_rank": None, "first_of_context": False, "headed": False,
             "words_gold": 0.9, "words_first": 0.8}]
    rows = [{"place": "not retrieved", "contained": False, "why": w} for w in whys]
    rows.append({"place": "rank 1", "contained": True})
    counts = [int(line.split()[-1]) for line in gold_ranks.why_table(rows, read=5).splitlines()]
    assert counts == [2, 1, 0, 1, 1, 1, 1]
