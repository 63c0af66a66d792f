"""Either search back end answers the same: the Milvus back end (here on Milvus Lite)
scores BM25 as the local index does, answers the headline questions, honours the
province and year filters, replaces only an updated document's chunks, and is chosen by
a setting alone."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from helpers import PLAN_A, PLAN_B, PLAN_C, first_marked, write
from qa.indexing.backend import LocalBackend, SearchFilter, open_backend
from qa.config import PROJECT_ROOT, load_settings
from qa.errors import BackendError
from qa.pipeline import Assistant
from qa.retrieval.query import analyse

pytest.importorskip("pymilvus", reason="pymilvus is not installed: pip install 'qa-chuyen-doi-so[milvus]'")
pytest.importorskip("milvus_lite", reason="milvus-lite is not installed: pip install 'qa-chuyen-doi-so[milvus]'")

from qa.indexing.milvus_backend import AVGDL_TOLERANCE, MilvusBackend  # noqa: E402  (needs pymilvus)

QUESTIONS_FILE = PROJECT_ROOT / "eval" / "questions.jsonl"
#: Questions of the articles set whose BM25 and dense candidates are compared.
COMPARED_QUESTIONS = 40
#: Float32 weights summed in another order: scores agree to this relative tolerance.
SCORE_RTOL = 1e-5



@pytest.fixture(scope="module")
def milvus_assistant(assistant, tmp_path_factory) -> Assistant:
    """The session's assistant over the bundled plans, searching Milvus Lite instead."""
    uri = str(tmp_path_factory.mktemp("milvus") / "plans.db")
    return Assistant.open(replace(assistant.settings, milvus_uri=uri))


def _questions(n: int) -> list[str]:
    lines = QUESTIONS_FILE.read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["question"] for line in lines if line.strip()][:n]


def _ranked(scores: dict[int, float]) -> list[int]:
    return sorted(scores, key=lambda i: (-round(scores[i], 4), i))


def test_the_milvus_back_end_is_used_when_a_uri_is_set(milvus_assistant, assistant):
    assert isinstance(milvus_assistant.backend, MilvusBackend)
    assert isinstance(assistant.backend, LocalBackend)
    rows = milvus_assistant.backend.client.query(milvus_assistant.backend.collection, filter="ordinal >= 0",
                                                 output_fields=["doc_id"], limit=10_000)
    assert len(rows) == len(milvus_assistant.index.chunks) > 0


def test_bm25_scores_on_milvus_equal_the_local_bm25_scores(milvus_assistant, assistant):
    local, milvus = assistant.backend, milvus_assistant.backend
    n = len(assistant.index.chunks)
    compared = 0
    for question in _questions(COMPARED_QUESTIONS):
        query = analyse(question, assistant.index.spellings)
        ours = local.sparse(query.bm25_terms, n)
        theirs = milvus.sparse(query.bm25_terms, n)
        assert set(ours) == set(theirs), question
        for chunk_id, score in ours.items():
            assert theirs[chunk_id] == pytest.approx(score, rel=SCORE_RTOL), question
        assert _ranked(ours)[:10] == _ranked(theirs)[:10], question
        compared += bool(ours)
    assert compared >= COMPARED_QUESTIONS // 2, "too few questions had any BM25 match to compare"


def test_vietnamese_terms_survive_folded_and_paired(milvus_assistant, assistant):
    """A question typed without diacritics finds by folded syllable pairs what the accented one finds."""
    for terms in (["thanh_toan", "dien_tu"], ["thanh", "toán", "điện", "tử"]):
        ours = assistant.backend.sparse(terms, 10)
        theirs = milvus_assistant.backend.sparse(terms, 10)
        assert ours and _ranked(ours) == _ranked(theirs)


def test_dense_candidates_on_milvus_equal_the_local_ones(milvus_assistant, assistant):
    for question in _questions(10):
        query = analyse(question, assistant.index.spellings)
        vector = assistant.retriever.embed(query)
        ours = assistant.backend.dense(vector, 50)
        theirs = milvus_assistant.backend.dense(vector, 50)
        assert _ranked(ours)[:10] == _ranked(theirs)[:10], question
        assert np.allclose([ours[i] for i in ours], [theirs[i] for i in ours], rtol=SCORE_RTOL, atol=1e-6)


