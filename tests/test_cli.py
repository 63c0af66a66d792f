"""The command line: `python -m qa index` and `python -m qa ask`, as a user runs them."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import re
import subprocess
import sys
from pathlib import Path

import pytest

from qa.config import PROJECT_ROOT, load_settings
from qa.pipeline import Assistant


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
    assert all(c["province"] == "Đồng Nai" for c in answer["citations"])


def test_bm25_mode_with_two_sources_answers_dong_nai_s_digital_economy_target(index_dir):
    done = run_qa("ask", "muc tieu kinh te so Dong Nai", "--json", "--mode", "bm25", "--k", "2",
                  "--index", str(index_dir))
    assert "20%" in json.loads(done.stdout)["answer"]


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
                                   "khoản thanh toán điện tử đạt trên 30%.\n\nChia sẻ bài viết:\n\nFacebook",
                                   encoding="utf-8")
    (docs / "broken.pdf").write_bytes(b"%PDF-1.4 not really")
    done = run_qa("index", "--documents", str(docs), "--index", str(tmp_path / "index"))
    assert done.returncode == 0, done.stderr
    assert "indexed 1 documents" in done.stdout and "[Hà Tĩnh]" in done.stdout
    removed = re.search(r"cleaning removed (\d+) chars", done.stdout)
    assert removed and int(removed.group(1)) >= len("Chia sẻ bài viết:"), "the share button line is counted"
    assert "skipped broken.pdf" in done.stderr
    assert "embed" in done.stderr, "a progress bar shows the embedding"


def test_a_missing_documents_folder_says_what_to_do(tmp_path):
    done = run_qa("index", "--documents", str(tmp_path / "nowhere"), "--index", str(tmp_path / "index"))
    assert done.returncode == 2
    assert "does not exist" in done.stderr and "Traceback" not in done.stderr


PLAN = ("Kế hoạch chuyển đổi số tỉnh Kon Tum\n\nĐến năm 2025, tỷ lệ dân số có tài khoản thanh toán điện tử "
        "đạt trên 45%.")


@pytest.fixture()
def own_index(tmp_path: Path) -> tuple[Path, Path]:
    """(documents folder, index folder): an index of a folder other than the bundled one."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "kon_tum.txt").write_text(PLAN, encoding="utf-8")
    index = tmp_path / "index"
    Assistant.open(load_settings(documents_dir=docs, index_dir=index))
    return docs, index


def test_ask_with_only_index_answers_from_that_index_as_built(own_index):
    docs, index = own_index
    before = (index / "CURRENT").read_text()
    done = run_qa("ask", "thanh toán điện tử Kon Tum", "--json", "--index", str(index))
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert "45%" in answer["answer"] and answer["citations"][0]["doc_id"] == "kon_tum.txt"
    assert (index / "CURRENT").read_text() == before, "not rebuilt from the bundled documents"


def test_ask_with_another_documents_folder_is_refused_saying_what_to_do(own_index):
    docs, index = own_index
    done = run_qa("ask", "Kon Tum", "--documents", str(PROJECT_ROOT / "documents"), "--index", str(index))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert f"belongs to the documents folder {docs}" in done.stderr and "--repoint" in done.stderr


def test_index_repoint_moves_an_index_to_a_copied_and_edited_folder(own_index, tmp_path):
    docs, index = own_index
    copy = tmp_path / "copy"
    shutil.copytree(docs, copy)
    (copy / "kon_tum.txt").write_text(PLAN.replace("45%", "55%"), encoding="utf-8")
    refused = run_qa("index", "--documents", str(copy), "--index", str(index))
    assert refused.returncode == 2 and "--repoint" in refused.stderr
    done = run_qa("index", "--documents", str(copy), "--index", str(index), "--repoint")
    assert done.returncode == 0, done.stderr
    assert f"from {copy} in {index}" in done.stdout
    answer = json.loads(run_qa("ask", "thanh toán điện tử Kon Tum", "--json", "--index", str(index)).stdout)
    assert "55%" in answer["answer"]


def test_an_index_path_that_is_a_file_is_a_clear_error(tmp_path):
    (tmp_path / "index").write_text("not a folder")
    done = run_qa("ask", "Kon Tum", "--index", str(tmp_path / "index"))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "is a file, not a folder" in done.stderr


def test_index_lists_links_and_unreadable_files_it_skipped(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "kon_tum.txt").write_text(PLAN, encoding="utf-8")
    (docs / "passwd.txt").symlink_to("/etc/passwd")
    secret = docs / "secret.txt"
    secret.write_text(PLAN.replace("Kon Tum", "Gia Lai"), encoding="utf-8")
    secret.chmod(0)
    command = [sys.executable, "-m", "qa", "index", "--documents", str(docs), "--index", str(tmp_path / "index")]
    if os.geteuid() == 0:  # root reads anything: drop the capabilities that let it
        if shutil.which("capsh") is None:
            pytest.skip("needs capsh to run without root's read-anything capabilities")
        command = ["capsh", "--drop=cap_dac_override,cap_dac_read_search", "--", "-c", shlex.join(command)]
    done = subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "indexed 1 documents" in done.stdout and "kon_tum.txt" in done.stdout
    assert "skipped passwd.txt: is a symbolic link" in done.stderr
    assert "skipped secret.txt: cannot be read: permission denied" in done.stderr


def test_every_bad_batch_line_gets_an_error_object_and_the_others_are_answered_in_order(index_dir, tmp_path):
    good = '{"id": "%s", "question": "muc tieu thanh toan dien tu Ha Tinh 2025"}\n'
    lines = [
        "\ufeff" + good % "bom",                                    # 1: a UTF-8 BOM on line 1
        '{"id": "x", "question": "bad \xff bytes"}\n',              # 2: invalid UTF-8 (written below)
        '{"id": "s", "question": "\\ud800 lone surrogate"}\n',      # 3
        "[" * 5000 + "\n",                                          # 4: nested too deeply
        "[" * 100_000 + "\n",                                       # 5: and too long
        '{"id": ' + "9" * 5000 + ', "question": "Hà Tĩnh"}\n',     # 6: a number of 5,000 digits
        '{"id": "big", "question": "' + "a " * 2_000_000 + '"}\n',  # 7: a 4 MB question
        good % "last",                                              # 8
    ]
    data = b"".join(line.encode("utf-8") for line in lines).replace("\xff".encode(), b"\xff")
    batch = tmp_path / "questions.jsonl"
    batch.write_bytes(data)
    done = run_qa("ask", "--batch", str(batch), "--index", str(index_dir))
    assert "Traceback" not in done.stderr
    out = [json.loads(line) for line in done.stdout.splitlines()]
    assert [o.get("line") for o in out] == [None, 2, 3, 4, 5, 6, 7, None]
    assert out[0]["id"] == "bom" and "30%" in out[0]["answer"]
    assert out[-1]["id"] == "last" and "30%" in out[-1]["answer"]
    errors = {o["line"]: o["error"] for o in out if "error" in o}
    assert "not valid UTF-8" in errors[2]
    assert "lone surrogate" in errors[3]
    assert "nested too deeply" in errors[4]
    assert "longer than" in errors[5] and "longer than" in errors[7]
    assert "number too long" in errors[6]
    assert all(len(o["question"]) <= 201 for o in out if "error" in o), "echoes are cut short"
    assert len(done.stdout) < 100_000
    assert done.returncode == 1
