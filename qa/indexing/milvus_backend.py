"""The Milvus back end: an index's chunks in one Milvus collection, through ``pymilvus``.

    QA_MILVUS_URI=./index/plans.db python -m qa ask "…"          # embedded Milvus Lite
    QA_MILVUS_URI=http://milvus:19530 python -m qa ask "…"       # a Milvus server

The same client code talks to both (``pymilvus.MilvusClient``). The index folder is
built and updated as always (``qa.indexing.index``); opening this back end then brings the
collection up to date with it, one document at a time, and searches run in Milvus.

**One row per chunk**: the document id and the chunk's ordinal in its document (which
map a row back to ``Index.chunks``), the document's province and the years the chunk
names (scalar fields, for filters), the document's version, the chunk's dense vector
(exact inner product, ``DENSE_INDEX``) and its BM25 terms as a sparse vector.

**BM25 as client-side sparse vectors.** Milvus Lite 3.2's analyzers have only the
``standard`` and ``jieba`` tokenizers. Measured: ``standard`` splits Vietnamese into
accented syllables and neither folds them nor pairs them ("thanh toan" then matches
"thanh" but not "toán", and "thanh_toan" matches nothing), and Lite's own BM25 uses
per-segment statistics. So each chunk's terms are ``qa.indexing.bm25.terms``, as in the local
index, each stored under a 32-bit hash of the term (``term_id``) with its weight
``qa.indexing.bm25.saturated_tf``; a question sends its terms weighted by ``qa.indexing.bm25.lucene_idf``
(from the index's own counts). Milvus's inner product of the two is then the local BM25
score. Two terms hashed to one id inside one chunk would share a weight: with 2^32 ids
that is rare, and the equal-rankings test would show it.

The length part of the weight depends on the collection's mean chunk length. Rows are
written with the mean of their collection when it was last written whole (``avgdl``);
an update of one document keeps it, so that the other documents' rows stay as they
are, until the true mean has drifted more than ``AVGDL_TOLERANCE`` from it, when every
row is written again.

**Versions.** Each row carries its document's version: a hash of what shapes its rows
(the index's model and rules, the document's text, province and chunk spans). Opening
compares them with the index: a changed document is replaced (its rows deleted, its
new rows inserted), a vanished one deleted, the others left alone. A document's first
chunk is written last, and only a complete document's first chunk is read as present.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from pymilvus import DataType, MilvusClient, MilvusException

from qa.indexing.backend import ANY, Scores, SearchFilter, WritableBackend
from qa.indexing.bm25 import lucene_idf, saturated_tf, terms
from qa.documents.chunking import index_text
from qa.config import Settings
from qa.errors import BackendError
from qa.indexing.index import Index, Progress
from qa.text import years
from qa.types import Chunk, Document

#: Exact search, as the local back end's FAISS ``IndexFlatIP``: the two must rank alike.
DENSE_INDEX = "FLAT"
#: The largest ``limit`` a Milvus search accepts.
MAX_LIMIT = 16_384
#: Rows sent to Milvus per insert request.
INSERT_BATCH = 1_000
#: Relative drift of the mean chunk length (in BM25 terms) from the one the rows were
#: weighted with, above which every row is written again. At 2% a chunk's BM25 score
#: moves by well under 2%.
AVGDL_TOLERANCE = 0.02
#: Years kept per chunk for the year filter (a chunk naming more keeps the first ones).
MAX_YEARS = 64
MAX_DOC_ID_BYTES = 4_096
MAX_PROVINCE_BYTES = 256
#: Sparse dimensions are unsigned 32-bit integers below 2^32 - 1.
TERM_SPACE = 2**32 - 1
#: The manifest entries that shape every row: a change in any one rewrites them all.
SHAPING_KEYS = ("format_version", "model", "dim", "chunking", "cleaning", "tokenizer", "rules")

_OUTPUT = ["doc_id", "ordinal", "version"]


@lru_cache(maxsize=1 << 20)
def term_id(term: str) -> int:
    """The sparse dimension of a BM25 term: the first 4 bytes of its BLAKE2b hash."""
    return int.from_bytes(hashlib.blake2b(term.encode("utf-8"), digest_size=4).digest(), "little") % TERM_SPACE


def chunk_terms(chunk: Chunk) -> list[str]:
    """A chunk's BM25 terms, exactly as ``qa.indexing.bm25.BM25Index.build`` counts them."""
    return terms(index_text(chunk)) or [""]


