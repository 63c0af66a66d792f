"""Storage back ends: where retrieval's dense and BM25 searches run.

Two back ends serve the same questions through one interface, ``SearchBackend``:

- ``LocalBackend`` (the default): the index folder's FAISS vectors and bm25s matrices,
  searched in this process. Embedded, offline, fastest on one machine.
- ``MilvusBackend`` (``qa/indexing/milvus_backend.py``): one Milvus collection through
  ``pymilvus``, chosen by setting ``QA_MILVUS_URI``: a path ending in ``.db`` runs
  embedded Milvus Lite, ``http://host:19530`` talks to a Milvus server, with the same
  client code. Nothing else changes.

A back end only finds candidates: each search returns ``{chunk id: score}`` (the chunk
id is the chunk's position in ``Index.chunks``). Fusion, the year bonus and everything
after them stay in ``qa.retrieval.retrieve``, so both back ends rank by the same rules.

The index folder stays the catalogue on either back end: documents, the chunk table,
the BM25 statistics the reader weighs words with, and the spelling dictionary are read
from it. ``WritableBackend`` adds the per-document upsert and delete that a back end
kept outside the index folder needs in order to follow the folder's incremental
updates. The local back end needs neither: ``qa.indexing.index.open_index`` writes a new build
for every change, keeping unchanged documents' chunks and vectors.

>>> from qa.indexing.backend import LocalBackend, SearchFilter   # doctest: +SKIP
>>> backend = LocalBackend(index)                           # doctest: +SKIP
>>> backend.sparse(["thanh_toan"], 5, SearchFilter(provinces=("Hà Tĩnh",)))  # doctest: +SKIP
{12: 7.31, 40: 5.02}
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from qa.indexing import vectors as vector_index
from qa.errors import BackendError

if TYPE_CHECKING:  # the index module imports nothing from here; only types are needed
    from qa.config import Settings
    from qa.indexing.index import Index, Progress
    from qa.types import Chunk, Document

#: Questions whose BM25 scores of every chunk the local back end keeps: a comparison or
#: a "which province" look-up searches the same terms two or three times (the answer's
#: passages, every province's, the winner's), and at 100k chunks one scoring pass costs
#: 5-8 ms. Each kept question holds 4 bytes a chunk (400 kB at 100k chunks).
BM25_SCORES_KEPT = 4

#: REUSE_DENSE_WHEN_CUT_IS_CLEAR: the local back end answers a dense search of k chunks
#: with the first k of its last search when that was on the same vector and filter, went
#: further, and its k-th score is above its (k+1)-th, so that no chunk with an equal
#: score was cut (FAISS's choice among equal scores depends on k). A comparison or a
#: "which province" look-up ranks every province first (k = 50 per province) and then its
#: own passages (k = 50): the second search then scans no vector (11 ms at 100k chunks).
#: Results are ordered by score, equal scores by chunk id, so that both give the same.

#: A search's result: chunk id -> score (cosine for dense, BM25 for sparse), best first.
Scores = dict[int, float]
#: The same as two arrays, chunk ids (int64) and scores (float64), in the dict's order.
Ranked = tuple[np.ndarray, np.ndarray]


@dataclass(frozen=True)
class SearchFilter:
    """Which chunks a search may return: those of a document about one of ``provinces``
    (empty: any province) that name one of ``years`` (empty: any year, or none)."""

    provinces: tuple[str, ...] = ()
    years: tuple[int, ...] = ()

    @property
    def restricts(self) -> bool:
        """Whether the filter leaves out any chunk at all."""
        return bool(self.provinces or self.years)


#: The filter that lets every chunk through.
ANY = SearchFilter()


class SearchBackend(ABC):
    """Dense and BM25 search over an index's chunks, with province and year filters."""

    #: Short name shown in reports ("local", "milvus").
    name: str = ""

    @abstractmethod
    def dense(self, vector: np.ndarray, k: int, where: SearchFilter = ANY) -> Scores:
        """The ``k`` chunks whose vectors have the highest inner product with ``vector``
        (cosine: vectors are normalised), among those ``where`` lets through."""

    @abstractmethod
    def sparse(self, terms: Sequence[str], k: int, where: SearchFilter = ANY) -> Scores:
        """The ``k`` best BM25 scores (``qa.indexing.bm25``) for a question's terms, each counted as
        often as it occurs; chunks that share no term with the question are left out."""

    def hybrid(self, vector: np.ndarray, terms: Sequence[str], k: int,
               where: SearchFilter = ANY) -> tuple[Scores, Scores]:
        """Both candidate lists of a hybrid search (dense, sparse), for ``qa.retrieval.retrieve`` to fuse."""
        return self.dense(vector, k, where), self.sparse(terms, k, where)

    def hybrid_ranked(self, vector: np.ndarray, terms: Sequence[str], k: int,
                      where: SearchFilter = ANY) -> tuple[Ranked, Ranked]:
        """``hybrid`` as arrays (``Ranked``), what ``qa.retrieval.retrieve`` fuses."""
        dense, sparse = self.hybrid(vector, terms, k, where)
        return ranked(dense), ranked(sparse)


