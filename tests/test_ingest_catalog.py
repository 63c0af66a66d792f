"""The documents folder's catalogue is read in both forms scrapers write.

The bundled ``documents/catalog.json`` is an object keyed by file name; the plans set
in ``shared/plans`` comes with a list of ``{"file", "province", "url", "kind", "year"}``.
Either way a document gets its province, page address and kind from the catalogue.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qa.errors import DocumentError
from qa.documents.ingest import load_document, read_catalog

from helpers import write

TEXT = "Kế hoạch chuyển đổi số năm 2024 đặt mục tiêu 90% hồ sơ công việc được xử lý trên môi trường mạng."
URL = "https://example.gov.vn/ke-hoach-93"


def test_a_list_catalogue_is_keyed_by_each_entry_s_file(tmp_path: Path) -> None:
    entries = [
        {"file": "da_nang_1.txt", "province": "Đà Nẵng", "url": URL, "kind": "plan", "year": 2024},
        {"file": "ha_nam_1.txt", "province": "Hà Nam", "url": None, "kind": "portal", "year": None},
        {"province": "no file named"},
        "not an entry",
    ]
    write(tmp_path / "catalog.json", json.dumps(entries, ensure_ascii=False))
    catalog = read_catalog(tmp_path)
    assert sorted(catalog) == ["da_nang_1.txt", "ha_nam_1.txt"]
    assert catalog["da_nang_1.txt"]["province"] == "Đà Nẵng"


def test_a_list_catalogue_gives_the_document_its_province_url_and_kind(tmp_path: Path) -> None:
    path = write(tmp_path / "da_nang_1.txt", TEXT)
    write(tmp_path / "catalog.json", json.dumps(
        [{"file": "da_nang_1.txt", "province": "Đà Nẵng", "url": URL, "kind": "plan", "year": 2024}],
        ensure_ascii=False))
    document = load_document(path, tmp_path, read_catalog(tmp_path))
    assert (document.province, document.url, document.kind) == ("Đà Nẵng", URL, "plan")


def test_an_object_catalogue_still_reads_as_before(tmp_path: Path) -> None:
    write(tmp_path / "catalog.json", json.dumps(
        {"_about": "notes", "a.txt": {"province": "Hà Tĩnh", "source": "ICTnews"}}, ensure_ascii=False))
    assert read_catalog(tmp_path) == {"a.txt": {"province": "Hà Tĩnh", "source": "ICTnews"}}


def test_a_catalogue_that_is_neither_form_is_a_document_error(tmp_path: Path) -> None:
    write(tmp_path / "catalog.json", '"just a string"')
    with pytest.raises(DocumentError, match="keyed by file name"):
        read_catalog(tmp_path)


@pytest.mark.parametrize("written, stored", [
    ("TP. Hồ Chí Minh", "TP Hồ Chí Minh"), ("Thành phố Hồ Chí Minh", "TP Hồ Chí Minh"),
    ("Bà Rịa – Vũng Tàu", "Bà Rịa - Vũng Tàu"), ("Khánh Hoà", "Khánh Hòa"),
])
def test_a_catalogued_province_is_stored_under_its_canonical_name(tmp_path: Path, written: str, stored: str) -> None:
    path = write(tmp_path / "plan.txt", TEXT)
    write(tmp_path / "catalog.json", json.dumps([{"file": "plan.txt", "province": written}], ensure_ascii=False))
    assert load_document(path, tmp_path, read_catalog(tmp_path)).province == stored