@pytest.mark.parametrize("question, figure, province", [
    ("What is Hà Tĩnh's 2025 e-payment target?", "30%", "Hà Tĩnh"),
    ("muc tieu thanh toan dien tu Ha Tinh 2025", "30%", "Hà Tĩnh"),
    ("What is Quảng Nam's 2025 e-payment target?", "50%", "Quảng Nam"),
    ("What is Đồng Nai's 2025 e-payment target?", "60%", "Đồng Nai"),
])
def test_milvus_answers_the_headline_questions_as_the_local_index_does(milvus_assistant, assistant, question,
                                                                       figure, province):
    answer = milvus_assistant.ask(question)
    assert not answer.abstained and figure in answer.answer
    assert first_marked(answer).province == province
    assert answer.answer == assistant.ask(question).answer


def test_milvus_honours_the_province_filter(milvus_assistant):
    answer = milvus_assistant.ask("Mục tiêu tỷ lệ thanh toán điện tử đến năm 2025?", province="Đồng Nai")
    assert "60%" in answer.answer
    assert answer.citations and all(c.province == "Đồng Nai" for c in answer.citations)
    index = milvus_assistant.index
    where = SearchFilter(provinces=("Hà Tĩnh",))
    found = milvus_assistant.backend.sparse(["thanh_toan"], 50, where)
    assert found and {index.documents[index.chunks[i].doc_id].province for i in found} == {"Hà Tĩnh"}


def test_the_year_filter_keeps_only_chunks_naming_the_year_on_both_back_ends(milvus_assistant, assistant):
    where = SearchFilter(years=(2030,))
    for backend in (assistant.backend, milvus_assistant.backend):
        found = backend.sparse(["muc_tieu"], 50, where)
        assert found and all("2030" in assistant.index.chunks[i].text for i in found)
    assert set(assistant.backend.sparse(["muc_tieu"], 50, where)) == set(
        milvus_assistant.backend.sparse(["muc_tieu"], 50, where))


# ---------------------------------------------------------------- updates

def _row_ids(backend: MilvusBackend) -> dict[str, set[int]]:
    rows = backend.client.query(backend.collection, filter="ordinal >= 0", output_fields=["id", "doc_id"],
                                limit=10_000)
    found: dict[str, set[int]] = {}
    for row in rows:
        found.setdefault(row["doc_id"], set()).add(int(row["id"]))
    return found


@pytest.fixture()
def three_plans(tmp_path: Path):
    docs = tmp_path / "docs"
    write(docs / "ha_tinh.txt", PLAN_A)
    write(docs / "dong_nai.md", PLAN_B)
    write(docs / "quang_nam.txt", PLAN_C)
    return load_settings(documents_dir=docs, index_dir=tmp_path / "index", milvus_uri=str(tmp_path / "plans.db"))


def test_an_update_of_one_document_replaces_only_its_chunks(three_plans):
    first = Assistant.open(three_plans)
    before = _row_ids(first.backend)
    assert set(before) == {"ha_tinh.txt", "dong_nai.md", "quang_nam.txt"}
    write(three_plans.documents_dir / "ha_tinh.txt", PLAN_A.replace("trên 30%", "trên 35%"))

    second = Assistant.open(three_plans)
    assert second.backend.last_sync == {"written": 1, "deleted": 0, "kept": 2, "whole": 0}
    after = _row_ids(second.backend)
    assert after["dong_nai.md"] == before["dong_nai.md"] and after["quang_nam.txt"] == before["quang_nam.txt"]
    assert after["ha_tinh.txt"].isdisjoint(before["ha_tinh.txt"])
    assert len(after["ha_tinh.txt"]) == len(second.index.chunks_of("ha_tinh.txt"))
    answer = second.ask("What is Hà Tĩnh's 2025 e-payment target?")
    assert "35%" in answer.answer and first_marked(answer).province == "Hà Tĩnh"


def test_deleting_a_document_removes_its_chunks_and_nothing_else(three_plans):
    assistant = Assistant.open(three_plans)
    before = _row_ids(assistant.backend)
    assistant.backend.delete_document("quang_nam.txt")
    after = _row_ids(assistant.backend)
    assert "quang_nam.txt" not in after
    assert after == {d: ids for d, ids in before.items() if d != "quang_nam.txt"}
    quang_nam = {c.chunk_id for c in assistant.index.chunks_of("quang_nam.txt")}
    assert quang_nam and not quang_nam & set(assistant.backend.sparse(["thanh_toan"], 50))


