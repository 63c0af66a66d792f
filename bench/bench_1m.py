"""The dense index at 1,000,000 chunks: exact (flat) against approximate (``qa.indexing.vectors``).

    python bench/bench_1m.py [--chunks 1000000] [--questions 200] [--max-wait 600] [--alternatives]

Vectors. Embedding a million passages would take most of a day here, so the vectors
are made from real ones: every distinct sentence of the five bundled plans and, when
``shared/plans`` is there, of its 60 plan excerpts, embedded once as passages with
the configured model (cached in ``bench/cache/`` as ``bench_100k.py`` caches them).
Each chunk's vector is a random convex mixture (Dirichlet weights) of 2-4 of those
sentence vectors plus a little Gaussian noise (``--noise``, the noise's norm relative
to the vector's), normalised. That keeps what makes approximate search hard on real
passages, clusters and near ties (the 10th neighbour of a question is typically
within 0.005 of the first in cosine), which uniform noise has none of: recall on
uniform noise would mean nothing. Questions are the real ones of the question sets,
embedded as queries.

Measured: build time (FAISS add for exact; k-means training and add for approximate),
size on disk, recall@10 and @50 of the approximate index against exact (without and
with a province filter: one of 63 synthetic provinces), per-question latency at k=50
(what the retriever asks for) and at the comparison's wide k, the cost of exact
search at 100k-1M chunks (what sets ``qa.config.ANN_MIN_CHUNKS``), and the memory of
a fresh process that loads the index file and the embedder and answers the
questions (``--serve`` child). ``--alternatives`` also measures the index types
``qa.indexing.vectors`` did not choose (8-bit codes, HNSW graphs), at the same size.
Results go to ``bench/results/1m.md``. Targets: recall@10 >= 0.98, p50 <= 60 ms,
serving RSS <= 2 GB.
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

import benchlib
from benchlib import DOCUMENTS_DIR, QUESTIONS_FILE, REPO_ROOT, summary_ms, table, verdict

import faiss  # noqa: E402

from bench_100k import real_sentences, sentence_vectors, timed  # noqa: E402
from eval.runner import load_questions  # noqa: E402
from eval.sets import shared_dir  # noqa: E402
from qa.indexing import vectors  # noqa: E402
from qa.config import ANN_MIN_CHUNKS, load_settings  # noqa: E402
from qa.indexing.embed import load_embedder  # noqa: E402

SEED = 20250101
N_PROVINCES = 63
K = 50
RECALL_AT = (10, 50)
TARGET_RECALL = 0.98
TARGET_P50_MS = 60.0
TARGET_RSS_MIB = 2048.0
SWEEP = (100_000, 250_000, 500_000, 1_000_000)
SWEEP_QUESTIONS = 30
QUESTION_SETS = ("questions.jsonl", "questions_plans.jsonl")


# ------------------------------------------------------------------ the vectors

def sentence_pool() -> tuple[list[str], list[str]]:
    """Distinct real sentences, and the folders they came from."""
    folders = [DOCUMENTS_DIR] + [p for p in [shared_dir() / "plans"] if p.is_dir()]
    pool: dict[str, None] = {}
    for folder in folders:
        pool.update(dict.fromkeys(real_sentences(folder)))
    return list(pool), [str(f) for f in folders]


def mixed_vectors(sentence_matrix: np.ndarray, n: int, noise: float, seed: int) -> np.ndarray:
    """``n`` normalised vectors, each a Dirichlet-weighted mixture of 2-4 random
    sentence vectors plus Gaussian noise of relative norm ``noise``."""
    rng = np.random.default_rng(seed)
    dim = sentence_matrix.shape[1]
    out = np.empty((n, dim), dtype=np.float32)
    for start in range(0, n, 100_000):  # in blocks: a few hundred MB at a time
        m = min(100_000, n - start)
        used = rng.integers(2, 5, m)[:, None] > np.arange(4)[None, :]
        weights = rng.dirichlet(np.ones(4), m).astype(np.float32) * used
        picks = rng.integers(0, len(sentence_matrix), (m, 4))
        block = np.einsum("nk,nkd->nd", weights, sentence_matrix[picks])
        block /= np.linalg.norm(block, axis=1, keepdims=True)
        block += rng.standard_normal((m, dim), dtype=np.float32) * (noise / math.sqrt(dim))
        block /= np.linalg.norm(block, axis=1, keepdims=True)
        out[start:start + m] = block
    return out


def question_texts(limit: int) -> list[str]:
    texts: list[str] = []
    for name in QUESTION_SETS:
        path = QUESTIONS_FILE.parent / name
        if path.is_file():
            texts += [q["question"] for q in load_questions(path)[0]]
    return list(dict.fromkeys(texts))[:limit]


# ------------------------------------------------------------------ measuring

def recall(found: np.ndarray, truth: np.ndarray, k: int) -> float:
    """Mean share of the exact top k that the approximate top k holds."""
    return float(np.mean([len(set(f[:k].tolist()) & set(t[:k].tolist())) / k for f, t in zip(found, truth)]))


def search_all(index: faiss.Index, questions: np.ndarray, k: int, allowed: np.ndarray | None = None,
               ) -> tuple[np.ndarray, list[float]]:
    """Each question searched alone, as the retriever does: ids and milliseconds."""
    ids, ms = [], []
    vectors.search(index, questions[0], k, allowed)  # warm-up
    for q in questions:
        (_, found), t = timed(lambda: vectors.search(index, q, k, allowed), 1000)
        ids.append(found)
        ms.append(t)
    return np.stack(ids), ms


def measure(index: faiss.Index, exact_ids: dict[str, np.ndarray], questions: np.ndarray,
            allowed: np.ndarray, wide: int) -> dict:
    found, ms = search_all(index, questions, K)
    found_f, ms_f = search_all(index, questions, K, allowed)
    _, ms_wide = search_all(index, questions[:50], wide)
    return {
        "recall": {k: recall(found, exact_ids["all"], k) for k in RECALL_AT},
        "recall_filtered": {k: recall(found_f, exact_ids["province"], k) for k in RECALL_AT},
        "ms": ms, "ms_filtered": ms_f, "ms_wide": ms_wide,
    }


def index_size_mib(index: faiss.Index) -> float:
    return faiss.serialize_index(index).nbytes / 2**20


def serving(index: faiss.Index, n_questions: int) -> dict:
    """Write the index and let a fresh process load it with the embedder and answer."""
    with tempfile.TemporaryDirectory(prefix="bench-1m-") as tmp:
        path = Path(tmp) / "vectors.faiss"
        faiss.write_index(index, str(path))
        done = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--serve", str(path),
                               "--questions", str(n_questions)], cwd=REPO_ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"the serving process failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def serve(path: Path, n_questions: int) -> int:
    """Child process: load the embedder and an index file, embed and search every
    question; print memory and latencies as JSON."""
    settings = load_settings()
    started = time.perf_counter()
    embedder = load_embedder(settings.model)
    index = faiss.read_index(str(path))
    load_s = time.perf_counter() - started
    loaded = benchlib.memory_mib()
    texts = question_texts(n_questions)
    embedder.embed_queries(texts[:1])
    ms = []
    for text in texts:
        started = time.perf_counter()
        vectors.search(index, embedder.embed_queries([text])[0], K)
        ms.append((time.perf_counter() - started) * 1000)
    print(json.dumps({"load_s": load_s, "loaded": loaded, "served": benchlib.memory_mib(), "ms": ms,
                      "kind": vectors.kind(index)}))
    return 0


def sweep(data: np.ndarray, questions: np.ndarray, sizes: tuple[int, ...]) -> list[tuple[int, float, float]]:
    """Exact search's p50/p95 at k=50 on the first n vectors, for each size."""
    rows = []
    for n in sizes:
        if n > len(data):
            continue
        flat = faiss.IndexFlatIP(data.shape[1])
        flat.add(data[:n])
        _, ms = search_all(flat, questions[:SWEEP_QUESTIONS], K)
        s = summary_ms(ms)
        rows.append((n, s["p50"], s["p95"]))
        del flat
    return rows


