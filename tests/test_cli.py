"""The command line: `python -m qa index` and `python -m qa ask`, as a user runs them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from qa.config import PROJECT_ROOT


@pytest.fixture(scope="module")
def index_dir(assistant) -> Path:
    """The session's index of the bundled plans (built once by conftest)."""
    return Path(assistant.settings.index_dir)


def run_qa(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "qa", *args], cwd=PROJECT_ROOT, input=stdin,
                          capture_output=True, text=True, timeout=300)


def test_ask_json_prints_exactly_the_documented_answer(index_dir):
    done = run_qa("ask", "What is Hà Tĩnh's 2025 e-payment target?", "--json", "--index", str(index_dir))
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert list(answer) == ["id", "question", "answer", "abstained", "citations", "timings_ms"]
    assert "30%" in answer["answer"] and answer["abstained"] is False
    assert answer["citations"][0]["province"] == "Hà Tĩnh"
    assert "total" in answer["timings_ms"]


def test_ask_mode_and_k_are_honoured(index_dir):
    done = run_qa("ask", "muc tieu kinh te so Dong Nai", "--json", "--mode", "bm25", "--k", "2",
                  "--index", str(index_dir))
    answer = json.loads(done.stdout)
    assert len(answer["citations"]) == 2
    assert "20%" in answer["answer"]


def test_a_batch_answers_one_line_per_question_in_order_and_reports_bad_lines(index_dir, tmp_path):
    batch = tmp_path / "questions.jsonl"
    batch.write_text(
        '{"id": "a", "question": "muc tieu thanh toan dien tu Ha Tinh 2025"}\n'
        "this is not json\n"
        '{"question": "What is Đồng Nai\'s 2025 e-payment target?"}\n'
        '{"id": 7, "question": "   "}\n', encoding="utf-8")
    done = run_qa("ask", "--batch", str(batch), "--index", str(index_dir))
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert [line.get("id") for line in lines] == ["a", None, None, "7"]
    assert "30%" in lines[0]["answer"] and "60%" in lines[2]["answer"]
    assert lines[1]["line"] == 2 and "JSON" in lines[1]["error"]
    assert "empty" in lines[3]["error"]
    assert f"{batch}:2" in done.stderr
    assert done.returncode == 1, "a batch with bad lines says so in its exit code"


def test_an_empty_question_is_refused_with_a_message_and_exit_code_2(index_dir):
    done = run_qa("ask", "  ", "--index", str(index_dir))
    assert done.returncode == 2
    assert "error: the question is empty" in done.stderr
    assert "Traceback" not in done.stderr


def test_index_reports_what_it_indexed_and_what_it_skipped(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "plan.txt").write_text("Kế hoạch chuyển đổi số tỉnh Hà Tĩnh\n\nĐến năm 2025, tỷ lệ dân số có tài "
                                   "khoản thanh toán điện tử đạt trên 30%.", encoding="utf-8")
    (docs / "broken.pdf").write_bytes(b"%PDF-1.4 not really")
    done = run_qa("index", "--documents", str(docs), "--index", str(tmp_path / "index"))
    assert done.returncode == 0, done.stderr
    assert "indexed 1 documents" in done.stdout and "[Hà Tĩnh]" in done.stdout
    assert "skipped broken.pdf" in done.stderr
    assert "embed" in done.stderr, "a progress bar shows the embedding"


def test_a_missing_documents_folder_says_what_to_do(tmp_path):
    done = run_qa("index", "--documents", str(tmp_path / "nowhere"), "--index", str(tmp_path / "index"))
    assert done.returncode == 2
    assert "does not exist" in done.stderr and "Traceback" not in done.stderr