def test_an_update_that_moves_the_mean_chunk_length_rewrites_every_row_with_exact_bm25(three_plans):
    Assistant.open(three_plans)
    longer = PLAN_B + " Đến năm 2030, phát triển hạ tầng số, dữ liệu số và nền tảng số dùng chung của tỉnh."
    write(three_plans.documents_dir / "dong_nai.md", longer)
    assistant = Assistant.open(three_plans)
    backend = assistant.backend
    assert backend.last_sync["whole"] == 1, f"the mean moved by more than {AVGDL_TOLERANCE:.0%}: all rewritten"
    assert backend.sync() == {"written": 0, "deleted": 0, "kept": 3, "whole": 0}, "up to date: nothing rewritten"
    local = LocalBackend(assistant.index)
    for terms in (["thanh_toan"], ["kinh_te", "so", "grdp"], ["nam", "2030"]):
        ours, theirs = local.sparse(terms, 50), backend.sparse(terms, 50)
        assert set(ours) == set(theirs)
        assert all(theirs[i] == pytest.approx(s, rel=SCORE_RTOL) for i, s in ours.items())


def test_a_read_only_replica_searches_the_collection_the_writer_filled_and_writes_nothing(three_plans):
    read_only = replace(three_plans, read_only=True)
    Assistant.open(replace(three_plans, milvus_uri=None))  # the index folder, on the local back end
    with pytest.raises(BackendError, match=r"3 of 3 documents .*QA_READ_ONLY is set.*python -m qa index"):
        Assistant.open(read_only)  # the collection was never filled
    Assistant.open(three_plans).backend.client.close()  # the writer fills it (a Lite file: one process at a time)
    replica = Assistant.open(read_only)
    rows = _row_ids(replica.backend)
    assert replica.backend.last_sync == {"written": 0, "deleted": 0, "kept": 3, "whole": 0}
    assert "30%" in replica.ask("What is Hà Tĩnh's 2025 e-payment target?").answer
    assert _row_ids(replica.backend) == rows, "a read-only replica rewrote rows"
    replica.backend.client.close()

    write(three_plans.documents_dir / "ha_tinh.txt", PLAN_A.replace("trên 30%", "trên 35%"))
    Assistant.open(replace(three_plans, milvus_uri=str(three_plans.index_dir.parent / "elsewhere.db")))
    with pytest.raises(BackendError, match=r"1 of 3 documents missing, old or extra"):
        Assistant.open(read_only)  # the index was updated, this collection was not


# ---------------------------------------------------------------- switching

def test_switching_back_ends_takes_only_the_environment_variable(assistant, tmp_path):
    question = "What is Hà Tĩnh's 2025 e-payment target?"
    uri = tmp_path / "plans.db"
    env = {**os.environ, "QA_MILVUS_URI": str(uri)}
    done = subprocess.run([sys.executable, "-m", "qa", "ask", question, "--json", "--index",
                           str(assistant.settings.index_dir)], cwd=PROJECT_ROOT, env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert uri.exists(), "the answer did not come through Milvus Lite"
    answer = json.loads(done.stdout)
    local = assistant.ask(question).to_json()
    assert answer["answer"] == local["answer"]
    assert [c["start"] for c in answer["citations"]] == [c["start"] for c in local["citations"]]


def test_a_missing_milvus_client_is_a_clear_error(assistant, monkeypatch):
    monkeypatch.setitem(sys.modules, "qa.indexing.milvus_backend", None)  # as if pymilvus were not installed
    with pytest.raises(BackendError, match=r"pip install 'qa-chuyen-doi-so\[milvus\]'"):
        open_backend(replace(assistant.settings, milvus_uri="./nowhere.db"), assistant.index)


def test_a_milvus_lite_file_in_use_by_another_process_is_a_clear_error(assistant, tmp_path):
    uri = tmp_path / "busy.db"
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from pymilvus import MilvusClient; MilvusClient(sys.argv[1]); "
         "print('ready', flush=True); time.sleep(120)", str(uri)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        with pytest.raises(BackendError, match="serves one process at a time"):
            open_backend(replace(assistant.settings, milvus_uri=str(uri)), assistant.index)
    finally:
        holder.kill()
        holder.wait()