def ranked(scores: Scores) -> Ranked:
    """A search's result as arrays of chunk ids and scores, in its order."""
    return (np.fromiter(scores, np.int64, len(scores)),
            np.fromiter(scores.values(), np.float64, len(scores)))


class WritableBackend(SearchBackend):
    """A back end kept apart from the index folder, updated one document at a time."""

    @abstractmethod
    def upsert_document(self, document: "Document", chunks: Sequence["Chunk"], vectors: np.ndarray) -> None:
        """Store a document's chunks (with their vectors, one row each, in the chunks'
        order), replacing whatever was stored for it before, and nothing else."""

    @abstractmethod
    def delete_document(self, doc_id: str) -> None:
        """Remove every chunk of a document (nothing happens when none is stored)."""


class LocalBackend(SearchBackend):
    """The index folder's own FAISS vectors and bm25s matrices, searched in this process.

    >>> backend = LocalBackend(index)                             # doctest: +SKIP
    >>> backend.dense(vector, 50, SearchFilter(years=(2025,)))    # doctest: +SKIP
    """

    name = "local"

    def __init__(self, index: "Index") -> None:
        self.index = index
        self.tables = index.tables  # each chunk's province and years, shared with the retriever
        self._bm25_scores = lru_cache(maxsize=BM25_SCORES_KEPT)(self._score)
        self._last_dense: _DenseResult | None = None  # the last dense search made, for the next one

    def dense(self, vector: np.ndarray, k: int, where: SearchFilter = ANY) -> Scores:
        return _scores(self._dense(vector, k, self._allowed(where)))

    def sparse(self, terms: Sequence[str], k: int, where: SearchFilter = ANY) -> Scores:
        return _scores(self._sparse(terms, k, self._allowed(where)))

    def hybrid(self, vector: np.ndarray, terms: Sequence[str], k: int,
               where: SearchFilter = ANY) -> tuple[Scores, Scores]:
        dense, sparse = self.hybrid_ranked(vector, terms, k, where)
        return _scores(dense), _scores(sparse)

    def hybrid_ranked(self, vector: np.ndarray, terms: Sequence[str], k: int,
                      where: SearchFilter = ANY) -> tuple[Ranked, Ranked]:
        """``hybrid`` as arrays, made without dicts: a comparison ranks thousands of
        candidates (k = 50 per province), and a dict per list, read back into arrays
        for fusion, cost more than a millisecond a search at 100k chunks."""
        allowed = self._allowed(where)  # once for both searches
        return self._dense(vector, k, allowed), self._sparse(terms, k, allowed)

    def _dense(self, vector: np.ndarray, k: int, allowed: np.ndarray | None) -> Ranked:
        n = self.index.vectors.ntotal
        k = min(k, n if allowed is None else len(allowed))
        if k <= 0:
            return _NONE
        key = (np.ascontiguousarray(vector, dtype=np.float32).tobytes(), None if allowed is None else allowed.tobytes())
        found = _first_of(self._last_dense, key, k)
        if found is None:
            scores, ids = vector_index.search(self.index.vectors, vector, k, allowed)
            order = np.lexsort((ids, -scores))  # best first, equal scores by chunk id, whatever k
            found = self._last_dense = _DenseResult(key, scores[order], ids[order])
        ids, scores = found.ids[:k], found.scores[:k]
        kept = ids >= 0  # (FAISS pads with -1 when fewer chunks are allowed)
        return ids[kept].astype(np.int64), scores[kept].astype(np.float64)

    def _sparse(self, terms: Sequence[str], k: int, allowed: np.ndarray | None) -> Ranked:
        scores = self._bm25_scores(tuple(terms))
        if allowed is not None:
            masked = np.full_like(scores, -np.inf)
            masked[allowed] = scores[allowed]
            scores = masked
        k = min(k, len(scores))
        if k <= 0:
            return _NONE
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[scores[top] > 0]
        return top.astype(np.int64), scores[top].astype(np.float64)

    def _score(self, terms: tuple[str, ...]) -> np.ndarray:
        """Every chunk's BM25 score for the terms, read-only (kept for the next search)."""
        scores = self.index.bm25.scores(list(terms))
        scores.flags.writeable = False
        return scores

    def _allowed(self, where: SearchFilter) -> np.ndarray | None:
        """The sorted chunk ids the filter lets through (None: every chunk)."""
        mask = self.tables.province_mask(where.provinces) if where.provinces else None
        if where.years:
            naming = self.tables.year_mask(where.years)
            mask = naming if mask is None else mask & naming
        if mask is None or mask.all():
            return None  # a filter that lets every chunk through is no filter (a comparison across the collection)
        return np.flatnonzero(mask)


