"""The one entry point the CLI, the Streamlit app and the benchmark runner all call.

>>> from qa.pipeline import Assistant
>>> assistant = Assistant.open()            # builds ./index on first use
>>> answer = assistant.ask("What is Hà Tĩnh's 2025 e-payment target?")
>>> answer.citations[0].province
'Hà Tĩnh'
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from qa.answering.candidates import read_outlines
from qa.answering.answer import (best_province, compose, compose_comparison, idf_function, province_evidence,
                                 stated_figures, trusted_limit)
from qa.indexing.backend import open_backend
from qa.config import MODES, Settings, load_settings
from qa.answering.conversation import prepare
from qa.indexing.embed import load_embedder
from qa.errors import BadQuestionError
from qa.answering.generator import rewrite
from qa.indexing.index import Progress, open_index
from qa.indexing.unit_vectors import semantic
from qa.answering.intents import comparison_table
from qa.answering.reader import asks_target
from qa.retrieval.acronyms import defined_acronyms
from qa.retrieval.provinces import (Holdings, canonical, in_scope, old_names_marked, one_territory, successor,
                                    successors_after_merger, successors_when_silent)
from qa.retrieval.query import Query, analyse
from qa.retrieval.retrieve import PASSAGES_PER_PROVINCE, Retriever
from qa.text import normalize, years
from qa.types import Answer, Citation, Document, Hit, mark_cited


def _target_today(query: Query) -> bool:
    """The question asks for a target and names no year: today's, which an old province's
    successor sets (``provinces._today_asked``)."""
    return not query.years and asks_target(query)


@dataclass(frozen=True)
class DocumentInfo:
    """What the sidebar lists about an indexed document."""

    doc_id: str
    title: str
    province: str | None
    date: str | None
    source: str | None
    n_chunks: int
    # Characters cleaning removed from the loaded text, and how many it kept: a
    # silent loss of content shows in the index report.
    removed_chars: int = 0
    kept_chars: int = 0


class Assistant:
    """Answers questions over an index; load once, ask many times (thread-safe reads)."""

    def __init__(self, settings: Settings, progress: Progress | None = None) -> None:
        self.settings = settings
        self.embedder = load_embedder(settings.model, settings.device, settings.embed_batch)
        self.index = open_index(settings, self.embedder, progress)
        # The local index's files, or Milvus when QA_MILVUS_URI is set (brought up to date first).
        self.backend = open_backend(settings, self.index, progress)
        self.retriever = Retriever(self.index, self.embedder, settings.candidates, settings.dense_weight,
                                   settings.fusion, self.backend)
        self._idf = idf_function(self.index.bm25.document_frequency, self.index.bm25.n_docs)
        self._provinces = tuple(self.retriever.provinces())
        self._held: dict[str, Holdings] = {}
        self._known = lambda term: self.index.bm25.document_frequency(term) > 0
        read_outlines(d.text for d in self.index.documents.values())  # not on the first questions' time
        # The acronyms the collection defines ("Chương trình tài năng (CTTN)"): a question is
        # searched with the other form too (qa.retrieval.acronyms).
        self.acronyms = defined_acronyms(d.text for d in self.index.documents.values())

    def analyse(self, text: str) -> Query:
        """A question read against this collection: its spellings, its terms, its acronyms,
        and the plans it holds (``_one_plan_compared``). Every question the conversation
        reads is read here (a follow-up, the standalone question it resolves to, the
        previous question), so a follow-up meets the same rules as a question of its own."""
        query = analyse(text, self.index.spellings, self._known, self.acronyms,
                        self.index.bm25.document_frequency)
        if self._one_plan_compared(query):
            query = replace(query, wants_comparison=False)
        return query

    @classmethod
    def open(cls, settings: Settings | None = None, progress: Progress | None = None) -> "Assistant":
        """An assistant on the configured documents, building the index if needed."""
        return cls(settings or load_settings(), progress)

    # ------------------------------------------------------------ catalogue

    def documents(self) -> list[DocumentInfo]:
        counts = {d["doc_id"]: d["n_chunks"] for d in self.index.manifest["documents"].values()}
        return [DocumentInfo(d.doc_id, d.title, d.province, d.date, d.source, counts.get(d.doc_id, 0),
                             d.removed_chars, len(d.text))
                for d in sorted(self.index.documents.values(), key=lambda d: d.doc_id)]

    def provinces(self) -> list[str]:
        return list(self._provinces)

    def _holdings(self, province: str) -> Holdings:
        """What the collection holds of ``province`` (a canonical name), read once per
        province: the years its documents name and their dates, by which an old name
        asked about a later year reaches its successor's plans (``successors_after_merger``)."""
        if province not in self._held:
            docs = [d for d in self.index.documents.values()
                    if d.province and (canonical(d.province) or d.province) == province]
            self._held[province] = Holdings(frozenset(y for d in docs for y in years(d.text)),
                                            tuple(d.date for d in docs))
        return self._held[province]

    def _named_scope(self, query: Query) -> tuple[str, ...]:
        """The provinces of the collection a question about the provinces it names should
        search (``in_scope``, with what the collection holds and the names the question
        marks as old, ``old_names_marked``)."""
        return in_scope(query.provinces, self._provinces, query.years, self._holdings, old_names_marked(query.text),
                        _target_today(query))

    def document(self, doc_id: str) -> Document:
        try:
            return self.index.documents[doc_id]
        except KeyError:
            raise KeyError(f"no indexed document {doc_id!r}") from None

    @property
    def skipped(self) -> dict[str, str]:
        """Files that could not be indexed, with the reason."""
        return dict(self.index.manifest.get("skipped", {}))

    # ------------------------------------------------------------ asking

    def ask(self, question: str, *, history: Sequence[Answer] = (), mode: str | None = None,
            k: int | None = None, province: str | None = None, id: str | None = None) -> Answer:
        """Answer a question with cited passages, or abstain.

        ``history`` holds the conversation's earlier answers, oldest first: a follow-up
        ("and for 2030?") is read against them (``Answer.understood`` says how).
        ``province`` restricts the search to that province's plans (the chat's filter),
        unless the question names another province of the collection.
        """
        started = time.perf_counter()
        text = self._validate(question)
        mode = mode or self.settings.mode
        if mode not in MODES:
            raise BadQuestionError(f"unknown retrieval mode {mode!r}: use one of {', '.join(MODES)}", "bad_mode")
        k = self.settings.top_k if k is None else k
        if k < 1:
            raise BadQuestionError("the number of sources must be at least 1", "bad_k")
        # Conversation and intents (qa/answering/conversation.py, qa/answering/intents.py): a follow-up made
        # standalone, the named province over the filter, replies to greetings,
        # definitions and summaries.
        turn = prepare(self, text, history, province, mode, k,
                       self.analyse)
        query, province = turn.query, turn.province
        if turn.reply is not None:
            reply, abstained, citations, intent = turn.reply
            done = time.perf_counter()
            return Answer(question=question, answer=reply, abstained=abstained,
                          citations=mark_cited(reply, citations), id=id, lang=query.lang, retrieved=turn.hits,
                          timings_ms={"answer": (done - started) * 1000, "total": (done - started) * 1000},
                          understood=turn.understood, intent=intent, notices=turn.notices)
        t_analysed = time.perf_counter()

        # A named province's plans and its predecessors' (qa.retrieval.provinces.scope), as the collection spells them.
        scope = ((in_scope((province,), self._provinces) or (province,)) if province
                 else self._named_scope(query) or None)
        # An old name asked about a year after its merger: its successor's plan names only the new name.
        reached = () if province else successors_after_merger(query.provinces, query.years, self._holdings,
                                                              _target_today(query))
        if reached:
            query = replace(query, dense_text=f"{query.dense_text} ({', '.join(reached)})")
        vector = self.retriever.embed(query) if mode != "bm25" else None
        t_embedded = time.perf_counter()
        # A comparison ranks every province first: the search of its own passages on the
        # same vector is then the start of that ranking's dense search (qa.indexing.backend).
        per_province = self._per_province(query, mode, province, vector)
        hits = self.retriever.search(query, mode, max(k, 10), scope, vector)
        t_retrieved = time.perf_counter()
        hits, result, shape = self._compose(query, mode, k, province, vector, hits, per_province)
        if result[1] and shape == "answer" and not province and per_province is None:
            hits, result, shape = self._successor_when_silent(query, mode, k, hits, result, shape)
        answer_text, abstained, citations = result
        if not abstained and self.settings.generator_url and shape == "answer":
            answer_text = rewrite(answer_text, question, citations, self.settings)
        citations = mark_cited(answer_text, citations)
        done = time.perf_counter()
        timings = {
            "analyse": (t_analysed - started) * 1000,
            "embed": (t_embedded - t_analysed) * 1000,
            "retrieve": (t_retrieved - t_embedded) * 1000,
            "answer": (done - t_retrieved) * 1000,
            "total": (done - started) * 1000,
        }
        return Answer(question=question, answer=answer_text, abstained=abstained, citations=citations,
                      timings_ms=timings, id=id, lang=query.lang, retrieved=hits, understood=turn.understood,
                      intent="abstain" if abstained else shape, notices=turn.notices)

    def _successor_when_silent(self, query: Query, mode: str, k: int, hits: list[Hit],
                               result: tuple[str, bool, list[Citation]], shape: str
                               ) -> tuple[list[Hit], tuple[str, bool, list[Citation]], str]:
        """Rule (an old name its own documents leave unanswered, ``successors_when_silent``):
        a question naming a merged province that its own documents did not answer is asked
        again of its successor's plans dated since the merger, and that answer replaces the
        refusal when it is not one itself. Why: an index of many provinces holds old news
        and plans under the old name beside the successor's current plan. Measured at
        0baf6bc on the 69 floor-check documents indexed together (/tmp/scale_docs): vi2b
        0.444 -> 0.778, pen accuracy as it was but one refusal lost (q060, Vĩnh Phúc's
        end-to-end share, now answered from Phú Thọ's 2026 plan); every dev set, follow-up
        file and floor check on its own collection identical.
        The old name counts as held when its successor's plans are searched (``covered``):
        without it, an old name the collection holds nothing of, asked about a year up to its
        merger ("Hà Giang … năm 2024"), was refused again as a province with no plan, though
        the successor's plan states the old province's figures."""
        reached = successors_when_silent(query.provinces, query.years, self._holdings, _target_today(query))
        scope = in_scope(reached, self._provinces) if reached else ()
        if not scope:
            return hits, result, shape
        again = replace(query, dense_text=f"{query.dense_text} ({', '.join(reached)})")
        vector = self.retriever.embed(again) if mode != "bm25" else None
        found = self.retriever.search(again, mode, max(k, 10), scope, vector)
        more, answered, how = self._compose(again, mode, k, None, vector, found, None, covered=reached)
        return (more, answered, how) if not answered[1] else (hits, result, shape)

    def _one_plan_compared(self, query: Query) -> bool:
        """Rule (one territory is no comparison): the question names a province and its
        old name, or the former provinces of one (``one_territory``: "quang ngai kon tum
        ra soat bao nhieu he thong"), and the collection holds the plans of fewer than two
        of them. Such a question asks one place's figure: read as a comparison, the one
        plan held left too few to compare and every province in the collection was
        compared instead. Where the collection holds each old province's own plan
        ("Bắc Giang và Bắc Ninh" for 2024), the comparison stands."""
        return (query.wants_comparison and one_territory(query.provinces)
                and len(self._named_scope(query)) < 2)

    def _per_province(self, query: Query, mode: str, province: str | None,
                      vector: np.ndarray | None) -> dict[str, list[Hit]] | None:
        """Each province's best hits when the question compares provinces or asks which
        one states something (None for any other question, or when the chat's province
        filter is set). A province counts as inside when the collection holds its plans
        or its predecessors' (a question naming Đà Nẵng is answered from Quảng Nam's plan)."""
        if province:
            return None
        if query.wants_comparison:
            named_inside = self._named_scope(query)
            compared = named_inside if len(named_inside) >= 2 else self._provinces
            return self.retriever.search_per_province(query, mode, PASSAGES_PER_PROVINCE, compared, vector)
        if query.asks_which_province and not query.provinces:
            return self.retriever.search_per_province(query, mode, PASSAGES_PER_PROVINCE, self._provinces, vector)
        return None

    def _compose(self, query: Query, mode: str, k: int, province: str | None, vector: np.ndarray | None,
                 hits: list[Hit], per_province: dict[str, list[Hit]] | None, covered: tuple[str, ...] = ()
                 ) -> tuple[list[Hit], tuple[str, bool, list[Citation]], str]:
        """The answer, by the question's shape: a comparison across provinces (shown
        as a table, shape "comparison"), a "which province …?" look-up, or an ordinary
        question, which may abstain (shape "answer"). ``per_province`` is
        ``_per_province``'s ranking. ``covered``: successors whose plans are searched for
        the old names the question gives (``_successor_when_silent``); an old name merged
        into one of them is no province the collection lacks."""
        named_inside = self._named_scope(query)
        today = _target_today(query)
        missing = tuple(p for p in query.provinces
                        if not in_scope((p,), self._provinces, query.years, self._holdings, target=today)
                        and successor(p) not in covered)
        settings = self.settings
        meaning = semantic(vector, self.index.units)  # one per question: it keeps each chunk's unit vectors
        if per_province is not None and query.wants_comparison:
            found = province_evidence(query, per_province, self.index.documents, self._idf,
                                      meaning)  # read once, used twice
            stated = stated_figures(query, found, self._idf, trusted_limit(settings.abstain_threshold))
            result = compose_comparison(query, per_province, self.index.documents, self._idf,
                                        settings.abstain_threshold, settings.max_answer_chars, stated=stated)
            if result is not None and result[1]:  # no province named states it: nothing to tabulate
                return hits, result, "comparison"
            if result is not None:
                table = comparison_table(query, result, per_province, self.index.documents, self._idf,
                                         settings.max_answer_chars, threshold=settings.abstain_threshold,
                                         stated=stated)
                return hits, table, "comparison"
        elif per_province is not None:
            # "Which province lists energy among its priorities?": each province's best
            # clause competes, and the answer comes from the winner's plan.
            winner = best_province(query, per_province, self.index.documents, self._idf, meaning)
            if winner:
                hits = self.retriever.search(query, mode, max(k, 10), (winner,), vector)
        return hits, compose(query, hits[:k], self.index.documents, self._idf, settings.abstain_threshold,
                             settings.max_answer_chars, missing if not named_inside else (), meaning,
                             chunks_of=self.index.chunks_of, list_chars=settings.max_list_answer_chars), "answer"

    def _validate(self, question: object) -> str:
        if not isinstance(question, str):
            raise BadQuestionError("the question must be text", "not_text")
        text = normalize(question).replace("\n", " ").strip()
        if not text:
            raise BadQuestionError("the question is empty: type a question about the plans", "empty")
        if not any(ch.isalnum() for ch in text):
            raise BadQuestionError("the question has no words: type a question about the plans", "no_words")
        limit = self.settings.max_question_chars
        if len(text) > limit:
            raise BadQuestionError(
                f"the question is {len(text):,} characters long; ask in at most {limit:,} characters",
                "too_long", length=len(text), limit=limit)
        return text
