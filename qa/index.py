"""The persisted index: FAISS vectors, BM25 terms, chunks and documents, with a manifest.

Layout of the index folder::

    CURRENT            name of the build in use (replaced atomically)
    build-<stamp>/     manifest.json, documents.json, chunks.json,
                       vectors.faiss, bm25/, spellings.json

``chunks.json`` holds one row per chunk, ``[doc_id, start, end, heading_path]``: the text is
the document's span, and BM25 and the embedder read ``chunking.index_text`` (the heading
path, then the text).

A build is written to a fresh folder and only then named in ``CURRENT`` (an atomic
rename), so a crash mid-build leaves the previous index in use and never a broken
one. The manifest records the model, dimensions, cleaning, chunking, tokenizer, format
and every document's hash: on open, documents that changed, appeared or vanished are
re-processed (the others keep their chunks and vectors), and a manifest whose model
or settings do not match the configuration is rebuilt, never mixed.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Iterator

import faiss
import numpy as np

from .bm25 import TOKENIZER_VERSION, BM25Index
from .chunking import CHUNKER_VERSION, chunk_document, index_text
from .clean import CLEANER_VERSION
from .config import Settings
from .embed import Embedder
from .errors import BrokenIndexError, DocumentError, NoDocumentsError
from .ingest import document_files, file_sha256, load_document, read_catalog
from .loaders import SUPPORTED_EXTENSIONS
from .text import bigrams, fold, words
from .types import Chunk, Document

FORMAT_VERSION = 1
EMBED_BATCH = 16

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

    @property
    def model(self) -> str:
        return str(self.manifest["model"])

    def chunks_of(self, doc_id: str) -> list[Chunk]:
        return [c for c in self.chunks if c.doc_id == doc_id]


def _expected(settings: Settings, embedder: Embedder) -> dict:
    return {
        "format_version": FORMAT_VERSION,
        "model": embedder.name,
        "dim": embedder.dim,
        "chunking": {"max_chars": settings.chunk_chars, "overlap": settings.chunk_overlap_sentences,
                     "version": CHUNKER_VERSION},
        "cleaning": CLEANER_VERSION,
        "tokenizer": TOKENIZER_VERSION,
    }


def open_index(settings: Settings, embedder: Embedder, progress: Progress | None = None) -> Index:
    """The index for the configured documents and model: loaded, updated or built."""
    index_dir = settings.index_dir
    index_dir.mkdir(parents=True, exist_ok=True)
    files = _document_hashes(settings.documents_dir)
    current = _load_current(index_dir)
    if current is not None and _is_fresh(current.manifest, settings, embedder, files):
        return current
    with _build_lock(index_dir):
        current = _load_current(index_dir)  # another process may have built it meanwhile
        if current is not None and _is_fresh(current.manifest, settings, embedder, files):
            return current
        reusable = current if current is not None and _same_settings(current.manifest, settings, embedder) else None
        return _build(settings, embedder, files, reusable, progress)


def _document_hashes(documents_dir: Path) -> dict[str, str]:
    files = {p.relative_to(documents_dir).as_posix(): file_sha256(p) for p in document_files(documents_dir)}
    if not files:
        raise NoDocumentsError(
            f"no documents in {documents_dir}: put the plans there "
            f"({', '.join(SUPPORTED_EXTENSIONS)}) and run `python -m qa index`"
        )
    return files


def _same_settings(manifest: dict, settings: Settings, embedder: Embedder) -> bool:
    expected = _expected(settings, embedder)
    return all(manifest.get(k) == v for k, v in expected.items())


def _is_fresh(manifest: dict, settings: Settings, embedder: Embedder, files: dict[str, str]) -> bool:
    indexed = {path: entry["sha256"] for path, entry in manifest.get("documents", {}).items()}
    indexed.update(manifest.get("skipped_hashes", {}))
    return _same_settings(manifest, settings, embedder) and indexed == files


def _build(settings: Settings, embedder: Embedder, files: dict[str, str],
           previous: Index | None, progress: Progress | None) -> Index:
    """Process new or changed documents, keep the rest, and publish a new build."""
    documents_dir = settings.documents_dir
    catalog = read_catalog(documents_dir)
    old_entries = previous.manifest["documents"] if previous else {}
    documents: list[Document] = []
    skipped: dict[str, str] = {}
    to_embed: list[Document] = []
    for i, (rel, sha) in enumerate(sorted(files.items())):
        _report(progress, "read", i, len(files))
        old = old_entries.get(rel)
        if previous and old and old["sha256"] == sha and old["doc_id"] in previous.documents:
            documents.append(previous.documents[old["doc_id"]])
            continue
        try:
            doc = load_document(documents_dir / rel, documents_dir, catalog, sha256=sha)
        except DocumentError as exc:
            skipped[rel] = exc.reason
            continue
        documents.append(doc)
        to_embed.append(doc)
    _report(progress, "read", len(files), len(files))
    if not documents:
        reasons = "; ".join(f"{p}: {r}" for p, r in skipped.items())
        raise NoDocumentsError(f"none of the documents in {documents_dir} could be read ({reasons})")

    chunks, vectors = _chunks_and_vectors(documents, to_embed, previous, settings, embedder, progress)
    _report(progress, "index", 0, 1)
    per_doc = Counter(c.doc_id for c in chunks)
    manifest = {
        **_expected(settings, embedder),
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "n_chunks": len(chunks),
        "documents": {
            _rel_path(d, documents_dir): {"sha256": d.sha256, "doc_id": d.doc_id, "n_chunks": per_doc[d.doc_id]}
            for d in documents
        },
        "skipped": skipped,
        "skipped_hashes": {rel: files[rel] for rel in skipped},
    }
    index = Index(manifest, {d.doc_id: d for d in documents}, chunks, _flat_index(vectors),
                  BM25Index.build([index_text(c) for c in chunks]), _spellings(chunks))
    _publish(settings.index_dir, index)
    _report(progress, "index", 1, 1)
    return index


def _rel_path(doc: Document, documents_dir: Path) -> str:
    return Path(doc.path or "").resolve().relative_to(documents_dir.resolve()).as_posix()


def _chunks_and_vectors(documents: list[Document], to_embed: list[Document], previous: Index | None,
                        settings: Settings, embedder: Embedder, progress: Progress | None,
                        ) -> tuple[list[Chunk], np.ndarray]:
    fresh = {d.doc_id for d in to_embed}
    new_chunks: list[Chunk] = []
    for doc in to_embed:
        new_chunks.extend(chunk_document(doc, settings.chunk_chars, settings.chunk_overlap_sentences))
    new_vectors = _embed_all([index_text(c) for c in new_chunks], embedder, progress)
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
    return chunks, matrix


def _embed_all(texts: list[str], embedder: Embedder, progress: Progress | None) -> np.ndarray:
    out = np.zeros((len(texts), embedder.dim), dtype=np.float32)
    for start in range(0, len(texts), EMBED_BATCH):
        _report(progress, "embed", start, len(texts))
        batch = texts[start:start + EMBED_BATCH]
        out[start:start + len(batch)] = embedder.embed_passages(batch)
    _report(progress, "embed", len(texts), len(texts))
    return out


def _flat_index(vectors: np.ndarray) -> faiss.Index:
    """Exact inner-product search: vectors are normalised, so this is cosine."""
    index = faiss.IndexFlatIP(vectors.shape[1])
    if len(vectors):
        index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    return index


def _spellings(chunks: list[Chunk]) -> dict[str, str]:
    """Most frequent accented spelling of each folded syllable and syllable pair.

    Restores diacritics of questions typed without them, before they are embedded:
    the collection itself is the dictionary, so it fits whatever plans are indexed.
    """
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for chunk in chunks:
        accented = words(chunk.text)
        folded = [fold(w) for w in accented]
        for a, f in zip(accented, folded):
            counts[f][a] += 1
        for a, f in zip(bigrams(accented), bigrams(folded)):
            counts[f][a] += 1
    return {f: c.most_common(1)[0][0] for f, c in counts.items() if c.most_common(1)[0][0] != f}


# ---------------------------------------------------------------- persistence

def _publish(index_dir: Path, index: Index) -> None:
    """Write the build to a new folder, then point CURRENT at it atomically."""
    name = f"build-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 10**6}"
    tmp = index_dir / (name + ".tmp")
    tmp.mkdir(parents=True)
    (tmp / "documents.json").write_text(
        json.dumps([asdict(d) for d in index.documents.values()], ensure_ascii=False), encoding="utf-8")
    (tmp / "chunks.json").write_text(
        json.dumps([[c.doc_id, c.start, c.end, c.heading_path] for c in index.chunks], ensure_ascii=False),
        encoding="utf-8")
    faiss.write_index(index.vectors, str(tmp / "vectors.faiss"))
    (tmp / "bm25").mkdir()
    index.bm25.save(tmp / "bm25")
    (tmp / "spellings.json").write_text(json.dumps(index.spellings, ensure_ascii=False), encoding="utf-8")
    (tmp / "manifest.json").write_text(json.dumps(index.manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    _fsync_tree(tmp)
    os.replace(tmp, index_dir / name)
    pointer = index_dir / "CURRENT.tmp"
    pointer.write_text(name, encoding="utf-8")
    _fsync_file(pointer)
    os.replace(pointer, index_dir / "CURRENT")
    _remove_old_builds(index_dir, keep=name)


def _load_current(index_dir: Path) -> Index | None:
    """The build CURRENT names, or None when there is none or it is unreadable."""
    pointer = index_dir / "CURRENT"
    if not pointer.exists():
        return None
    folder = index_dir / pointer.read_text(encoding="utf-8").strip()
    try:
        return load_build(folder)
    except (OSError, ValueError, KeyError, RuntimeError, BrokenIndexError):
        return None  # treated as absent: the caller rebuilds it


def load_build(folder: Path) -> Index:
    """Load one build folder; raises ``BrokenIndexError`` when parts are missing."""
    if not (folder / "manifest.json").exists():
        raise BrokenIndexError(f"index build {folder} has no manifest: run `python -m qa index`")
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    if manifest.get("format_version") != FORMAT_VERSION:
        raise ValueError("index format version differs")
    documents = {d["doc_id"]: Document(**d) for d in json.loads((folder / "documents.json").read_text(encoding="utf-8"))}
    # Rows are [doc_id, start, end, heading_path] (older builds: no heading path).
    chunks = [Chunk(i, row[0], documents[row[0]].text[row[1]:row[2]], row[1], row[2], row[3] if len(row) > 3 else "")
              for i, row in enumerate(json.loads((folder / "chunks.json").read_text(encoding="utf-8")))]
    vectors = faiss.read_index(str(folder / "vectors.faiss"))
    if vectors.ntotal != len(chunks):
        raise ValueError("vector count does not match chunk count")
    bm25 = BM25Index.load(folder / "bm25")
    spellings = json.loads((folder / "spellings.json").read_text(encoding="utf-8"))
    return Index(manifest, documents, chunks, vectors, bm25, spellings)


def _remove_old_builds(index_dir: Path, keep: str) -> None:
    for entry in index_dir.iterdir():
        if entry.is_dir() and entry.name.startswith("build-") and entry.name != keep:
            shutil.rmtree(entry, ignore_errors=True)


@contextmanager
def _build_lock(index_dir: Path) -> Iterator[None]:
    """One build at a time per index folder (the chat and the CLI may both start one)."""
    with open(index_dir / ".lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _fsync_file(path: Path) -> None:
    with open(path, "rb") as fh:
        os.fsync(fh.fileno())


def _fsync_tree(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            _fsync_file(path)


def _report(progress: Progress | None, stage: str, done: int, total: int) -> None:
    if progress is not None:
        progress(stage, done, total)


__all__ = ["Index", "Progress", "open_index", "load_build"]
