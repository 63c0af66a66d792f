"""Promises of the benchmark runner (``python -m eval``).

Every figure is checked against a value computed by hand, on a five-question file and a
scripted answerer that returns hand-built :class:`qa.types.Answer` objects. Nothing here
opens the real assistant or loads a model.
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from eval import metrics, report, runner
from qa.errors import BadQuestionError
from qa.types import Answer, Chunk, Citation, Hit

# --------------------------------------------------------------------------- fixtures

QUESTIONS = [
    {"id": "q1", "lang": "vi", "kind": "fact", "split": "test",
     "question": "Quảng Nam phấn đấu xếp hạng chuyển đổi số ở mức nào vào năm 2030?",
     "answers": ["mức tốt"], "evidence": "xếp hạng chuyển đổi số ở mức tốt"},
    {"id": "q2", "lang": "vi", "kind": "fact", "split": "test",
     "question": "Năm 2021 Đồng Nai cung cấp bao nhiêu dịch vụ công trực tuyến mức 4?",
     "answers": ["100%"], "evidence": "100% dịch vụ công online mức 4"},
    {"id": "q3", "lang": "en", "kind": "fact", "split": "test",
     "question": "Which ranking does Hà Tĩnh aim for in digital government?",
     "answers": ["Top 15"], "evidence": "Top 15 địa phương dẫn đầu về Chính phủ số"},
    {"id": "q4", "lang": "vi-nodiac", "kind": "list", "split": "test",
     "question": "Chinh quyen dien tu cua tinh huong den muc tieu gi?",
     "answers": ["chính quyền số"], "evidence": "hướng đến chính quyền số"},
    {"id": "q5", "lang": "en", "kind": "unanswerable", "split": "test",
     "question": "What is Hà Tĩnh's 2040 budget for quantum computing?",
     "answers": [], "evidence": ""},
]

FILLER = [f"Đoạn văn không liên quan số {i} về hạ tầng số của tỉnh." for i in range(12)]
# Decomposed (NFD), upper case and a double space: normalisation must still find the evidence.
Q1_PASSAGE = unicodedata.normalize(
    "NFD", "Phấn đấu đưa QUẢNG NAM có vị trí XẾP HẠNG  chuyển đổi số ở mức tốt trong cả nước."
)
Q2_PASSAGE = "Đồng Nai sẽ cung cấp 100% dịch vụ công online mức 4 ngay trong năm 2021."
Q3_PASSAGE = "Hà Tĩnh muốn có tên trong Top 15 địa phương dẫn đầu về Chính phủ số."
Q4_PASSAGE = "Xây dựng chính quyền điện tử hướng đến chính quyền số."


def _retrieved(passage: str | None, rank: int | None) -> list[Hit]:
    """Twelve hits of filler, with ``passage`` placed at the 1-based ``rank``."""
    texts = list(FILLER)
    if passage is not None and rank is not None:
        texts[rank - 1] = passage
    return [
        Hit(chunk=Chunk(chunk_id=i, doc_id="doc", text=t, start=0, end=len(t)), score=1 - i / 20)
        for i, t in enumerate(texts)
    ]


def _cite(n: int, passage: str) -> Citation:
    return Citation(n=n, doc_id="doc", title="Kế hoạch", province=None, passage=passage,
                    start=0, end=len(passage), score=0.9)


def _answer(q: dict[str, Any], text: str, citations: list[Citation], retrieved: list[Hit],
            abstained: bool = False) -> Answer:
    return Answer(question=q["question"], answer=text, abstained=abstained,
                  citations=citations, id=q["id"], retrieved=retrieved)


def _padded(text: str, length: int) -> str:
    """``text`` padded to exactly ``length`` characters (no trailing space to strip)."""
    return (text + " " + "x" * length)[:length]


LONG_Q2 = _padded("Đồng Nai cung cấp 100% dịch vụ công trực tuyến mức 4 [3].", 301)
SHORT_Q2 = "Đồng Nai cung cấp 100% dịch vụ công trực tuyến mức 4 [1]."


def hybrid_script() -> dict[str, tuple[Answer, float]]:
    """Hand-built answers per question id, with the latency (ms) each ask takes.

    q1: right, first marker [2] -> the evidence (the later [1] is filler): cited right.
    q2: holds the gold but is 301 characters: wrong; first marker [3] names no citation.
    q3: right ("top 15" vs gold "Top 15"); first marker [1] is filler, [2] would be right.
    q4: abstains although answerable.   q5: abstains, unanswerable.
    """
    q1, q2, q3, q4, q5 = QUESTIONS
    return {
        "q1": (_answer(q1, "Quảng Nam phấn đấu xếp hạng chuyển đổi số ở MỨC TỐT [2]. Xem thêm [1].",
                       [_cite(1, FILLER[0]), _cite(2, Q1_PASSAGE)], _retrieved(Q1_PASSAGE, 1)), 100.0),
        "q2": (_answer(q2, LONG_Q2, [_cite(1, Q2_PASSAGE)], _retrieved(Q2_PASSAGE, 2)), 200.0),
        "q3": (_answer(q3, "Hà Tĩnh aims for the top 15 [1] in digital government [2].",
                       [_cite(1, FILLER[1]), _cite(2, Q3_PASSAGE)], _retrieved(Q3_PASSAGE, 4)), 300.0),
        "q4": (_answer(q4, "Không tìm thấy thông tin này trong các kế hoạch.", [],
                       _retrieved(Q4_PASSAGE, 11), abstained=True), 400.0),
        "q5": (_answer(q5, "I could not find this in the plans.", [], _retrieved(None, None),
                       abstained=True), 500.0),
    }


def bm25_script() -> dict[str, tuple[Answer, float]]:
    """Like hybrid, but q2 is answered concisely and cited right: bm25 beats hybrid."""
    script = hybrid_script()
    q2 = QUESTIONS[1]
    script["q2"] = (_answer(q2, SHORT_Q2, [_cite(1, Q2_PASSAGE)], _retrieved(Q2_PASSAGE, 2)), 50.0)
    return script


class ScriptedAnswerer:
    """Stands in for ``qa.pipeline.Assistant``: same ``ask`` signature, scripted answers.

    Each ask advances a fake clock by the scripted latency, so latency is exact.
    """

    def __init__(self, scripts: dict[str, dict[str, tuple[Answer, float]]]) -> None:
        self.scripts = scripts
        self.now = 0.0
        self.calls: list[tuple[str, str, int, str | None]] = []
        self.by_text = {q["question"]: q["id"] for q in QUESTIONS}

    def clock(self) -> float:
        return self.now

    def ask(self, question: str, mode: str = "hybrid", k: int = 5, id: str | None = None) -> Answer:
        self.calls.append((question, mode, k, id))
        answer, latency_ms = self.scripts[mode][id or self.by_text[question]]
        self.now += latency_ms / 1000.0
        return answer


def write_questions(path: Path, rows: list[Any]) -> Path:
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)
                              for r in rows) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def questions_file(tmp_path: Path) -> Path:
    return write_questions(tmp_path / "questions.jsonl", QUESTIONS)


def run_fixture(questions_file: Path, modes: tuple[str, ...]) -> dict[str, Any]:
    questions, problems = runner.load_questions(questions_file)
    assert problems == []
    answerer = ScriptedAnswerer({"hybrid": hybrid_script(), "bm25": bm25_script(),
                                 "dense": hybrid_script()})
    return runner.run_benchmark(questions, answerer, modes, clock=answerer.clock)


# --------------------------------------------------------------------------- metrics


def test_every_figure_matches_the_hand_computed_value(questions_file: Path) -> None:
    run = run_fixture(questions_file, ("hybrid",))
    overall = run["modes"]["hybrid"]["overall"]
    assert (overall["n"], overall["n_answerable"], overall["n_unanswerable"]) == (5, 4, 1)
    # Evidence ranks over the 4 answerable: q1 -> 1, q2 -> 2, q3 -> 4, q4 -> 11.
    assert overall["recall@1"] == pytest.approx(1 / 4)
    assert overall["recall@3"] == pytest.approx(2 / 4)
    assert overall["recall@5"] == pytest.approx(3 / 4)
    # MRR@10 = (1 + 1/2 + 1/4 + 0) / 4: rank 11 is past the cut-off and counts 0.
    assert overall["mrr@10"] == pytest.approx((1 + 1 / 2 + 1 / 4 + 0) / 4)
    # Accuracy: q1 and q3 right; q2 is 301 chars; q4 abstained -> 2/4.
    assert overall["accuracy"] == pytest.approx(2 / 4)
    # Citation: only q1's first marker ([2]) points at the evidence -> 1/4.
    assert overall["citation_accuracy"] == pytest.approx(1 / 4)
    # Abstained on q4 (answerable) and q5 (unanswerable): precision 1/2, recall 1/1.
    assert overall["abstention_precision"] == pytest.approx(1 / 2)
    assert overall["abstention_recall"] == pytest.approx(1.0)
    assert overall["false_abstention_rate"] == pytest.approx(1 / 4)
    # Latencies 100..500 ms: p50 = 300; p95 = 400 + 0.8 * (500 - 400) = 480.
    assert overall["latency_p50_ms"] == pytest.approx(300.0)
    assert overall["latency_p95_ms"] == pytest.approx(480.0)


def test_figures_are_broken_down_by_language_and_kind(questions_file: Path) -> None:
    hybrid = run_fixture(questions_file, ("hybrid",))["modes"]["hybrid"]
    vi, en, nodiac = hybrid["by_lang"]["vi"], hybrid["by_lang"]["en"], hybrid["by_lang"]["vi-nodiac"]
    # vi = q1, q2: q1 right, q2 too long -> 1/2; evidence at ranks 1 and 2.
    assert (vi["accuracy"], vi["recall@1"], vi["recall@3"]) == (1 / 2, 1 / 2, 1.0)
    # en = q3 (right) and q5 (abstained, unanswerable).
    assert (en["accuracy"], en["abstention_precision"], en["abstention_recall"]) == (1.0, 1.0, 1.0)
    # vi-nodiac = q4 only: abstained wrongly; no unanswerable question -> recall not measured.
    assert (nodiac["accuracy"], nodiac["abstention_precision"], nodiac["abstention_recall"]) == (0.0, 0.0, None)
    unanswerable = hybrid["by_kind"]["unanswerable"]
    assert unanswerable["recall@5"] is None and unanswerable["accuracy"] is None
    assert hybrid["by_kind"]["list"]["false_abstention_rate"] == 1.0
    assert hybrid["by_kind"]["fact"]["accuracy"] == pytest.approx(2 / 3)


def test_the_runner_asks_through_the_assistant_contract(questions_file: Path) -> None:
    questions, _ = runner.load_questions(questions_file)
    answerer = ScriptedAnswerer({"bm25": bm25_script(), "hybrid": hybrid_script()})
    runner.run_benchmark(questions, answerer, ("bm25", "hybrid"), clock=answerer.clock)
    assert answerer.calls[0] == (QUESTIONS[0]["question"], "bm25", 5, "q1")
    assert [c[1] for c in answerer.calls] == ["bm25"] * 5 + ["hybrid"] * 5


def test_a_301_character_answer_holding_the_gold_is_wrong_but_300_is_right() -> None:
    question = QUESTIONS[1]
    for length, accurate in ((300, True), (301, False)):
        text = _padded("Đồng Nai cung cấp 100% dịch vụ công [1].", length)
        verdict = metrics.judge(metrics.Record(question, metrics.Result(text, False, {1: Q2_PASSAGE})))
        assert (len(text), verdict.gold_found, verdict.accurate) == (length, True, accurate)


def test_only_the_first_marker_decides_the_citation() -> None:
    question = QUESTIONS[2]
    cited = {1: FILLER[0], 2: Q3_PASSAGE}

    def citation_ok(text: str) -> bool:
        return metrics.judge(metrics.Record(question, metrics.Result(text, False, cited))).citation_ok

    assert citation_ok("Top 15 [2], see also [1].")
    assert not citation_ok("Top 15 [1], see also [2].")
    assert citation_ok("Top 15 [2, 1].")
    assert not citation_ok("Top 15, with no marker at all.")
    assert not citation_ok("Top 15 [7].")


def test_abstention_precision_is_not_measured_when_nothing_abstained() -> None:
    answered = metrics.Result("Top 15 [1].", False, {1: Q3_PASSAGE})
    figures = metrics.summarise([metrics.Record(QUESTIONS[2], answered),
                                 metrics.Record(QUESTIONS[4], answered)])
    assert figures["abstention_precision"] is None
    assert figures["abstention_recall"] == 0.0
    assert figures["false_abstention_rate"] == 0.0


def test_a_user_error_from_the_assistant_fails_that_question_only(questions_file: Path) -> None:
    questions, _ = runner.load_questions(questions_file)

    class Refusing(ScriptedAnswerer):
        def ask(self, question: str, mode: str = "hybrid", k: int = 5, id: str | None = None) -> Answer:
            if id == "q1":
                raise BadQuestionError("the question is empty")
            return super().ask(question, mode, k, id)

    answerer = Refusing({"hybrid": hybrid_script()})
    run = runner.run_benchmark(questions, answerer, ("hybrid",), clock=answerer.clock)
    assert run["modes"]["hybrid"]["overall"]["accuracy"] == pytest.approx(1 / 4)  # only q3 now
    failed = {f["id"]: f for f in run["failures"]["hybrid"]}
    assert failed["q1"]["why"] == ["error: the question is empty"]


# --------------------------------------------------------------------------- questions file


def test_a_bad_line_is_reported_with_its_line_number_and_the_rest_still_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad_lang = dict(QUESTIONS[2], lang="fr")
    path = write_questions(tmp_path / "q.jsonl", [QUESTIONS[0], "{not json", bad_lang, "", QUESTIONS[4]])
    answerer = ScriptedAnswerer({"hybrid": hybrid_script()})
    code = runner.main(["--questions", str(path), "--modes", "hybrid", "--json",
                        "--report", str(tmp_path / "r.md")], open_answerer=lambda args: answerer)
    out, err = capsys.readouterr()
    assert code == 0
    assert f"{path}:2: invalid JSON" in err
    assert f"{path}:3: field 'lang'" in err
    run = json.loads(out)
    assert run["n_questions"] == 2
    assert {c[3] for c in answerer.calls if c[3]} == {"q1", "q5"}


def test_a_missing_field_and_a_repeated_id_are_bad_lines(tmp_path: Path) -> None:
    no_evidence = {k: v for k, v in QUESTIONS[0].items() if k != "evidence"}
    path = write_questions(tmp_path / "q.jsonl", [QUESTIONS[1], no_evidence, QUESTIONS[1]])
    questions, problems = runner.load_questions(path)
    assert [q["id"] for q in questions] == ["q2"]
    assert problems == [f"{path}:2: field 'evidence' must be a non-empty string",
                        f"{path}:3: id 'q2' appears on an earlier line"]


def test_the_default_split_is_test_when_the_file_has_splits(tmp_path: Path) -> None:
    with_splits = [dict(q, split="dev" if q["id"] == "q1" else "test") for q in QUESTIONS]
    without = [{k: v for k, v in q.items() if k != "split"} for q in QUESTIONS]
    assert runner.resolve_split(with_splits, None) == "test"
    assert runner.resolve_split(without, None) == "all"
    assert [q["id"] for q in runner.select_split(with_splits, "dev")] == ["q1"]
    assert len(runner.select_split(with_splits, "all")) == 5


# --------------------------------------------------------------------------- report


def test_the_report_and_chart_are_written_and_targets_say_met_or_missed(
    questions_file: Path, tmp_path: Path
) -> None:
    run = run_fixture(questions_file, ("bm25", "hybrid"))
    md_path, png_path = report.write_report(run, tmp_path / "out" / "report.md")
    text = md_path.read_text(encoding="utf-8")
    assert png_path == tmp_path / "out" / "report.png"
    assert png_path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "![Main metrics per mode](report.png)" in text

    def status(target: str) -> str:
        row = next(line for line in text.splitlines() if line.startswith(f"| {target} |"))
        return row.split("|")[4].strip()

    assert status("abstention recall") == "**MET**"  # 1.0 >= 0.80
    assert status("abstention precision") == "**MISSED**"  # 0.5 < 0.80
    assert status("accuracy (overall)") == "**MISSED**"  # 0.5 < 0.90
    assert status("accuracy (en)") == "**MET**"  # 1.0 >= 0.85
    assert status("accuracy: hybrid >= best single mode") == "**MISSED**"  # bm25 has 3/4
    assert status("recall@5: hybrid >= best single mode") == "**MET**"  # equal, 3/4
    failed_ids = [line.split("|")[1].strip() for line in text.split("## Failed questions")[1].splitlines()
                  if line.startswith("| q")]
    assert failed_ids == ["q2", "q3", "q4"]  # q1 right and cited; q5 rightly abstained


def test_targets_need_measured_figures_and_the_single_modes() -> None:
    figures = {"overall": {"accuracy": 0.95, "abstention_precision": None}, "by_lang": {}}
    checks = {c.target: c for c in report.check_targets({"hybrid": figures})}
    assert checks["accuracy (overall)"].status == "MET"
    assert checks["abstention precision"].status == "MISSED"
    assert checks["accuracy: hybrid >= best single mode"].status == "NOT CHECKED"
    assert report.check_targets({"bm25": figures}) == []


# --------------------------------------------------------------------------- command line


def _must_not_open(args: Any) -> Any:
    raise AssertionError("the assistant must not be opened for unusable arguments")


def test_the_cli_parses_modes_and_split() -> None:
    args = runner.parse_args(["--modes", "hybrid, bm25", "--split", "dev", "--limit", "3",
                              "--index", "/tmp/idx"])
    assert (args.modes, args.split, args.limit, args.index) == (("hybrid", "bm25"), "dev", 3, Path("/tmp/idx"))
    defaults = runner.parse_args([])
    assert (defaults.modes, defaults.split, defaults.json) == (("bm25", "dense", "hybrid"), None, False)
    assert defaults.report == runner.DEFAULT_REPORT


@pytest.mark.parametrize("argv", [
    ["--modes", "bm25,sparse"],
    ["--modes", ""],
    ["--split", "train"],
    ["--limit", "0"],
])
def test_unusable_arguments_exit_2_without_loading_the_model(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert runner.main(argv, open_answerer=_must_not_open) == 2
    assert "error" in capsys.readouterr().err


def test_an_unknown_mode_is_named_in_the_message(capsys: pytest.CaptureFixture[str]) -> None:
    runner.main(["--modes", "bm25,sparse"], open_answerer=_must_not_open)
    assert "unknown mode 'sparse'" in capsys.readouterr().err


def test_an_unreadable_questions_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "latin1.jsonl").write_bytes("câu hỏi".encode("utf-16"))
    for path in (tmp_path / "missing.jsonl", tmp_path, tmp_path / "latin1.jsonl"):
        assert runner.main(["--questions", str(path)], open_answerer=_must_not_open) == 2
    assert "no such questions file" in capsys.readouterr().err


def test_a_full_cli_run_prints_tables_writes_the_report_and_exits_0(
    questions_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answerer = ScriptedAnswerer({"bm25": bm25_script(), "dense": hybrid_script(), "hybrid": hybrid_script()})
    report_path = tmp_path / "reports" / "report.md"
    code = runner.main(["--questions", str(questions_file), "--limit", "4", "--report", str(report_path)],
                       open_answerer=lambda args: answerer)
    out, _ = capsys.readouterr()
    assert code == 0
    assert "4 questions, split test" in out and "== hybrid ==" in out and "lang=vi-nodiac" in out
    assert report_path.exists() and report_path.with_suffix(".png").exists()