def chunk_weights(chunk_term_list: Sequence[str], avg_doc_len: float) -> dict[int, float]:
    """A chunk's sparse vector: each distinct term's ``saturated_tf``."""
    length = len(chunk_term_list)
    out: dict[int, float] = {}
    for term, tf in Counter(chunk_term_list).items():
        key = term_id(term)
        out[key] = out.get(key, 0.0) + saturated_tf(tf, length, avg_doc_len)
    return out


def question_weights(query_terms: Sequence[str], document_frequency: Callable[[str], int],
                     n_docs: int) -> dict[int, float]:
    """A question's sparse vector: each known term's ``lucene_idf`` times how often it occurs."""
    out: dict[int, float] = {}
    for term, count in Counter(query_terms).items():
        df = document_frequency(term)
        if df > 0:  # unknown terms are ignored, as BM25Index.scores ignores them
            key = term_id(term)
            out[key] = out.get(key, 0.0) + count * lucene_idf(df, n_docs)
    return out


@dataclass(frozen=True)
class _Stored:
    """What the collection holds about one complete document."""

    version: str
    doc_terms: int
    avgdl: float


class MilvusBackend(WritableBackend):
    """An index's chunks in a Milvus collection (Milvus Lite or a server).

    >>> settings = load_settings(milvus_uri="./index/plans.db")     # doctest: +SKIP
    >>> backend = MilvusBackend.open(settings, index)               # doctest: +SKIP
    >>> backend.sparse(["thanh_toan"], 5, SearchFilter(provinces=("Hà Tĩnh",)))  # doctest: +SKIP
    """

    name = "milvus"

    def __init__(self, client: MilvusClient, collection: str, index: Index) -> None:
        self.client = client
        self.collection = collection
        self.index = index
        self.avgdl = 0.0  # the mean chunk length the rows are weighted with (0: no rows yet)
        self._fingerprint = json.dumps({k: index.manifest.get(k) for k in SHAPING_KEYS}, sort_keys=True)
        self._chunk_ids: dict[str, list[int]] = {}
        self._versions: dict[str, str] = {}
        #: What the last ``sync`` did (see there).
        self.last_sync: dict[str, int] = {}
        for chunk in index.chunks:
            self._chunk_ids.setdefault(chunk.doc_id, []).append(chunk.chunk_id)

    # ------------------------------------------------------------ opening

    @classmethod
    def open(cls, settings: Settings, index: Index, progress: Progress | None = None) -> "MilvusBackend":
        """Connect to ``settings.milvus_uri`` and bring the collection up to date with ``index``
        (``settings.read_only``: only check that it is, ``check``)."""
        uri = settings.milvus_uri or ""
        if uri.endswith(".db") and not settings.read_only:  # Milvus Lite keeps its data in this path
            Path(uri).expanduser().parent.mkdir(parents=True, exist_ok=True)
        try:
            client = MilvusClient(uri=uri, token=settings.milvus_token or "")
            backend = cls(client, settings.milvus_collection, index)
            if settings.read_only:
                backend.check()
            else:
                backend.sync(progress)
        except MilvusException as exc:
            busy = (" A Milvus Lite file serves one process at a time: stop the other process using it, or "
                    "run a Milvus server for several.") if uri.endswith(".db") else ""
            raise BackendError(f"Milvus at {uri} refused a request ({exc}).{busy} Check QA_MILVUS_URI, or unset "
                               "it to search the local index") from exc
        except ConnectionError as exc:
            raise BackendError(f"cannot reach Milvus at {uri} ({exc}): start the server, fix QA_MILVUS_URI, "
                               "or unset it to search the local index") from exc
        return backend

    def sync(self, progress: Progress | None = None) -> dict[str, int]:
        """Make the collection hold exactly the index's chunks; returns how many documents
        were written, deleted and kept, and whether every row was written again (``whole``)."""
        dim = int(self.index.manifest.get("dim") or self.index.vectors.d)
        if self.client.has_collection(self.collection) and self._dimension() != dim:
            self.client.drop_collection(self.collection)  # another model: nothing is reusable
        if not self.client.has_collection(self.collection):
            self._create(dim)
        else:
            self.client.load_collection(self.collection)
        wanted = {doc_id: self._version(doc_id) for doc_id in self._chunk_ids}
        stored = self._stored()
        fresh = [d for d in wanted if d not in stored or stored[d].version != wanted[d]]
        gone = [d for d in stored if d not in wanted]
        fresh_terms = {d: [chunk_terms(self.index.chunks[i]) for i in self._chunk_ids[d]] for d in fresh}
        kept_terms = sum(stored[d].doc_terms for d in wanted if d not in fresh_terms)
        total = kept_terms + sum(len(t) for ts in fresh_terms.values() for t in ts)
        mean = total / max(1, len(self.index.chunks))
        previous = next(iter(stored.values())).avgdl if stored else 0.0
        whole = not previous or abs(mean / previous - 1.0) > AVGDL_TOLERANCE
        if whole:
            # A new collection, or the rows' weights would drift too far from BM25: write every row.
            self.client.drop_collection(self.collection)
            self._create(dim)
            fresh, gone = list(wanted), []
            fresh_terms = {d: [chunk_terms(self.index.chunks[i]) for i in self._chunk_ids[d]] for d in fresh}
        self.avgdl = mean if whole else previous
        for doc_id in gone:
            self._delete(doc_id)
        self._write(fresh, fresh_terms, wanted, progress)
        if fresh or gone:
            self._seal()
        self._versions = wanted
        self.last_sync = {"written": len(fresh), "deleted": len(gone), "kept": len(wanted) - len(fresh),
                          "whole": int(whole)}
        return self.last_sync

    def check(self) -> None:
        """Search the collection as it is, writing nothing (replicas, ``QA_READ_ONLY``): it
        must hold exactly the index's chunks, as ``python -m qa index`` leaves it.

        Several replicas syncing one collection at once could each drop and rewrite it
        (``sync`` rewrites every row when the mean chunk length drifts), so replicas only
        read, and a collection that is missing or behind the index is a ``BackendError``.
        """
        dim = int(self.index.manifest.get("dim") or self.index.vectors.d)
        wanted = {doc_id: self._version(doc_id) for doc_id in self._chunk_ids}
        if self.client.has_collection(self.collection) and self._dimension() == dim:
            self.client.load_collection(self.collection)
            stored = self._stored()
            behind = [d for d in wanted if d not in stored or stored[d].version != wanted[d]]
            behind += [d for d in stored if d not in wanted]
        else:
            stored, behind = {}, list(wanted)
        if behind:
            raise BackendError(
                f"the Milvus collection {self.collection} does not hold this index's chunks ({len(behind)} of "
                f"{len(wanted)} documents missing, old or extra), and QA_READ_ONLY is set, so this process does not "
                f"write it: run `python -m qa index` once with the same QA_MILVUS_URI and QA_INDEX_DIR (without "
                "QA_READ_ONLY), then start the chat again")
        self.avgdl = next(iter(stored.values())).avgdl if stored else 0.0
        self._versions = wanted
        self.last_sync = {"written": 0, "deleted": 0, "kept": len(wanted), "whole": 0}

    def _create(self, dim: int) -> None:
        schema = self.client.create_schema(auto_id=True, enable_dynamic_field=False)
        schema.add_field("id", DataType.INT64, is_primary=True)
        schema.add_field("doc_id", DataType.VARCHAR, max_length=MAX_DOC_ID_BYTES)
        schema.add_field("ordinal", DataType.INT64)
        schema.add_field("province", DataType.VARCHAR, max_length=MAX_PROVINCE_BYTES)
        schema.add_field("years", DataType.ARRAY, element_type=DataType.INT64, max_capacity=MAX_YEARS)
        schema.add_field("version", DataType.VARCHAR, max_length=64)
        schema.add_field("doc_terms", DataType.INT64)
        schema.add_field("avgdl", DataType.DOUBLE)
        schema.add_field("dense", DataType.FLOAT_VECTOR, dim=dim)
        schema.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
        indexes = self.client.prepare_index_params()
        indexes.add_index("dense", index_type=DENSE_INDEX, metric_type="IP")
        indexes.add_index("sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="IP")
        self.client.create_collection(self.collection, schema=schema, index_params=indexes,
                                      consistency_level="Strong")

    def _dimension(self) -> int | None:
        for field in self.client.describe_collection(self.collection).get("fields", []):
            if field.get("name") == "dense":
                return int(field.get("params", {}).get("dim", 0))
        return None

    def _version(self, doc_id: str) -> str:
        """A hash of what shapes a document's rows (see the module docstring)."""
        doc = self.index.documents[doc_id]
        spans = [(c.start, c.end, c.heading_path) for c in (self.index.chunks[i] for i in self._chunk_ids[doc_id])]
        digest = hashlib.sha256()
        digest.update(json.dumps([self._fingerprint, doc_id, doc.province or "", spans],
                                 ensure_ascii=False).encode("utf-8"))
        digest.update(doc.text.encode("utf-8", "surrogatepass"))
        return digest.hexdigest()[:32]

    def _stored(self) -> dict[str, _Stored]:
        """The complete documents the collection holds (those whose first chunk is there)."""
        found: dict[str, _Stored] = {}
        with _quiet("pymilvus"):  # Milvus Lite has no server time stamp for iterators: a harmless warning
            pages = self.client.query_iterator(self.collection, batch_size=1000, filter="ordinal == 0",
                                               output_fields=["doc_id", "version", "doc_terms", "avgdl"])
        try:
            while page := pages.next():
                for row in page:
                    found[row["doc_id"]] = _Stored(row["version"], int(row["doc_terms"]), float(row["avgdl"]))
        finally:
            pages.close()
        return found

    def _write(self, doc_ids: Sequence[str], term_lists: dict[str, list[list[str]]], versions: dict[str, str],
               progress: Progress | None) -> None:
        total = sum(len(self._chunk_ids[d]) for d in doc_ids)
        done = 0
        _report(progress, 0, total)
        for doc_id in doc_ids:
            ids = self._chunk_ids[doc_id]
            vectors = np.vstack([self.index.vectors.reconstruct(i) for i in ids])
            self._replace(self.index.documents[doc_id], [self.index.chunks[i] for i in ids], vectors,
                          term_lists[doc_id], versions[doc_id])
            done += len(ids)
            _report(progress, done, total)

    # ------------------------------------------------------------ WritableBackend

    def upsert_document(self, document: Document, chunks: Sequence[Chunk], vectors: np.ndarray) -> None:
        """Replace a document's rows with these chunks (``chunk_id`` their place in the index)."""
        if len(chunks) != len(vectors):
            raise ValueError(f"{len(chunks)} chunks but {len(vectors)} vectors")
        term_lists = [chunk_terms(c) for c in chunks]
        if not self.avgdl:
            self.avgdl = sum(len(t) for t in term_lists) / max(1, len(term_lists))
        self._chunk_ids[document.doc_id] = [c.chunk_id for c in chunks]
        version = self._version(document.doc_id) if document.doc_id in self.index.documents else "external"
        self._replace(document, chunks, np.asarray(vectors, dtype=np.float32), term_lists, version)
        self._versions[document.doc_id] = version
        self._seal()

    def delete_document(self, doc_id: str) -> None:
        self._delete(doc_id)
        self._seal()

    def _delete(self, doc_id: str) -> None:
        self.client.delete(self.collection, filter=f"doc_id == {_literal(doc_id)}")
        self._chunk_ids.pop(doc_id, None)
        self._versions.pop(doc_id, None)

    def _seal(self) -> None:
        """Flush what was written: Milvus then searches it through its indexes. Measured on
        Milvus Lite at 10k chunks (bench/backends.py): a question's retrieval took 4.9 s
        (median) over rows not yet flushed, 71 ms after a flush."""
        self.client.flush(self.collection)

    def _replace(self, document: Document, chunks: Sequence[Chunk], vectors: np.ndarray,
                 term_lists: list[list[str]], version: str) -> None:
        self.client.delete(self.collection, filter=f"doc_id == {_literal(document.doc_id)}")
        doc_terms = sum(len(t) for t in term_lists)
        rows = [{
            "doc_id": document.doc_id, "ordinal": ordinal, "province": document.province or "",
            "years": sorted(set(years(chunk.text)))[:MAX_YEARS], "version": version, "doc_terms": doc_terms,
            "avgdl": self.avgdl, "dense": vectors[ordinal], "sparse": chunk_weights(term_lists[ordinal], self.avgdl),
        } for ordinal, chunk in enumerate(chunks)]
        rows = rows[1:] + rows[:1]  # the first chunk last: it marks the document complete
        for start in range(0, len(rows), INSERT_BATCH):
            self.client.insert(self.collection, rows[start:start + INSERT_BATCH])

    # ------------------------------------------------------------ SearchBackend

    def dense(self, vector: np.ndarray, k: int, where: SearchFilter = ANY) -> Scores:
        data = [np.asarray(vector, dtype=np.float32).reshape(-1)]
        return self._search(data, "dense", k, where)

    def sparse(self, terms_: Sequence[str], k: int, where: SearchFilter = ANY) -> Scores:
        bm25 = self.index.bm25
        vector = question_weights(terms_, bm25.document_frequency, bm25.n_docs)
        if not vector:
            return {}
        return {i: s for i, s in self._search([vector], "sparse", k, where).items() if s > 0}

    def _search(self, data: list, field: str, k: int, where: SearchFilter) -> Scores:
        k = min(k, MAX_LIMIT, len(self.index.chunks))
        if k <= 0:
            return {}
        found = self.client.search(self.collection, data=data, anns_field=field, limit=k,
                                   filter=_expression(where), output_fields=_OUTPUT,
                                   search_params={"metric_type": "IP"})
        scores: Scores = {}
        for hit in found[0]:
            row = hit["entity"]
            ids = self._chunk_ids.get(row["doc_id"])
            # a row the index does not know (left by a write that was cut short) is never shown
            if ids is None or row["version"] != self._versions.get(row["doc_id"]) or row["ordinal"] >= len(ids):
                continue
            scores[ids[row["ordinal"]]] = float(hit["distance"])
        return scores


def _expression(where: SearchFilter) -> str:
    """A Milvus boolean expression for the filter ("" lets every row through)."""
    parts = []
    if where.provinces:
        parts.append(f"province in {json.dumps(list(dict.fromkeys(where.provinces)), ensure_ascii=False)}")
    if where.years:
        parts.append(f"ARRAY_CONTAINS_ANY(years, {json.dumps(sorted(set(where.years)))})")
    return " and ".join(parts)


def _literal(text: str) -> str:
    """A string as a Milvus expression literal (double-quoted, JSON escapes)."""
    return json.dumps(text, ensure_ascii=False)


@contextmanager
def _quiet(logger: str) -> Iterator[None]:
    log = logging.getLogger(logger)
    level = log.level
    log.setLevel(logging.ERROR)
    try:
        yield
    finally:
        log.setLevel(level)


def _report(progress: Progress | None, done: int, total: int) -> None:
    if progress is not None and total:
        progress("milvus", done, total)


__all__ = ["MilvusBackend", "chunk_weights", "question_weights", "term_id"]
