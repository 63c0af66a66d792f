"""The persisted index: FAISS vectors, BM25 terms, chunks and documents, with a manifest.

Layout of the index folder::

    CURRENT            name of the build in use (replaced atomically)
    DOCUMENTS          the documents folder the index belongs to (replaced atomically)
    build-<stamp>/     manifest.json, documents.json, chunks.json,
                       vectors.faiss, bm25/, spellings.json, units.npz (the
                       chunks' unit vectors, ``qa.indexing.unit_vectors``; optional)
    .lock              held by the one process that builds; names it and its folder

An index belongs to its documents folder: the manifest records the folder and every
document's path relative to it, and ``open_index`` updates an index only from that
folder (``documents_dir`` unset means "the index's own folder"). Another folder is
refused unless the index is explicitly re-pointed (``repoint=True``,
``python -m qa index --repoint``), and so is a second writer for another folder.

``vectors.faiss`` is exact (flat) or, from ``Settings.ann_min_chunks`` chunks on, an
approximate inverted file (``qa.indexing.vectors``); the manifest's "vectors" says which.
``chunks.json`` holds one row per chunk, ``[doc_id, start, end, heading_path]``: the text is
the document's span, and BM25 and the embedder read ``chunking.index_text`` (the heading
path, then the text).

A build is written to a fresh folder and only then named in ``CURRENT`` (an atomic
rename), so a crash mid-build leaves the previous index in use and never a broken
one; a damaged ``CURRENT`` falls back to the newest build that loads, and stale
``*.tmp`` builds are removed by the next writer. The manifest records the model,
dimensions, settings, a hash of the code and data that shape the index
(``SHAPING_MODULES``, ``SHAPING_DATA_DIR``) and every document's hash: on open,
documents that changed, appeared or vanished are re-processed (the others keep their
chunks and vectors), and a manifest whose model, settings or rules differ is rebuilt,
never mixed. A file that cannot be read is skipped and listed, never fatal.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import re
import shutil
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import asdict, dataclass, fields, replace
from functools import cached_property
from pathlib import Path
from typing import IO, Iterator

import faiss
import numpy as np

from qa.indexing.bm25 import TOKENIZER_VERSION, BM25Index
from qa.documents.chunking import CHUNKER_VERSION, chunk_document, index_text
from qa.documents.clean import CLEANER_VERSION
from qa.config import DEFAULT_DOCUMENTS_DIR, Settings
from qa.indexing.embed import Embedder
from qa.errors import (BrokenIndexError, DocumentError, IndexBusyError, IndexLocationError, NoDocumentsError)
from qa.documents.ingest import CATALOG_NAME, Scan, file_sha256, load_document, read_catalog, scan_folder
from qa.documents.loaders import SUPPORTED_EXTENSIONS
from qa.documents.reading import Failure, read_in_parallel, read_one, workers_for
from qa.indexing.spellings import collection_spellings
from qa.indexing.tables import ChunkTables
from qa.types import Chunk, Document
from qa.indexing import vectors as vector_index
from qa.indexing import unit_vectors
from qa.indexing.unit_vectors import UnitVectors

FORMAT_VERSION = 2
EMBED_BATCH = 16

#: The package modules whose source shapes chunks, terms and vectors. Their text, and
#: every file under SHAPING_DATA_DIR that one of them names (``shaping_data``), is hashed
#: into the manifest: changing any of them rebuilds the index, with no version string to
#: bump by hand. A listed module that does not exist (yet) counts as absent. Data that
#: only the reader or the chat reads (reader_model.json, question_types.json, intents_*)
#: does not rebuild an index: refitting the reader re-embeds nothing.
SHAPING_MODULES: tuple[str, ...] = (
    "documents/loaders.py", "documents/pdf_layout.py", "documents/clean.py", "documents/structure.py",
    "documents/chunking.py",
    "documents/ingest.py", "indexing/bm25.py", "indexing/embed.py", "retrieval/glossary.py",
    "retrieval/provinces.py", "text.py", "answering/candidates.py", "indexing/unit_vectors.py",
)
PACKAGE_DIR = Path(__file__).resolve().parents[1]  # qa/
SHAPING_DATA_DIR = PACKAGE_DIR / "data"

_BUILD_NAME = re.compile(r"build-[A-Za-z0-9_.-]+")
_LOG = logging.getLogger(__name__)

#: progress(stage, done, total): how long work reports itself to a UI or a bar.
Progress = Callable[[str, int, int], None]


@dataclass
class Index:
    """Everything retrieval and answering read, loaded in memory."""

    manifest: dict
    documents: dict[str, Document]
    chunks: list[Chunk]
    vectors: faiss.Index
    bm25: BM25Index
    # folded syllable or bigram -> its most frequent spelling with diacritics
    spellings: dict[str, str]
    # every chunk's candidate units and their vectors (``qa.indexing.unit_vectors``); None
    # for a collection above ``Settings.unit_vectors_max_chunks`` or a build without them
    units: UnitVectors | None = None

    @property
    def model(self) -> str:
        return str(self.manifest["model"])

    @property
    def documents_dir(self) -> Path:
        """The documents folder this index was built from (and is updated from)."""
        return Path(self.manifest["documents_dir"])

    def chunks_of(self, doc_id: str) -> list[Chunk]:
        return [c for c in self.chunks if c.doc_id == doc_id]

    @cached_property
    def tables(self) -> ChunkTables:
        """Each chunk's province and years (``qa.indexing.tables``), worked out on first
        use (the retriever's start-up) and shared by the retriever and the back end."""
        return ChunkTables.build(self.documents, self.chunks)


def _shaping_sources() -> list[tuple[str, bytes | None]]:
    """Each shaping module's name and source (None when it does not exist)."""
    return [(name, (PACKAGE_DIR / name).read_bytes() if (PACKAGE_DIR / name).is_file() else None)
            for name in SHAPING_MODULES]


def shaping_data(sources: list[tuple[str, bytes | None]] | None = None) -> list[Path]:
    """The files under SHAPING_DATA_DIR whose name a shaping module's source holds
    (``GLOSSARY_FILE = "glossary.tsv"``): the data that shapes chunks and terms."""
    if not SHAPING_DATA_DIR.is_dir():
        return []
    text = b"\0".join(source for _, source in (sources or _shaping_sources()) if source)
    return sorted(p for p in SHAPING_DATA_DIR.rglob("*")
                  if p.is_file() and "__pycache__" not in p.parts and p.name.encode() in text)


def rules_hash() -> str:
    """SHA-256 of the shaping modules' source and of the data files they name."""
    digest = hashlib.sha256()
    sources = _shaping_sources()
    for name, source in sources:
        digest.update(f"module {name}\0".encode())
        digest.update(source if source is not None else b"\0absent\0")
    for path in shaping_data(sources):
        digest.update(f"data {path.relative_to(SHAPING_DATA_DIR).as_posix()}\0".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


#: What shapes a chunk's vector besides its text and the model: the embedding code
#: (prefixes, truncation). Vectors of a build with the same model, format and this
#: module's source are reused for chunks of the same text (``_vector_donor``).
EMBEDDING_MODULE = "indexing/embed.py"


def embedding_hash() -> str:
    """SHA-256 of the embedding module's source."""
    return hashlib.sha256((PACKAGE_DIR / EMBEDDING_MODULE).read_bytes()).hexdigest()


def _expected(settings: Settings, embedder: Embedder) -> dict:
    return {
        "format_version": FORMAT_VERSION,
        "model": embedder.name,
        "dim": embedder.dim,
        "embedding": embedding_hash(),
        "chunking": {"max_chars": settings.chunk_chars, "overlap": settings.chunk_overlap_sentences,
                     "version": CHUNKER_VERSION},
        "cleaning": CLEANER_VERSION,
        "tokenizer": TOKENIZER_VERSION,
        "rules": rules_hash(),
        # a limit decides which files load, so a changed one re-reads them all
        "limits": {"max_file_bytes": settings.max_file_bytes, "max_text_chars": settings.max_text_chars,
                   "max_archive_member_bytes": settings.max_archive_member_bytes},
        "unit_vectors_max_chunks": settings.unit_vectors_max_chunks,
    }


def open_index(settings: Settings, embedder: Embedder, progress: Progress | None = None, *,
               repoint: bool = False, wait: bool = False) -> Index:
    """The index of ``settings.index_dir``: loaded, updated from its own folder, or built.

    ``settings.documents_dir`` unset means the folder the index was built from (or the
    bundled documents for a new index); a different folder raises ``IndexLocationError``
    unless ``repoint``. When another process is already updating the index from the
    same folder, the current build is returned at once (``wait=False``) rather than
    waiting for the update; ``wait=True`` waits for it (``python -m qa index``).
    ``settings.read_only`` (replicas sharing one index) loads the published build and
    nothing else: ``open_published``.
    """
    if settings.read_only:
        return open_published(settings, embedder)
    index_dir = _index_folder(settings.index_dir)
    current = _load_current(index_dir)
    documents_dir = _documents_dir(settings, index_dir, current, repoint)
    if current is not None and settings.documents_dir is None and not documents_dir.is_dir():
        # The folder it was built from is gone (moved, or the index was copied alone):
        # answer from the index as built rather than from anything else.
        if _same_settings(current.manifest, settings, embedder):
            return current
        raise IndexLocationError(
            f"the index {index_dir} was built with other settings or another model, and the documents "
            f"folder it belongs to, {documents_dir}, no longer exists to rebuild it from: restore that "
            f"folder, or run `python -m qa index --documents FOLDER --index {index_dir} --repoint`")
    scan, fingerprint = _fingerprint(documents_dir, index_dir, settings)
    if current is not None and _is_fresh(current.manifest, documents_dir, fingerprint, settings, embedder):
        _repair_pointer(index_dir, current)
        return current
    # A reader need not wait for another process updating this index from this folder: the
    # current build answers meanwhile, if it was built with this model and these settings.
    usable = current is not None and _same_settings(current.manifest, settings, embedder)
    with _writer_lock(index_dir, documents_dir, wait=wait or not usable) as writing:
        if not writing:
            assert current is not None
            return current
        current = _load_current(index_dir)  # another process may have built it meanwhile
        if (folder := _documents_dir(settings, index_dir, current, repoint)) != documents_dir:
            documents_dir = folder  # another writer re-pointed it meanwhile
            scan, fingerprint = _fingerprint(documents_dir, index_dir, settings)
        if current is not None and _is_fresh(current.manifest, documents_dir, fingerprint, settings, embedder):
            _write_pointer(index_dir, current)
            return current
        _remove_stale_tmp(index_dir)
        reusable = current if current is not None and _same_settings(current.manifest, settings, embedder) else None
        return _build(settings, documents_dir, embedder, scan, fingerprint, reusable, progress,
                      _vector_donor(current, embedder))


def _vector_donor(current: Index | None, embedder: Embedder) -> Index | None:
    """The build whose vectors a new build may reuse for chunks of the same text: one made
    with the same model, format and embedding code (``EMBEDDING_MODULE``), whatever its
    other rules. A change to cleaning or chunking rules then embeds only the chunks whose
    text it changed: at the ~9 chunks/s of this 2-core machine, a rebuilt 100k-chunk index
    would otherwise embed for 3 hours."""
    if current is None:
        return None
    m = current.manifest
    same = (m.get("format_version") == FORMAT_VERSION and m.get("model") == embedder.name
            and m.get("dim") == embedder.dim and m.get("embedding") == embedding_hash())
    return current if same else None


def open_published(settings: Settings, embedder: Embedder) -> Index:
    """The build ``CURRENT`` names (or the newest that loads), read and never written.

    For serving replicas that share one index folder (``QA_READ_ONLY``): N processes
    starting at once must not each scan, build or repair it, and the folder may be a
    read-only mount. The documents folder is not read: the one writer (``python -m qa
    index``) keeps the build up to date, and replicas restarted after it serve the new
    build. A build this process cannot answer from correctly (none yet, or one of
    another model, settings or rules) is a ``BrokenIndexError`` naming that command.
    """
    index_dir = settings.index_dir
    command = f"`python -m qa index --index {index_dir}` (one process, without QA_READ_ONLY)"
    current = _load_current(index_dir) if index_dir.is_dir() else None
    if current is None:
        raise BrokenIndexError(f"no usable index build in {index_dir}, and QA_READ_ONLY is set, so this process "
                               f"does not build one: run {command}, then start the chat again")
    if not _same_settings(current.manifest, settings, embedder):
        differ = sorted(k for k, v in _expected(settings, embedder).items() if current.manifest.get(k) != v)
        raise BrokenIndexError(f"the index build in {index_dir} was made with other {', '.join(differ)} than this "
                               f"process uses, and QA_READ_ONLY is set, so it is not rebuilt here: run {command}, "
                               "then start the chat again")
    return current


def _index_folder(index_dir: Path) -> Path:
    """The index folder, created if missing; a clear error when it cannot be one."""
    if index_dir.exists() and not index_dir.is_dir():
        raise IndexLocationError(
            f"the index folder {index_dir} is a file, not a folder: give --index (QA_INDEX_DIR) "
            "a folder, which is created if missing")
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise IndexLocationError(
            f"cannot create the index folder {index_dir} ({exc.strerror or exc}): choose another --index") from exc
    return index_dir


def _documents_dir(settings: Settings, index_dir: Path, current: Index | None, repoint: bool) -> Path:
    """The folder to index: the index's own, unless another is given (and allowed)."""
    recorded = current.documents_dir if current is not None else _recorded_folder(index_dir)
    if settings.documents_dir is None:
        return recorded or _absolute(DEFAULT_DOCUMENTS_DIR)
    wanted = _absolute(settings.documents_dir)
    if recorded is not None and wanted != recorded and not repoint:
        raise IndexLocationError(
            f"the index {index_dir} belongs to the documents folder {recorded}, not {wanted}. "
            f"To answer from it, leave out --documents (and QA_DOCUMENTS_DIR); to index {wanted}, "
            f"give it its own --index folder, or re-point this index with "
            f"`python -m qa index --documents {wanted} --index {index_dir} --repoint`")
    return wanted


def _absolute(path: Path) -> Path:
    """An absolute path without resolving links, so it compares as the user wrote it."""
    return Path(os.path.abspath(path))


def _recorded_folder(index_dir: Path) -> Path | None:
    """The folder DOCUMENTS names: what an index with no loadable build belongs to."""
    try:
        text = (index_dir / "DOCUMENTS").read_text(encoding="utf-8").strip()
    except (OSError, ValueError):
        return None
    return Path(text) if text.startswith("/") and "\0" not in text else None


def _fingerprint(documents_dir: Path, index_dir: Path, settings: Settings) -> tuple[Scan, dict[str, str]]:
    """The folder's documents and, per relative path, the content hash or "!why skipped".

    An unreadable file gets its reason instead of a hash, so it is reported, not fatal,
    and an unchanged bad file does not trigger a rebuild on every open. A file over
    the size limit is not read: its size and time (after a NUL) stand in for its hash.
    """
    scan = scan_folder(documents_dir, exclude=[index_dir])
    fingerprint = {rel: "!" + reason for rel, reason in scan.skipped.items()}
    for rel, path in scan.files.items():
        try:
            info = path.lstat()
            if info.st_size > settings.max_file_bytes:
                fingerprint[rel] = (f"!is {info.st_size / 2**20:.0f} MiB, larger than the "
                                    f"{settings.max_file_bytes / 2**20:.0f} MiB limit (QA_MAX_FILE_BYTES); split it"
                                    f"\0{info.st_size} {info.st_mtime_ns}")
                continue
            fingerprint[rel] = file_sha256(path)
        except DocumentError as exc:
            fingerprint[rel] = "!" + exc.reason
        except OSError as exc:
            fingerprint[rel] = f"!could not be read ({exc.strerror or exc})"
    if not fingerprint:
        raise NoDocumentsError(
            f"no documents in {documents_dir}: put the plans there "
            f"({', '.join(SUPPORTED_EXTENSIONS)}) and run `python -m qa index`"
        )
    return scan, dict(sorted(fingerprint.items()))


def _catalog_hash(documents_dir: Path) -> str | None:
    try:
        return file_sha256(documents_dir / CATALOG_NAME) if (documents_dir / CATALOG_NAME).exists() else None
    except DocumentError as exc:
        return "!" + exc.reason


def _same_settings(manifest: dict, settings: Settings, embedder: Embedder) -> bool:
    expected = _expected(settings, embedder)
    return all(manifest.get(k) == v for k, v in expected.items())


def _is_fresh(manifest: dict, documents_dir: Path, fingerprint: dict[str, str], settings: Settings,
              embedder: Embedder) -> bool:
    return (manifest.get("documents_dir") == str(documents_dir)
            and manifest.get("scan") == fingerprint
            and manifest.get("catalog_sha256") == _catalog_hash(documents_dir)
            and _same_settings(manifest, settings, embedder)
            # the dense index the size asks for (a changed threshold rebuilds it, keeping the vectors)
            and manifest.get("vectors", vector_index.FLAT) == vector_index.kind_for(
                int(manifest.get("n_chunks", 0)), settings.ann_min_chunks))


def _build(settings: Settings, documents_dir: Path, embedder: Embedder, scan: Scan, fingerprint: dict[str, str],
           previous: Index | None, progress: Progress | None, donor: Index | None = None) -> Index:
    """Process new or changed documents, keep the rest, and publish a new build.

    ``previous`` (same settings and rules) lends its unchanged documents whole;
    ``donor`` (same model and embedding code) lends the vector of any chunk whose text
    it holds.

    Every file that cannot be read is listed in the manifest's "skipped" with why;
    the build publishes whatever could be read.
    """
    skipped = {rel: mark[1:].split("\0")[0] for rel, mark in fingerprint.items() if mark.startswith("!")}
    try:
        catalog = read_catalog(documents_dir)
    except DocumentError as exc:
        catalog = {}
        skipped[CATALOG_NAME] = exc.reason + " (metadata was read from the texts instead)"
    catalog_hash = _catalog_hash(documents_dir)
    same_catalog = previous is not None and previous.manifest.get("catalog_sha256") == catalog_hash
    old_entries = previous.manifest["documents"] if previous else {}
    documents: list[Document] = []
    rels: dict[str, str] = {}  # doc_id -> path relative to the folder (the manifest's key)
    to_embed: list[Document] = []
    readable = [(rel, path) for rel, path in scan.files.items() if not fingerprint[rel].startswith("!")]
    kept: dict[str, Document] = {}  # unchanged files: their documents are reused, not read again
    for rel, path in readable:
        old = old_entries.get(rel)
        old_doc = previous.documents.get(old["doc_id"]) if previous and old else None
        if old_doc is not None and old["sha256"] == fingerprint[rel] and same_catalog:
            kept[rel] = replace(old_doc, path=str(path))
    outcomes = iter(_read_all([(rel, path) for rel, path in readable if rel not in kept], documents_dir, catalog,
                              fingerprint, settings, progress))
    for rel, path in readable:
        if rel in kept:
            documents.append(kept[rel])
            rels[kept[rel].doc_id] = rel
            continue
        outcome = next(outcomes)
        if isinstance(outcome, Failure):
            if outcome.internal:
                _LOG.error("reading %s failed:\n%s", path, outcome.detail)
            skipped[rel] = outcome.reason
            continue
        doc = _encodable(outcome)
        if doc.doc_id in rels:  # ids must be unique, or one file's passages would show another's text
            raise BrokenIndexError(f"two files share the document id {doc.doc_id!r}: {rels[doc.doc_id]} and {rel}")
        documents.append(doc)
        rels[doc.doc_id] = rel
        old = old_entries.get(rel)
        old_doc = previous.documents.get(old["doc_id"]) if previous and old else None
        if old_doc is None or old_doc.doc_id != doc.doc_id or old_doc.text != doc.text:
            to_embed.append(doc)  # else only its metadata changed: chunks and vectors are kept
    if not documents:
        reasons = "; ".join(f"{p}: {r}" for p, r in list(skipped.items())[:10])
        raise NoDocumentsError(f"none of the documents in {documents_dir} could be read ({reasons})")

    chunks, vectors, reused = _chunks_and_vectors(documents, to_embed, previous, settings, embedder, progress, donor)
    units, units_reused = _unit_vectors(chunks, documents, settings, embedder, progress, previous, donor)
    _report(progress, "index", 0, 4)  # steps: dense index, BM25, spelling table, writing
    per_doc = Counter(c.doc_id for c in chunks)
    manifest = {
        **_expected(settings, embedder),
        "documents_dir": str(documents_dir),
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "n_chunks": len(chunks),
        "vectors_reused": reused,
        "vectors": vector_index.kind_for(len(chunks), settings.ann_min_chunks),
        "unit_vectors": None if units is None else {"units": len(units.rows), "texts": len(units.vectors),
                                                    "reused": units_reused},
        "documents": {
            rels[d.doc_id]: {"sha256": d.sha256, "doc_id": d.doc_id, "n_chunks": per_doc[d.doc_id]}
            for d in documents
        },
        "skipped": dict(sorted(skipped.items())),
        "scan": fingerprint,
        "catalog_sha256": catalog_hash,
    }
    dense = vector_index.build(vectors, settings.ann_min_chunks)
    _report(progress, "index", 1, 4)
    bm25 = BM25Index.build([index_text(c) for c in chunks])
    _report(progress, "index", 2, 4)
    index = Index(manifest, {d.doc_id: d for d in documents}, chunks, dense, bm25, _spellings(chunks), units)
    _report(progress, "index", 3, 4)
    _publish(settings.index_dir, index)
    _report(progress, "index", 4, 4)
    return index


def _read_all(files: list[tuple[str, Path]], documents_dir: Path, catalog: dict, fingerprint: dict[str, str],
              settings: Settings, progress: Progress | None) -> list[Document | Failure]:
    """Each file's document, or why it gave none, in order: read here, or by worker
    processes when there are many (``qa.documents.reading``)."""
    workers = workers_for(settings, len(files))
    _report(progress, "read", 0, len(files))
    if workers > 1:
        read = read_in_parallel([(path, fingerprint[rel]) for rel, path in files], documents_dir, catalog,
                                settings, workers)
    else:
        read = (read_one(path, documents_dir, catalog, fingerprint[rel], settings, load_document)
                for rel, path in files)
    outcomes = []
    for outcome in read:
        outcomes.append(outcome)
        _report(progress, "read", len(outcomes), len(files))
    return outcomes


_SURROGATES = re.compile(r"[\ud800-\udfff]")


def _encodable(doc: Document) -> Document:
    """The document with lone surrogates (which some PDFs yield) made U+FFFD.

    One character for one keeps every offset; without it the build could not be
    written as UTF-8 and one file would fail them all.
    """
    changes = {f.name: _SURROGATES.sub("\ufffd", value) for f in fields(doc)
               if isinstance(value := getattr(doc, f.name), str) and _SURROGATES.search(value)}
    return replace(doc, **changes) if changes else doc


def _chunks_and_vectors(documents: list[Document], to_embed: list[Document], previous: Index | None,
                        settings: Settings, embedder: Embedder, progress: Progress | None,
                        donor: Index | None = None) -> tuple[list[Chunk], np.ndarray, int]:
    """Every document's chunks and their vectors, in order, and how many of the new
    chunks' vectors came from ``donor`` rather than the embedder."""
    fresh = {d.doc_id for d in to_embed}
    new_chunks: list[Chunk] = []
    for doc in to_embed:
        new_chunks.extend(chunk_document(doc, settings.chunk_chars, settings.chunk_overlap_sentences))
    new_vectors, reused = _vectors_of([index_text(c) for c in new_chunks], embedder, progress,
                                      settings.embed_batch, donor)
    by_doc_new: dict[str, list[int]] = defaultdict(list)
    for i, c in enumerate(new_chunks):
        by_doc_new[c.doc_id].append(i)
    by_doc_old: dict[str, list[int]] = defaultdict(list)
    if previous is not None:
        for i, c in enumerate(previous.chunks):
            by_doc_old[c.doc_id].append(i)

    chunks: list[Chunk] = []
    rows: list[np.ndarray] = []
    for doc in documents:
        if doc.doc_id in fresh:
            source_chunks = [new_chunks[i] for i in by_doc_new[doc.doc_id]]
            source_rows = [new_vectors[i] for i in by_doc_new[doc.doc_id]]
        else:
            assert previous is not None  # unchanged documents only exist when reusing
            ids = by_doc_old[doc.doc_id]
            source_chunks = [previous.chunks[i] for i in ids]
            source_rows = [previous.vectors.reconstruct(i) for i in ids]
        for chunk, row in zip(source_chunks, source_rows):
            chunks.append(Chunk(len(chunks), chunk.doc_id, chunk.text, chunk.start, chunk.end, chunk.heading_path))
            rows.append(row)
    matrix = np.vstack(rows).astype(np.float32) if rows else np.zeros((0, embedder.dim), np.float32)
    return chunks, matrix, reused


def _unit_vectors(chunks: list[Chunk], documents: list[Document], settings: Settings, embedder: Embedder,
                  progress: Progress | None, previous: Index | None, donor: Index | None,
                  ) -> tuple[UnitVectors | None, int]:
    """Every chunk's units and their vectors (``qa.indexing.unit_vectors``), reusing those of
    the previous build and the donor for texts they hold; none above
    ``Settings.unit_vectors_max_chunks`` chunks."""
    if not chunks or len(chunks) > settings.unit_vectors_max_chunks:
        return None, 0
    donors = [b.units for b in (previous, donor) if b is not None and b.units is not None
              and b.units.vectors.shape[1:] == (embedder.dim,)]
    return unit_vectors.build(chunks, {d.doc_id: d for d in documents}, embedder.embed_passages, embedder.dim,
                              donors, settings.embed_batch, lambda done, total: _report(progress, "units", done, total))


def _vectors_of(texts: list[str], embedder: Embedder, progress: Progress | None, batch_size: int,
                donor: Index | None) -> tuple[np.ndarray, int]:
    """The texts' vectors: the donor's for a text it holds, the embedder's for the rest;
    and how many came from the donor."""
    out = np.zeros((len(texts), embedder.dim), dtype=np.float32)
    known: dict[str, int] = {}
    if donor is not None and len(donor.chunks) == donor.vectors.ntotal:
        known = {index_text(c): i for i, c in enumerate(donor.chunks)}
    lent = [(n, known[t]) for n, t in enumerate(texts) if t in known]
    for n, i in lent:
        out[n] = donor.vectors.reconstruct(i)  # type: ignore[union-attr]
    missing = [n for n, t in enumerate(texts) if t not in known]
    out[missing] = _embed_all([texts[n] for n in missing], embedder, progress, batch_size)
    return out, len(lent)


def _embed_all(texts: list[str], embedder: Embedder, progress: Progress | None,
               batch_size: int = EMBED_BATCH) -> np.ndarray:
    out = np.zeros((len(texts), embedder.dim), dtype=np.float32)
    for start in range(0, len(texts), batch_size):
        _report(progress, "embed", start, len(texts))
        batch = texts[start:start + batch_size]
        out[start:start + len(batch)] = embedder.embed_passages(batch)
    _report(progress, "embed", len(texts), len(texts))
    return out


def _spellings(chunks: list[Chunk]) -> dict[str, str]:
    """Most frequent accented spelling of each folded syllable and syllable pair.

    Restores diacritics of questions typed without them, before they are embedded:
    the collection itself is the dictionary, so it fits whatever plans are indexed
    (``qa.indexing.spellings``).
    """
    return collection_spellings([c.text for c in chunks])


# ---------------------------------------------------------------- persistence

def _publish(index_dir: Path, index: Index) -> None:
    """Write the build to a new folder, then point CURRENT at it atomically."""
    name = f"build-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 10**6}"
    tmp = index_dir / (name + ".tmp")
    try:
        tmp.mkdir(parents=True)
        _write_json(tmp / "documents.json", [asdict(d) for d in index.documents.values()])
        _write_json(tmp / "chunks.json", [[c.doc_id, c.start, c.end, c.heading_path] for c in index.chunks])
        faiss.write_index(index.vectors, str(tmp / "vectors.faiss"))
        (tmp / "bm25").mkdir()
        index.bm25.save(tmp / "bm25")
        _write_json(tmp / "spellings.json", index.spellings)
        if index.units is not None:
            index.units.save(tmp)
        (tmp / "manifest.json").write_text(json.dumps(index.manifest, ensure_ascii=False, indent=1), encoding="utf-8")
        _fsync_tree(tmp)
        os.replace(tmp, index_dir / name)
        index.manifest["build"] = name  # known from the folder's name when loaded
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)  # a failed build leaves nothing behind
        raise
    if "documents_dir" in index.manifest:  # (bench/bench_100k.py publishes a synthetic index without one)
        _replace_file(index_dir / "DOCUMENTS", index.manifest["documents_dir"])
    _replace_file(index_dir / "CURRENT", name)
    _remove_old_builds(index_dir, keep=name)


def _write_json(path: Path, data: object) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def _replace_file(path: Path, text: str) -> None:
    """Replace a small file atomically: written aside, synced, then renamed over it."""
    aside = path.with_name(path.name + ".tmp")
    aside.write_text(text, encoding="utf-8")
    _fsync_file(aside)
    os.replace(aside, path)
    _fsync_file(path.parent)


def _load_current(index_dir: Path) -> Index | None:
    """The build CURRENT names or, when that is missing or damaged, the newest build that
    loads; None when there is none (the caller then builds one)."""
    named = _pointer(index_dir)
    others = sorted((p for p in index_dir.glob("build-*") if p.is_dir() and not p.name.endswith(".tmp")
                     and p.name != named), key=lambda p: p.stat().st_mtime_ns, reverse=True)
    for folder in ([index_dir / named] if named else []) + others:
        try:
            return load_build(folder)
        except Exception as exc:  # any damage means "not this build": the next one, or a rebuild
            _LOG.info("index build %s is not usable (%s: %s)", folder, type(exc).__name__, exc)
    return None


def _pointer(index_dir: Path) -> str | None:
    """The build name in CURRENT, or None when it is missing or not a build name."""
    try:
        name = (index_dir / "CURRENT").read_bytes().decode("ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return name if _BUILD_NAME.fullmatch(name) and not name.endswith(".tmp") else None


def _repair_pointer(index_dir: Path, current: Index) -> None:
    """Point a damaged CURRENT at the build in use, if no writer is busy (else it will)."""
    if _pointer(index_dir) == current.manifest.get("build"):
        return
    try:
        with _writer_lock(index_dir, current.documents_dir, wait=False) as writing:
            if writing:
                _write_pointer(index_dir, current)
    except IndexBusyError:
        pass


def _write_pointer(index_dir: Path, current: Index) -> None:
    name = current.manifest.get("build")
    if name and _pointer(index_dir) != name and (index_dir / name).is_dir():
        _replace_file(index_dir / "CURRENT", name)


def load_build(folder: Path) -> Index:
    """Load one build folder; raises ``BrokenIndexError`` when parts are missing."""
    if not (folder / "manifest.json").exists():
        raise BrokenIndexError(f"index build {folder} has no manifest: run `python -m qa index`")
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    if manifest.get("format_version") != FORMAT_VERSION:
        raise ValueError("index format version differs")
    manifest["build"] = folder.name
    documents = {d["doc_id"]: Document(**d) for d in json.loads((folder / "documents.json").read_text(encoding="utf-8"))}
    # Rows are [doc_id, start, end, heading_path] (older builds: no heading path).
    chunks = [Chunk(i, row[0], documents[row[0]].text[row[1]:row[2]], row[1], row[2], row[3] if len(row) > 3 else "")
              for i, row in enumerate(json.loads((folder / "chunks.json").read_text(encoding="utf-8")))]
    vectors = faiss.read_index(str(folder / "vectors.faiss"))
    if vectors.ntotal != len(chunks):
        raise ValueError("vector count does not match chunk count")
    bm25 = BM25Index.load(folder / "bm25")
    spellings = json.loads((folder / "spellings.json").read_text(encoding="utf-8"))
    return Index(manifest, documents, chunks, vectors, bm25, spellings, UnitVectors.load(folder))


def _remove_old_builds(index_dir: Path, keep: str) -> None:
    for entry in index_dir.iterdir():
        if entry.is_dir() and entry.name.startswith("build-") and entry.name != keep:
            shutil.rmtree(entry, ignore_errors=True)


def _remove_stale_tmp(index_dir: Path) -> None:
    """Remove what writers killed mid-build left; only called by the lock's holder,
    so no ``*.tmp`` belongs to a live writer."""
    for entry in index_dir.glob("*.tmp"):
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)


@contextmanager
def _writer_lock(index_dir: Path, documents_dir: Path, wait: bool) -> Iterator[bool]:
    """One writer per index folder (the chat and the CLI may both start a build).

    Yields True to the writer. The holder writes its pid and documents folder in the
    lock file, so a second writer for another folder is refused at once with a message
    naming both; one for the same folder waits (``wait``) or is told False at once.
    """
    try:
        lock_file = open(index_dir / ".lock", "a+", encoding="utf-8")
    except OSError as exc:  # a read-only mount, or no permission: say what to do, not a traceback
        raise IndexLocationError(
            f"the index {index_dir} needs updating or repairing, but it cannot be written "
            f"({exc.strerror or exc}): run `python -m qa index --index {index_dir}` where it is writable, "
            "or set QA_READ_ONLY=1 to answer from the build it holds") from exc
    with lock_file as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _lock_holder(fh)
            other = holder.get("documents_dir")
            if other and other != str(documents_dir):
                raise IndexBusyError(
                    f"the index {index_dir} is being built from {other} by process {holder.get('pid')}, "
                    f"so it cannot take {documents_dir} too (one index, one writer): wait for that build, "
                    f"or give {documents_dir} its own --index folder") from None
            if not wait:
                yield False
                return
            fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            fh.seek(0)
            fh.truncate()
            fh.write(json.dumps({"pid": os.getpid(), "documents_dir": str(documents_dir)}))
            fh.flush()
            yield True
        finally:
            fh.seek(0)
            fh.truncate()
            fh.flush()
            fcntl.flock(fh, fcntl.LOCK_UN)


def _lock_holder(fh: IO[str]) -> dict:
    """What the lock's holder wrote about itself ({} while it has not yet)."""
    try:
        fh.seek(0)
        holder = json.loads(fh.read() or "{}")
    except ValueError:
        return {}
    return holder if isinstance(holder, dict) else {}


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_tree(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            _fsync_file(path)
    _fsync_file(folder)


def _report(progress: Progress | None, stage: str, done: int, total: int) -> None:
    if progress is not None:
        progress(stage, done, total)


__all__ = ["Index", "Progress", "open_index", "open_published", "load_build"]