def alternatives(data: np.ndarray, questions: np.ndarray, exact_all: np.ndarray) -> list[tuple]:
    """Index types not chosen, built with FAISS's factory at this size: build seconds,
    size, and recall@10 / p50 at several search depths."""
    nlist = vectors.n_clusters(len(data))
    rng = np.random.default_rng(SEED)
    rows = []
    for spec, depths in ((f"IVF{nlist},SQ8", (nlist // 16, nlist // 8, nlist // 4)),
                         ("HNSW32,SQfp16", (64, 128, 256, 512))):
        index = faiss.index_factory(data.shape[1], spec, faiss.METRIC_INNER_PRODUCT)
        started = time.perf_counter()
        if not index.is_trained:
            index.train(data[np.sort(rng.choice(len(data), min(len(data), vectors.TRAIN_PER_CLUSTER * nlist),
                                                replace=False))])
        index.add(data)
        build_s = time.perf_counter() - started
        for depth in depths:
            params = (faiss.SearchParametersIVF(nprobe=depth) if spec.startswith("IVF")
                      else faiss.SearchParametersHNSW(efSearch=depth))
            ids, ms = [], []
            for q in questions:
                (_, found), t = timed(lambda: index.search(q[None], K, params=params), 1000)
                ids.append(found[0])
                ms.append(t)
            rows.append((spec, depth, build_s, index_size_mib(index), recall(np.stack(ids), exact_all, 10),
                         summary_ms(ms)["p50"]))
        print(f"alternative {spec} measured", file=sys.stderr)
        del index
    return rows


# ------------------------------------------------------------------ main

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chunks", type=int, default=1_000_000, help="size of the synthetic collection")
    parser.add_argument("--questions", type=int, default=200, help="questions asked (the first of the sets)")
    parser.add_argument("--noise", type=float, default=0.1, help="relative norm of the noise added to each vector")
    parser.add_argument("--alternatives", action="store_true", help="also measure the index types not chosen")
    benchlib.add_max_wait(parser)
    parser.add_argument("--serve", type=Path, help=argparse.SUPPRESS)  # the serving-memory child
    args = parser.parse_args(argv)
    if args.serve:
        return serve(args.serve, args.questions)
    if args.chunks < 10_000 or args.questions < 10:
        parser.error("use at least 10,000 chunks and 10 questions")
    load_before = benchlib.wait_until_quiet(args.max_wait)
    settings = replace(load_settings(), ann_min_chunks=min(ANN_MIN_CHUNKS, args.chunks))
    build: dict[str, float] = {}

    pool, folders = sentence_pool()
    embedder = load_embedder(settings.model)
    (sentence_matrix, fresh), build[f"sentence vectors ({fresh} embedded now)"] = timed(
        lambda: sentence_vectors(pool, embedder))
    data, build["synthetic chunk vectors (not part of a real build)"] = timed(
        lambda: mixed_vectors(sentence_matrix, args.chunks, args.noise, SEED))
    texts = question_texts(args.questions)
    questions = embedder.embed_queries(texts)
    province = np.random.default_rng(SEED + 1).integers(0, N_PROVINCES, args.chunks)
    allowed = np.flatnonzero(province == 0)
    print(f"{len(pool)} sentences -> {len(data):,} vectors; {len(texts)} questions", file=sys.stderr)

    exact, build["exact: IndexFlatIP add"] = timed(lambda: vectors.build(data, 10**12))
    exact_ids = {"all": exact.search(questions, K)[1],
                 "province": np.stack([vectors.search(exact, q, K, allowed)[1] for q in questions])}
    cosines = exact.search(questions, 10)[0]
    approximate, build["approximate: qa.indexing.vectors.build (k-means training + add)"] = timed(
        lambda: vectors.build(data, settings.ann_min_chunks))
    ivf = faiss.extract_index_ivf(approximate)
    wide = settings.candidates * max(4, N_PROVINCES)  # a comparison across the collection (qa.retrieval.retrieve)
    results = {"exact": measure(exact, exact_ids, questions, allowed, wide),
               "approximate": measure(approximate, exact_ids, questions, allowed, wide)}
    sizes = {"exact": index_size_mib(exact), "approximate": index_size_mib(approximate)}
    print("latency and recall measured", file=sys.stderr)
    swept = sweep(data, questions, SWEEP)
    others = alternatives(data, questions, exact_ids["all"]) if args.alternatives else []
    del exact
    served = {"approximate": serving(approximate, args.questions)}
    del approximate
    flat = faiss.IndexFlatIP(data.shape[1])
    flat.add(data)
    del data
    served["exact"] = serving(flat, args.questions)

    markdown = report({
        "n": args.chunks, "pool": len(pool), "folders": folders, "n_questions": len(texts), "noise": args.noise,
        "build": build, "results": results, "sizes": sizes, "served": served, "swept": swept, "others": others,
        "nlist": ivf.nlist, "nprobe": vectors.n_probes(ivf.nlist), "allowed": len(allowed), "wide": wide,
        "cosines": cosines, "threshold": settings.ann_min_chunks,
    }, load_before)
    print(markdown)
    print(f"written to {benchlib.write_result('1m.md', markdown)}", file=sys.stderr)
    return 0


def report(r: dict, load_before: float) -> str:
    ann, exact = r["results"]["approximate"], r["results"]["exact"]
    served = r["served"]
    p50 = summary_ms(served["approximate"]["ms"])["p50"]
    rss = served["approximate"]["served"]["hwm"]
    gap = np.median(r["cosines"][:, 0] - r["cosines"][:, 9])
    lines = [
        f"# Dense index at {r['n']:,} chunks: exact against approximate",
        "",
        "Written by `python bench/bench_1m.py`; see `bench/README.md`.",
        "",
        *benchlib.machine_lines(load_before),
        "",
        f"**Synthetic vectors from real ones.** {r['pool']} distinct real sentences ("
        + ", ".join(f"`{Path(f).name}`" for f in r["folders"]) + ") embedded as passages; each of the "
        f"{r['n']:,} chunk vectors is a Dirichlet-weighted mixture of 2-4 of them plus Gaussian noise of relative "
        f"norm {r['noise']}, normalised (seed {SEED}). {r['n_questions']} real questions, embedded as queries. "
        f"Near ties are many: the median gap in cosine between a question's 1st and 10th exact neighbour is "
        f"{gap:.4f}, so recall here errs on the hard side. The province filter keeps one of {N_PROVINCES} "
        f"random provinces ({r['allowed']:,} chunks).",
        "",
        "## Targets",
        "",
        table(["target", "limit", "measured", ""], [
            ("recall@10 of the approximate index against exact", f"{TARGET_RECALL}",
             f"{ann['recall'][10]:.4f}", "met" if ann["recall"][10] >= TARGET_RECALL else "**MISSED**"),
            ("query p50 (question embedding + approximate search, k=50, serving process)",
             f"{TARGET_P50_MS:.0f} ms", f"{p50:.1f} ms", verdict(p50, TARGET_P50_MS)),
            ("serving memory (VmHWM of a process holding the embedder and the approximate index)",
             f"{TARGET_RSS_MIB:,.0f} MiB", f"{rss:,.0f} MiB", verdict(rss, TARGET_RSS_MIB)),
        ]),
        "",
        f"The approximate index is `qa.indexing.vectors`' choice at this size: an inverted file of float16 vectors, "
        f"nlist = {r['nlist']}, nprobe = {r['nprobe']} (`IndexIVFScalarQuantizer`, `QT_fp16`, inner product). "
        f"`qa.config.ANN_MIN_CHUNKS` = {ANN_MIN_CHUNKS:,}.",
        "",
        "## Build",
        "",
        table(["step", "seconds"], [(name, f"{s:.1f}") for name, s in r["build"].items()]),
        "",
        table(["index", "size on disk MiB"], [(k, f"{v:,.0f}") for k, v in r["sizes"].items()]),
        "",
        "## Recall and latency",
        "",
        f"Each question searched alone (one vector, k = {K}, as `qa.retrieval.retrieve` asks); milliseconds; recall "
        "against the exact index's results for the same search.",
        "",
        table(["index", "search", "recall@10", "recall@50", "p50 ms", "p95 ms", "max ms"], [
            (name, "whole collection", f"{res['recall'][10]:.4f}", f"{res['recall'][50]:.4f}", *benchlib.summary_cells(res["ms"]))
            for name, res in (("exact", exact), ("approximate", ann))
        ] + [
            (name, "province filter", f"{res['recall_filtered'][10]:.4f}", f"{res['recall_filtered'][50]:.4f}",
             *benchlib.summary_cells(res["ms_filtered"])) for name, res in (("exact", exact), ("approximate", ann))
        ] + [
            (name, f"comparison's wide search, k = {r['wide']}", "", "", *benchlib.summary_cells(res["ms_wide"]))
            for name, res in (("exact", exact), ("approximate", ann))
        ]),
        "",
        "## Serving",
        "",
        "A fresh process loads the embedder and the index file, then embeds and searches every question "
        "(the time is embedding + search):",
        "",
        table(["index", "load s", "VmRSS MiB loaded", "VmHWM MiB after the questions", "p50 ms", "p95 ms"], [
            (name, f"{s['load_s']:.1f}", f"{s['loaded']['rss']:,.0f}", f"{s['served']['hwm']:,.0f}",
             *benchlib.summary_cells(s["ms"])[:2]) for name, s in served.items()
        ]),
        "",
        "Not included: the chunk texts, the BM25 index and the spelling table a whole assistant also holds; "
        "at 100k chunks they were most of the 844 MiB a server held (`results/100k.md`), and they grow with "
        "the collection.",
        "",
        "## Exact search by size (the threshold)",
        "",
        table(["chunks", "exact p50 ms", "exact p95 ms"], [(f"{n:,}", f"{a:.1f}", f"{b:.1f}") for n, a, b in r["swept"]]),
        "",
    ]
    if r["others"]:
        lines += [
            "## Index types not chosen",
            "",
            "Same vectors and questions; recall@10 against exact, single-question p50 at k = 50:",
            "",
            table(["index", "nprobe / efSearch", "build s", "size MiB", "recall@10", "p50 ms"],
                  [(spec, d, f"{b:.0f}", f"{s:,.0f}", f"{rc:.4f}", f"{p:.2f}") for spec, d, b, s, rc, p in r["others"]]),
            "",
        ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
