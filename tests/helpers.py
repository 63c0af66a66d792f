"""Small helpers shared by the tests."""

from __future__ import annotations

import re
from pathlib import Path

from qa.types import Answer, Citation


def first_marked(answer: Answer) -> Citation:
    """The citation the answer's first [n] marker points at."""
    match = re.search(r"\[(\d+)\]", answer.answer)
    assert match, f"no [n] marker in {answer.answer!r}"
    n = int(match.group(1))
    return next(c for c in answer.citations if c.n == n)


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def assistant_on(tmp_path: Path, texts: dict[str, str]):
    """An assistant over the given files (name -> text) written under ``tmp_path/docs``,
    its index under ``tmp_path/index``: the set-up of a test that asks a tiny collection."""
    from qa.config import load_settings
    from qa.pipeline import Assistant

    docs = tmp_path / "docs"
    for name, text in texts.items():
        write(docs / name, text)
    return Assistant.open(load_settings(documents_dir=docs, index_dir=tmp_path / "index"))


#: Three tiny plans (the bundled articles' e-payment targets) for index and back-end tests.
PLAN_A = ("Kế hoạch chuyển đổi số tỉnh Hà Tĩnh\n\nĐến năm 2025, tỷ lệ dân số có tài khoản thanh toán "
          "điện tử đạt trên 30%. Kinh tế số chiếm tối thiểu 10% GRDP của tỉnh.")
PLAN_B = ("Chương trình chuyển đổi số tỉnh Đồng Nai\n\nĐến năm 2025, trên 60% người dân, doanh nghiệp có "
          "tài khoản thanh toán điện tử. Kinh tế số chiếm 20% GRDP.")
PLAN_C = ("Kế hoạch chuyển đổi số tỉnh Quảng Nam\n\nĐến năm 2025, tỷ lệ dân số của tỉnh có tài khoản thanh "
          "toán điện tử đạt trên 50%.")