#: No candidates (read-only: shared by every empty result).
_NONE: Ranked = (np.zeros(0, dtype=np.int64), np.zeros(0))
for _empty in _NONE:
    _empty.flags.writeable = False


def _scores(found: Ranked) -> Scores:
    """``Ranked`` arrays as a search's result dict (Python ints and floats, in order)."""
    return dict(zip(found[0].tolist(), found[1].tolist()))


@dataclass(frozen=True)
class _DenseResult:
    """A dense search's chunk ids and scores, best first, and what it searched with
    (the question vector's and the allowed ids' bytes)."""

    key: tuple[bytes, bytes | None]
    scores: np.ndarray
    ids: np.ndarray


def _first_of(kept: _DenseResult | None, key: tuple[bytes, bytes | None], k: int) -> _DenseResult | None:
    """``kept`` when its first ``k`` chunks are what a search of ``k`` on ``key`` returns
    (REUSE_DENSE_WHEN_CUT_IS_CLEAR), else None."""
    if kept is None or kept.key != key or len(kept.ids) < k:
        return None
    if len(kept.ids) > k and not kept.scores[k - 1] > kept.scores[k]:
        return None  # equal scores across the cut: which of them FAISS keeps depends on k
    return kept


def open_backend(settings: "Settings", index: "Index", progress: "Progress | None" = None) -> SearchBackend:
    """The configured back end over ``index``: Milvus when ``settings.milvus_uri`` is set
    (``QA_MILVUS_URI``), brought up to date with the index first; else the local one."""
    if not settings.milvus_uri:
        return LocalBackend(index)
    try:
        from qa.indexing.milvus_backend import MilvusBackend
    except ImportError as exc:
        raise BackendError(
            f"QA_MILVUS_URI is set ({settings.milvus_uri}) but the Milvus client cannot be imported "
            f"({exc}): install it with `pip install 'qa-chuyen-doi-so[milvus]'` (pymilvus and milvus-lite), "
            "or unset QA_MILVUS_URI to search the local index") from exc
    return MilvusBackend.open(settings, index, progress)


__all__ = ["ANY", "LocalBackend", "Ranked", "Scores", "SearchBackend", "SearchFilter", "WritableBackend", "open_backend",
           "ranked"]
