"""Ingestion speed: files to a published index, in chunks per second, on this machine.

    python bench/bench_ingest.py [--copies 20] [--embed-sample 128] [--max-wait 600]

The files are the five bundled plans and, when ``shared/plans`` is there, its 60
plan excerpts. Three measurements, each bounded (a few minutes in all):

1. **Reading, cleaning, chunking and indexing**, without the embedder's cost: the
   files copied ``--copies`` times into a temporary folder (each copy its own
   document) and built by the real ``qa.indexing.index.open_index`` with a stand-in embedder
   (a hash of each text as its vector), once with one reading process and once with
   ``QA_INGEST_WORKERS`` unset (one per core). Stage times come from the build's own
   progress reports: scanning and hashing, reading and cleaning (files/s),
   chunking, the stand-in embedding, and indexing (BM25, vectors, spelling table,
   writing the build).
2. **Embedding**: the configured model on ``--embed-sample`` chunks of those files,
   at several batch sizes (``QA_EMBED_BATCH``), in chunks/s.
3. **End to end**: ``python -m qa index`` as a user runs it, from nothing, on the
   files once (real embedder), in a fresh process: chunks/s over its wall time,
   Python start-up and model load included.

Results go to ``bench/results/ingest.md``.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

import benchlib
from benchlib import DOCUMENTS_DIR, REPO_ROOT, table

from eval.sets import shared_dir  # noqa: E402  (after benchlib, which puts the repository on sys.path)
from qa.documents import reading  # noqa: E402
from qa.documents.chunking import index_text  # noqa: E402
from qa.config import load_settings  # noqa: E402
from qa.indexing.embed import load_embedder  # noqa: E402
from qa.indexing.index import open_index  # noqa: E402
from qa.documents.loaders import SUPPORTED_EXTENSIONS  # noqa: E402

BATCHES = (1, 16, 64)


class HashEmbedder:
    """A stand-in embedder: each text's vector is made from its SHA-256 (no model)."""

    name, dim = "bench-hash-embedder", 384

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        rows = [np.frombuffer(hashlib.sha256(t.encode()).digest() * 12, np.uint8)[: self.dim] for t in texts]
        vectors = np.stack(rows).astype(np.float32) - 127.5
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)

    embed_queries = embed_passages


class StageClock:
    """A progress callback that notes when each stage first and last reported."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.first: dict[str, float] = {}
        self.last: dict[str, float] = {}
        self.totals: dict[str, int] = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.perf_counter()
        self.first.setdefault(stage, now)
        self.last[stage] = now
        self.totals[stage] = total

    def stages(self, ended: float) -> dict[str, float]:
        """Seconds per stage, gaps included: what came before reading (scanning and
        hashing), between reading and embedding (chunking), and so on."""
        read0, read1 = self.first["read"], self.last["read"]
        embed0, embed1 = self.first.get("embed", read1), self.last.get("embed", read1)
        return {"scan and hash": read0 - self.started, "read and clean": read1 - read0,
                "chunk": embed0 - read1, "embed (stand-in)": embed1 - embed0, "index and write": ended - embed1}


def source_files() -> list[Path]:
    folders = [DOCUMENTS_DIR] + [p for p in [shared_dir() / "plans"] if p.is_dir()]
    return sorted(p for f in folders for p in f.iterdir()
                  if p.suffix.lower() in SUPPORTED_EXTENSIONS and p.name.lower() != "readme.md")


def copied_folder(files: list[Path], copies: int, into: Path) -> Path:
    into.mkdir(parents=True)
    for c in range(copies):
        for f in files:
            shutil.copyfile(f, into / f"c{c}_{f.parent.name}_{f.name}")
    return into


def stub_build(folder: Path, workers: int, tmp: Path) -> dict:
    """The real build with a stand-in embedder; seconds per stage."""
    settings = load_settings(documents_dir=folder, index_dir=tmp / f"index-{workers}", ingest_workers=workers)
    clock = StageClock()
    index = open_index(settings, HashEmbedder(), clock)
    ended = time.perf_counter()
    return {"workers": reading.workers_for(settings, len(index.manifest["documents"])),
            "files": clock.totals["read"], "chunks": len(index.chunks), "total": ended - clock.started,
            "stages": clock.stages(ended), "texts": [index_text(c) for c in index.chunks]}


def embedding_rates(texts: list[str], sample: int) -> list[tuple[int, float]]:
    settings = load_settings()
    embedder = load_embedder(settings.model, settings.device, settings.embed_batch)
    chosen = texts[:: max(1, len(texts) // sample)][:sample]
    embedder.embed_passages(chosen[:2])  # warm-up
    rates = []
    for batch in BATCHES:
        started = time.perf_counter()
        for i in range(0, len(chosen), batch):
            embedder.embed_passages(chosen[i:i + batch])
        rates.append((batch, len(chosen) / (time.perf_counter() - started)))
        print(f"embedding at batch {batch}: {rates[-1][1]:.1f} chunks/s", file=sys.stderr)
    return rates


def end_to_end(files: list[Path], tmp: Path) -> dict:
    folder = copied_folder(files, 1, tmp / "e2e-docs")
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "qa", "index", "--documents", str(folder),
                           "--index", str(tmp / "e2e-index")], cwd=REPO_ROOT, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(REPO_ROOT)})
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"python -m qa index failed ({done.returncode}):\n{done.stderr[-3000:]}")
    first = done.stdout.splitlines()[0]  # "indexed N documents, M chunks from ..."
    chunks = int(first.split(" chunks")[0].rsplit(" ", 1)[1])
    return {"seconds": seconds, "chunks": chunks, "summary": first}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--copies", type=int, default=20, help="copies of the files for the stand-in builds")
    parser.add_argument("--embed-sample", type=int, default=128, help="chunks embedded per batch size")
    benchlib.add_max_wait(parser)
    args = parser.parse_args(argv)
    load_before = benchlib.wait_until_quiet(args.max_wait)
    files = source_files()
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp_name:
        tmp = Path(tmp_name)
        folder = copied_folder(files, args.copies, tmp / "docs")
        builds = [stub_build(folder, 1, tmp), stub_build(folder, 0, tmp)]
        print("stand-in builds done", file=sys.stderr)
        rates = embedding_rates(builds[0]["texts"], args.embed_sample)
        e2e = end_to_end(files, tmp)
    size_mb = sum(f.stat().st_size for f in files) * args.copies / 1e6
    markdown = report(files, args, builds, rates, e2e, size_mb, load_before)
    print(markdown)
    print(f"written to {benchlib.write_result('ingest.md', markdown)}", file=sys.stderr)
    return 0


def report(files: list[Path], args: argparse.Namespace, builds: list[dict], rates: list[tuple[int, float]],
           e2e: dict, size_mb: float, load_before: float) -> str:
    serial, parallel = builds
    settings = load_settings()
    best_rate = max(r for _, r in rates)
    per_chunk_rest = parallel["total"] / parallel["chunks"]  # everything but the embedding, per chunk
    lines = [
        "# Ingestion benchmark",
        "",
        "Written by `python bench/bench_ingest.py`; see `bench/README.md`.",
        "",
        *benchlib.machine_lines(load_before),
        f"- Embedding model `{settings.model}` on {settings.device or 'cpu'}",
        "",
        f"{len(files)} files ({', '.join(sorted({f.parent.name for f in files}))}).",
        "",
        "## End to end",
        "",
        f"`python -m qa index` from nothing on the {len(files)} files, in a fresh process (start-up and model "
        f"load included): **{e2e['chunks'] / e2e['seconds']:.1f} chunks/s** ({e2e['chunks']:,} chunks in "
        f"{e2e['seconds']:.1f} s).",
        "",
        "## Without the embedder",
        "",
        f"The files copied {args.copies} times ({serial['files']:,} files, {size_mb:.1f} MB, "
        f"{serial['chunks']:,} chunks), built by `open_index` with a stand-in embedder (a hash per text):",
        "",
        table(["stage", "1 reading process, s", f"{parallel['workers']} reading processes, s"],
              [(name, f"{serial['stages'][name]:.2f}", f"{parallel['stages'][name]:.2f}") for name in serial["stages"]]
              + [("**total**", f"{serial['total']:.2f}", f"{parallel['total']:.2f}")]),
        "",
        table(["", "1 reading process", f"{parallel['workers']} reading processes"], [
            ("reading and cleaning, files/s", f"{serial['files'] / serial['stages']['read and clean']:.1f}",
             f"{parallel['files'] / parallel['stages']['read and clean']:.1f}"),
            ("whole build without embedding, chunks/s", f"{serial['chunks'] / serial['total']:.0f}",
             f"{parallel['chunks'] / parallel['total']:.0f}"),
        ]),
        "",
        "## Embedding",
        "",
        f"The configured model on {args.embed_sample} of those chunks (one call per batch):",
        "",
        table(["batch", "chunks/s"], [(b, f"{r:.1f}") for b, r in rates]),
        "",
        f"Embedding is the bottleneck: at {best_rate:.1f} chunks/s it takes {1 / best_rate * 1000:.0f} ms a chunk, "
        f"everything else {per_chunk_rest * 1000:.1f} ms. At that rate 100k chunks embed in "
        f"{100_000 / best_rate / 3600:.1f} h and 1 M in {1_000_000 / best_rate / 3600:.0f} h on this machine; "
        "a GPU (`QA_DEVICE=cuda` with a sentence-transformers model) is what shortens that.",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
