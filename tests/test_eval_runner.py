"""Promises of the benchmark runner (``python -m eval``).

Every figure is checked against a value computed by hand, on a five-question file (and a
three-row reading-comprehension CSV) and a scripted answerer that returns hand-built
:class:`qa.types.Answer` objects. Nothing here opens the real assistant, loads a model,
reads shared/ or writes into the repository's eval/cache.
"""

from __future__ import annotations

import csv
import json
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from eval import metrics, report, runner, sets
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


def as_run(name: str, benchmark: dict[str, Any], split: str) -> dict[str, Any]:
    """A whole run holding one set that ran, as :func:`eval.runner.main` builds it."""
    entry = dict(benchmark, status="ran", split=split, questions_file="q.jsonl", documents="docs",
                 timing_s={"open": 1.0, "ask": 2.0, "wall": 3.0})
    return {"modes": list(benchmark["modes"]), "k": 5, "sets": {name: entry}}


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
    assert run["sets"]["custom"]["n_questions"] == 2
    assert {c[3] for c in answerer.calls if c[3]} == {"q1", "q5"}


def test_a_missing_field_and_a_repeated_id_are_bad_lines(tmp_path: Path) -> None:
    no_answers = {k: v for k, v in QUESTIONS[0].items() if k not in ("answers", "kind")}
    path = write_questions(tmp_path / "q.jsonl", [QUESTIONS[1], no_answers, QUESTIONS[1],
                                                  {"question": "Ai ký?", "answers": 3}])
    questions, problems = runner.load_questions(path)
    assert [q["id"] for q in questions] == ["q2"]
    assert problems == [f"{path}:2: field 'answers' is missing: give the gold strings, or [] for a "
                        "question the documents do not answer",
                        f"{path}:3: id 'q2' appears on an earlier line",
                        f"{path}:4: field 'answers' must be a string or a list of strings"]


def test_an_evaluators_file_needs_only_questions_and_answers(tmp_path: Path) -> None:
    path = write_questions(tmp_path / "q.jsonl", [
        {"question": "What is Hà Tĩnh's 2025 e-payment target?", "answer": "trên 30%"},
        {"id": 7, "question": "muc tieu kinh te so Dong Nai 2025", "answers": ["20%"]},
        {"question": "Mục tiêu của Hà Nội năm 2025?", "answers": []},
    ])
    questions, problems = runner.load_questions(path)
    assert problems == []
    assert [(q["id"], q["lang"], q["kind"], q["answers"], q["evidence"]) for q in questions] == [
        ("line-1", "en", "fact", ["trên 30%"], ""),
        ("7", "vi-nodiac", "fact", ["20%"], ""),
        ("line-3", "vi", "unanswerable", [], ""),
    ]


def test_questions_without_evidence_count_in_no_retrieval_or_citation_figure(tmp_path: Path) -> None:
    with_evidence = metrics.Record(QUESTIONS[0], metrics.Result(
        answer="ở mức tốt [1]", abstained=False, cited={1: "khác"}, retrieved=["khác", "x"], latency_ms=1.0))
    bare = dict(QUESTIONS[0], id="b", evidence="")
    without = metrics.Record(bare, metrics.Result(
        answer="ở mức tốt [1]", abstained=False, cited={1: "khác"}, retrieved=["khác"], latency_ms=1.0))
    both = metrics.summarise([with_evidence, without])
    assert both["n_with_evidence"] == 1 and both["recall@5"] == 0.0 and both["citation_accuracy"] == 0.0
    assert both["accuracy"] == 1.0  # the gold string still scores both
    alone = metrics.summarise([without])
    assert alone["recall@5"] is None and alone["citation_accuracy"] is None
    assert metrics.failures([without]) == []  # right answer, nothing to check the citation against
    checks = {c.target: c.status for c in report.check_targets({"hybrid": metrics.breakdown([without])})}
    assert checks["recall@5"] == checks["abstention recall"] == "NOT CHECKED"
    assert checks["accuracy (overall)"] == "MET"


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
    run = as_run("articles", run_fixture(questions_file, ("bm25", "hybrid")), split="dev")
    md_path, png_path = report.write_report(run, tmp_path / "out" / "report.md")
    text = md_path.read_text(encoding="utf-8")
    assert png_path == tmp_path / "out" / "report-articles.png"
    assert png_path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "![Main metrics per mode, articles](report-articles.png)" in text

    def status(target: str) -> str:
        row = next(line for line in text.splitlines() if line.startswith(f"| {target} |"))
        return row.split("|")[4].strip()

    assert status("abstention recall") == "**MET**"  # 1.0 >= 0.80
    assert status("abstention precision") == "**MISSED**"  # 0.5 < 0.80
    assert status("accuracy (overall)") == "**MISSED**"  # 0.5 < 0.90
    assert status("accuracy (en)") == "**MET**"  # 1.0 >= 0.85
    assert status("accuracy: hybrid >= best single mode") == "**MISSED**"  # bm25 has 3/4
    assert status("recall@5: hybrid >= best single mode") == "**MET**"  # equal, 3/4
    failed_ids = [line.split("|")[1].strip() for line in text.split("### Failed questions")[1].splitlines()
                  if line.startswith("| q")]
    assert failed_ids == ["q2", "q3", "q4"]  # q1 right and cited; q5 rightly abstained


def test_the_report_never_lists_the_failures_of_a_test_split(questions_file: Path, tmp_path: Path) -> None:
    benchmark = run_fixture(questions_file, ("hybrid",))
    text = report.render_markdown(as_run("articles", benchmark, split="test"))
    failures = text.split("### Failed questions")[1].split("##")[0]
    assert "Not listed for the test split" in failures
    assert "| q2 |" not in failures
    assert benchmark["failures"]["hybrid"]  # they exist, and --json still carries them


def test_the_first_table_sets_every_set_side_by_side(questions_file: Path) -> None:
    benchmark = run_fixture(questions_file, ("hybrid",))
    run = as_run("articles", benchmark, split="test")
    run["sets"]["regulations"] = {"status": "skipped", "reason": "no questions at /x.csv", "style": "spans"}
    rows = report.summary_rows(run)
    assert [r[:3] for r in rows] == [["articles", "test", "hybrid"], ["regulations", "-", "-"]]
    column = dict(zip(report.SUMMARY_HEADERS, rows[0]))
    # Hand-computed in test_every_figure_matches_the_hand_computed_value and the by-language test.
    assert (column["R@5"], column["Acc"], column["Acc vi"], column["Acc en"]) == ("0.750", "0.500", "0.500", "1.000")
    assert (column["Acc vi-nodiac"], column["FalseRefusal"], column["Contain"]) == ("0.000", "0.250", "n/a")
    assert "skipped: no questions at /x.csv" in rows[1]
    assert report.markdown_table(report.SUMMARY_HEADERS, rows) in report.render_markdown(run)


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


def test_the_cli_parses_sets_modes_and_split() -> None:
    args = runner.parse_args(["--sets", "plans, regulations", "--modes", "hybrid, bm25", "--split", "dev",
                              "--limit", "3", "--index", "/tmp/idx"])
    assert (args.sets, args.modes, args.split, args.limit, args.index) == (
        ("plans", "regulations"), ("hybrid", "bm25"), "dev", 3, Path("/tmp/idx"))
    defaults = runner.parse_args([])
    assert (defaults.sets, defaults.modes, defaults.split, defaults.json) == (None, ("hybrid",), None, False)
    assert defaults.report == runner.DEFAULT_REPORT


@pytest.mark.parametrize("argv", [
    ["--modes", "bm25,sparse"],
    ["--modes", ""],
    ["--split", "train"],
    ["--limit", "0"],
    ["--sets", "plans,laws"],
    ["--sets", "plans", "--questions", "q.jsonl"],
    ["--index", "/tmp/idx"],
    ["--sets", "plans,regulations", "--documents", "/tmp/docs"],
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
                       open_answerer=lambda evalset: answerer)
    out, _ = capsys.readouterr()
    assert code == 0
    assert "custom: 4 questions, split test" in out and "== custom: hybrid ==" in out and "lang=vi-nodiac" in out
    assert "== custom: bm25 ==" not in out  # hybrid only, unless more modes are asked for
    assert report_path.exists() and (tmp_path / "reports" / "report-custom.png").exists()
    assert {c[1] for c in answerer.calls} == {"hybrid"}



# --------------------------------------------------------------------------- span metrics


def test_the_answer_text_compared_is_the_marked_quotation_without_the_lead() -> None:
    framed = "Theo “Điều 2. Thuật ngữ”: “Hội đồng bảo vệ KLTN” [1]. Xem thêm “ĐHCNTT” [2, 3]."
    assert metrics.answer_text_compared(framed, abstained=False) == "Hội đồng bảo vệ KLTN ĐHCNTT"
    assert metrics.answer_text_compared("Sinh viên phải nộp KLTN [1].", abstained=False) == "Sinh viên phải nộp KLTN ."
    nearest = "Các kế hoạch không nêu thông tin này. Đoạn gần nhất tìm được: “Hội đồng” [1]."
    assert metrics.answer_text_compared(nearest, abstained=True) == ""


def test_containment_and_token_f1_match_hand_computed_values() -> None:
    gold = "Hội đồng bảo vệ KLTN"  # tokens: hội, đồng, bảo, vệ, kltn (5)
    # The whole span, decomposed and in capitals: contained; 5 shared of 7 answer tokens.
    answer = unicodedata.normalize("NFD", "HỘI ĐỒNG bảo vệ KLTN của Trường")
    assert metrics.contains_span(gold, answer)
    assert metrics.token_containment(gold, answer) == 1.0
    # precision 5/7, recall 5/5 -> F1 = 2 * (5/7) / (5/7 + 1) = 10/12
    assert metrics.token_f1(gold, answer) == pytest.approx(10 / 12)
    # Four of five tokens, re-punctuated: not contained, but 4/5 = 80% is enough for Contain80.
    cut = "hội đồng, bảo vệ."
    assert not metrics.contains_span(gold, cut)
    assert metrics.token_containment(gold, cut) == pytest.approx(0.8)
    # precision 4/4, recall 4/5 -> F1 = 2 * 1 * 0.8 / 1.8
    assert metrics.token_f1(gold, cut) == pytest.approx(1.6 / 1.8)
    # Tokens count with repetition: "đồng đồng" holds one "đồng" of the gold, not two.
    assert metrics.token_containment("đồng đồng hội", "đồng hội") == pytest.approx(2 / 3)
    assert metrics.token_f1(gold, "") == 0.0 and metrics.token_containment("", "x") == 0.0
    # A span copied with its full stop is still contained in a quotation that drops it.
    assert metrics.contains_span("theo quy định của Trường.", "đáp ứng các tiêu chuẩn theo quy định của Trường")
    assert not metrics.contains_span("…", "anything") and not metrics.contains_span("Trường hợp", "Trường")


def test_a_multi_span_gold_is_contained_when_every_part_is() -> None:
    """ViRHE4QA joins the spans of a several-span answer with "#"; the joined string is in no
    context, so containment asks for each part, in any order, and for all of them."""
    gold = "Đối với tài liệu hướng dẫn#Chủ tịch Hội đồng thẩm định"
    assert metrics.span_parts(gold) == ["Đối với tài liệu hướng dẫn", "Chủ tịch Hội đồng thẩm định"]
    both = "Chủ tịch Hội đồng thẩm định ký; đối với tài liệu hướng dẫn thì khác."
    assert metrics.contains_span(gold, both)
    assert not metrics.contains_span(gold, "Chủ tịch Hội đồng thẩm định ký.")
    assert metrics.span_parts("Hội đồng") == ["Hội đồng"] and metrics.span_parts("#") == ["#"]
    assert not metrics.contains_span("#", "# anything")


SPAN_QUESTION = {"id": "r0001", "question": "Hội đồng bảo vệ KLTN gọi tắt là gì?", "lang": "vi",
                 "kind": "fact", "answers": ["Hội đồng bảo vệ KLTN"], "evidence": "Hội đồng bảo vệ KLTN",
                 "split": "test", "doc_id": "ctx_a"}


def _span_result(answer: str, abstained: bool, docs: list[str], passages: list[str]) -> metrics.Result:
    return metrics.Result(answer=answer, abstained=abstained, retrieved=passages, retrieved_docs=docs)


def test_span_recall_needs_the_question_s_own_context_holding_most_of_the_span() -> None:
    held = "Hội đồng: Hội đồng bảo vệ KLTN"
    other_doc = _span_result("x", False, ["ctx_b", "ctx_a"], [held, "Điều 1. Phạm vi"])
    assert metrics.span_rank(other_doc, "ctx_a", SPAN_QUESTION["answers"][0]) is None
    right = _span_result("x", False, ["ctx_b", "ctx_b", "ctx_a"], ["Điều 1", held, held])
    assert metrics.span_rank(right, "ctx_a", SPAN_QUESTION["answers"][0]) == 3


def test_span_summary_over_three_records_is_computed_by_hand() -> None:
    gold_passage = ["Hội đồng: Hội đồng bảo vệ KLTN"]
    records = [
        # Right, quoted behind a lead that names the context: contained, F1 1.0, span at rank 1.
        metrics.Record(SPAN_QUESTION, _span_result("Theo “Điều 2”: “Hội đồng bảo vệ KLTN” [1].", False,
                                                   ["ctx_a"], gold_passage)),
        # Four of five tokens: Contain80 only; F1 = 1.6/1.8; the gold passage is not retrieved.
        metrics.Record(SPAN_QUESTION, _span_result("Theo “Điều 2”: “hội đồng bảo vệ” [1].", False,
                                                   ["ctx_b"], gold_passage)),
        # Abstained: nothing asserted, a false refusal; gold passage at rank 1.
        metrics.Record(SPAN_QUESTION, _span_result("Không nêu. Đoạn gần nhất tìm được: “Hội đồng bảo vệ KLTN” [1].",
                                                   True, ["ctx_a"], gold_passage)),
    ]
    summary = metrics.span_summary(records)
    assert summary["n"] == 3
    assert summary["span_containment"] == pytest.approx(1 / 3)
    assert summary["span_containment_80"] == pytest.approx(2 / 3)
    assert summary["token_f1"] == pytest.approx((1.0 + 1.6 / 1.8 + 0.0) / 3)
    assert summary["false_refusal_rate"] == pytest.approx(1 / 3)
    assert summary["recall@5"] == pytest.approx(2 / 3)
    why = [f["why"][0] for f in metrics.span_failures(records)]
    assert why == ["most of the span, not all; gold passage not in the top 5", "abstained"]


# --------------------------------------------------------------------------- the three sets


REGULATION_ROWS = [
    {"split": "train", "index": "7", "context": "Điều 2. Thuật ngữ\nHội đồng: Hội đồng bảo vệ KLTN",
     "question": "Hội đồng bảo vệ KLTN gọi tắt là gì?", "extractive answer": "Hội đồng",
     "abstractive answer": "Gọi tắt là Hội đồng.", "label": "0"},
    {"split": "test", "index": "7", "context": "Điều 5. Điểm\nĐiểm KLTN là trung bình cộng điểm của thành viên.",
     "question": "Điểm KLTN tính thế nào?", "extractive answer": "trung bình cộng điểm của thành viên",
     "abstractive answer": "Là trung bình cộng.", "label": "1"},
    {"split": "val", "index": "9", "context": "Điều 2. Thuật ngữ\nHội đồng: Hội đồng bảo vệ KLTN",
     "question": "KLTN là gì?", "extractive answer": "KLTN",
     "abstractive answer": "Khóa luận.", "label": "0"},
]


def write_regulations_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_regulations_questions_get_row_ids_our_splits_and_their_context_s_name(tmp_path: Path) -> None:
    questions, contexts = sets.read_regulations(write_regulations_csv(tmp_path / "r.csv", REGULATION_ROWS))
    assert [q["id"] for q in questions] == ["r0001", "r0002", "r0003"]  # the CSV's index repeats
    assert [q["split"] for q in questions] == ["dev", "test", "dev"]  # train and val are dev
    assert len(contexts) == 2 and questions[0]["doc_id"] == questions[2]["doc_id"] != questions[1]["doc_id"]
    assert questions[1]["answers"] == ["trung bình cộng điểm của thành viên"]
    # A context's name depends on its text only, not on where its row stands.
    _, reordered = sets.read_regulations(write_regulations_csv(tmp_path / "s.csv", REGULATION_ROWS[::-1]))
    assert reordered.keys() == contexts.keys()


def test_contexts_are_mirrored_as_files_unchanged_ones_left_alone(tmp_path: Path) -> None:
    _, contexts = sets.read_regulations(write_regulations_csv(tmp_path / "r.csv", REGULATION_ROWS))
    folder = tmp_path / "documents"
    assert sets.write_contexts(contexts, folder) == 2
    assert sets.write_contexts(contexts, folder) == 0
    (name, text), *_ = contexts.items()
    assert (folder / f"{name}.txt").read_text(encoding="utf-8") == text
    assert sets.write_contexts({name: text}, folder) == 0
    assert sorted(p.stem for p in folder.glob("*.txt")) == [name]  # the other one is gone


def test_the_shared_folder_is_configurable_and_defaults_beside_the_repository(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("QA_SHARED_DIR", raising=False)
    assert sets.shared_dir() == Path(sets.EVAL_DIR).parent.parent / "shared"
    monkeypatch.setenv("QA_SHARED_DIR", str(tmp_path))
    standard = sets.standard_sets(cache=tmp_path / "cache")
    assert standard["plans"].documents == tmp_path / "plans"
    assert standard["regulations"].questions == tmp_path / "external" / "ViRHE4QA_v2.csv"
    assert standard["regulations"].index == tmp_path / "cache" / "regulations" / "index"
    assert standard["articles"].questions == runner.DEFAULT_QUESTIONS


@pytest.fixture
def empty_shared(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """shared/ holds nothing; eval/cache is redirected into tmp_path."""
    shared = tmp_path / "shared"
    shared.mkdir()
    monkeypatch.setenv("QA_SHARED_DIR", str(shared))
    monkeypatch.setattr(sets, "CACHE_DIR", tmp_path / "cache")
    return shared


def test_a_set_whose_data_is_absent_is_reported_as_skipped_not_an_error(
    empty_shared: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report_path = tmp_path / "report.md"
    code = runner.main(["--sets", "plans,regulations", "--json", "--report", str(report_path)],
                       open_answerer=_must_not_open)
    out, err = capsys.readouterr()
    assert code == 0
    run = json.loads(out)
    assert {name: entry["status"] for name, entry in run["sets"].items()} == {"plans": "skipped",
                                                                           "regulations": "skipped"}
    assert "ViRHE4QA_v2.csv" in run["sets"]["regulations"]["reason"]
    assert "[plans] skipped" in err
    assert "| plans | - | - | skipped: no documents at" in report_path.read_text(encoding="utf-8")


class SpanAnswerer:
    """Answers each regulations question by quoting its gold span, or a scripted text."""

    def __init__(self, questions: list[dict[str, Any]], texts: dict[str, str]) -> None:
        self.by_question = {q["question"]: q for q in questions}
        self.texts = texts
        self.opened: list[Any] = []

    def ask(self, question: str, mode: str = "hybrid", k: int = 5, id: str | None = None) -> Answer:
        q = self.by_question[question]
        text = self.texts.get(q["id"], f"Theo “Điều”: “{q['answers'][0]}” [1].")
        chunk = Chunk(chunk_id=0, doc_id=q["doc_id"], text=f"Văn bản: {q['answers'][0]}", start=0, end=10)
        return Answer(question=question, answer=text, abstained=False, id=id,
                      retrieved=[Hit(chunk=chunk, score=1.0)])


def test_the_regulations_set_runs_end_to_end_from_the_csv(
    empty_shared: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_regulations_csv(empty_shared / "external" / "ViRHE4QA_v2.csv", REGULATION_ROWS)
    questions, _ = sets.read_regulations(empty_shared / "external" / "ViRHE4QA_v2.csv")
    answerer = SpanAnswerer(questions, {"r0003": "Không rõ [1]."})  # r0003 (dev) misses its span

    def open_answerer(evalset: sets.EvalSet) -> SpanAnswerer:
        answerer.opened.append(evalset)
        return answerer

    code = runner.main(["--sets", "regulations", "--split", "dev", "--json", "--report",
                        str(tmp_path / "report.md")], open_answerer=open_answerer)
    out, _ = capsys.readouterr()
    assert code == 0
    entry = json.loads(out)["sets"]["regulations"]
    overall = entry["modes"]["hybrid"]["overall"]
    assert (entry["split"], overall["n"]) == ("dev", 2)  # the train and the val row
    assert overall["span_containment"] == pytest.approx(1 / 2)
    # r0001 quotes "Hội đồng": F1 1. r0003 has no marked quotation, so "Không rõ" is compared
    # whole with "KLTN": nothing shared, F1 0. Both answers' first passage is their own context.
    assert overall["token_f1"] == pytest.approx((1.0 + 0.0) / 2)
    assert (overall["recall@5"], overall["false_refusal_rate"]) == (1.0, 0.0)
    (evalset,) = answerer.opened
    assert evalset.documents == tmp_path / "cache" / "regulations" / "documents"
    assert len(list(evalset.documents.glob("ctx_*.txt"))) == 2  # every context, whatever the split


SQUAD = {"version": "v2.0", "data": [{"title": "Quy chế", "paragraphs": [
    {"context": "Điều 3. Học phí\nSinh viên nộp học phí trước ngày 15 của tháng đầu học kỳ.",
     "qas": [{"id": "s1", "question": "Sinh viên nộp học phí khi nào?",
              "answers": [{"text": "trước ngày 15 của tháng đầu học kỳ", "answer_start": 30},
                          {"text": "trước ngày 15", "answer_start": 30}], "is_impossible": False},
             {"id": "s2", "question": "Học phí năm 2030 là bao nhiêu?", "answers": [],
              "plausible_answers": [{"text": "học phí", "answer_start": 0}], "is_impossible": True}]},
    {"context": "Điều 4. Bảo lưu\nSinh viên được bảo lưu kết quả tối đa hai học kỳ.",
     "qas": [{"id": "s3", "question": "How long may a student defer?",
              "answers": [{"text": "tối đa hai học kỳ", "answer_start": 40}]}]}]}]}


def test_a_squad_file_is_read_as_a_span_set_with_several_golds_and_impossible_questions(tmp_path: Path) -> None:
    path = tmp_path / "viquad.json"
    path.write_text(json.dumps(SQUAD, ensure_ascii=False), encoding="utf-8")
    assert sets.is_span_file(path)
    questions, contexts = sets.read_span_file(path)
    assert [q["id"] for q in questions] == ["s1", "s2", "s3"] and len(contexts) == 2
    assert questions[0]["answers"] == ["trước ngày 15 của tháng đầu học kỳ", "trước ngày 15"]
    assert (questions[1]["kind"], questions[1]["answers"]) == ("unanswerable", [])  # plausible answers are not gold
    assert questions[0]["doc_id"] == questions[1]["doc_id"] != questions[2]["doc_id"]
    assert all("split" not in q for q in questions)  # one file, run whole


def test_csv_and_json_lines_with_a_context_per_row_are_span_files_our_questions_are_not(tmp_path: Path) -> None:
    rows = [{"context": "Điều 3. Sinh viên nộp học phí trước ngày 15.", "question": "Nộp học phí khi nào?",
             "answer": "trước ngày 15", "split": "validation"},
            {"context": "Điều 3. Sinh viên nộp học phí trước ngày 15.", "question": "Phạt bao nhiêu?", "answer": "",
             "split": "test"}]
    csv_path = write_regulations_csv(tmp_path / "theirs.csv", rows)
    lines = tmp_path / "theirs.jsonl"
    lines.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    ours = tmp_path / "ours.jsonl"
    ours.write_text(json.dumps({"question": "Mục tiêu?", "answers": ["80%"]}), encoding="utf-8")
    assert sets.is_span_file(csv_path) and sets.is_span_file(lines) and not sets.is_span_file(ours)
    for path in (csv_path, lines):
        questions, contexts = sets.read_span_file(path)
        assert len(contexts) == 1 and [q["id"] for q in questions] == ["r0001", "r0002"]
        assert [(q["kind"], q.get("split")) for q in questions] == [("fact", "dev"), ("unanswerable", "test")]
    broken = tmp_path / "broken.jsonl"
    broken.write_text(json.dumps({"context": "Điều 3.", "answer": "x"}), encoding="utf-8")
    with pytest.raises(sets.SpanFileError, match="row 1 needs"):
        sets.read_span_file(broken)


def test_an_evaluator_s_squad_file_runs_as_a_span_set_over_its_own_contexts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(runner, "EVAL_DIR", tmp_path / "eval")  # its contexts and index go under eval/cache
    path = tmp_path / "viquad.json"
    path.write_text(json.dumps(SQUAD, ensure_ascii=False), encoding="utf-8")
    questions, _ = sets.read_span_file(path)
    answerer = SpanAnswerer([q for q in questions if q["answers"]], {"s3": "Không rõ [1]."})
    refusing = Answer(question="Học phí năm 2030 là bao nhiêu?", answer="Không nêu.", abstained=True)

    def ask(question: str, mode: str = "hybrid", k: int = 5, id: str | None = None) -> Answer:
        return refusing if question == refusing.question else SpanAnswerer.ask(answerer, question, mode, k, id)

    answerer.ask = ask  # type: ignore[method-assign]
    opened: list[sets.EvalSet] = []
    code = runner.main(["--questions", str(path), "--json", "--report", str(tmp_path / "report.md")],
                       open_answerer=lambda evalset: opened.append(evalset) or answerer)
    out, _ = capsys.readouterr()
    assert code == 0
    entry = json.loads(out)["sets"]["custom"]
    overall = entry["modes"]["hybrid"]["overall"]
    assert (entry["style"], entry["split"], overall["n"]) == ("spans", "all", 3)
    # s1 quotes its first gold span; s3 misses; s2 (impossible) was refused.
    assert overall["span_containment"] == pytest.approx(1 / 2)
    assert (overall["abstention_recall"], overall["false_refusal_rate"]) == (1.0, 0.0)
    (evalset,) = opened
    assert evalset.documents == evalset.index.parent / "documents" and len(list(evalset.documents.glob("*.txt"))) == 2
    assert [f["id"] for f in entry["failures"]["hybrid"]] == ["s3"]
    # Its contexts are its documents: a documents folder too is a usage error.
    assert runner.main(["--questions", str(path), "--documents", str(tmp_path)], open_answerer=_must_not_open) == 2


def test_index_and_documents_re_point_the_one_chosen_set(empty_shared: Path) -> None:
    args = runner.parse_args(["--sets", "plans", "--index", "/tmp/idx", "--documents", "/tmp/docs"])
    (plans,) = runner.selected_sets(args)
    assert (plans.name, plans.index, plans.documents) == ("plans", Path("/tmp/idx"), Path("/tmp/docs"))
    (custom,) = runner.selected_sets(runner.parse_args(["--questions", "q.jsonl"]))
    assert (custom.name, custom.documents, custom.index) == ("custom", None, None)  # the configured ones
    # An evaluator's documents without --index get an index of their own, one per folder,
    # never the configured index of the chat's documents (which belongs to another folder).
    (theirs,) = runner.selected_sets(runner.parse_args(["--questions", "q.jsonl", "--documents", "/tmp/docs"]))
    (again,) = runner.selected_sets(runner.parse_args(["--questions", "q.jsonl", "--documents", "/tmp/docs/"]))
    (other,) = runner.selected_sets(runner.parse_args(["--questions", "q.jsonl", "--documents", "/tmp/other"]))
    assert theirs.index == again.index != other.index
    assert theirs.index.parent.parent == runner.EVAL_DIR / "cache" and theirs.index.name == "index"
    (given,) = runner.selected_sets(runner.parse_args(["--questions", "q.jsonl", "--documents", "/tmp/docs",
                                                       "--index", "/tmp/idx"]))
    assert given.index == Path("/tmp/idx")


def test_the_followup_set_runs_its_conversations_turn_by_turn_beside_the_others(tmp_path, capsys):
    """``--sets followup`` asks each conversation's turns in order, passing the earlier
    answers as history, and reports the follow-up figures with the other sets."""
    histories: list[int] = []

    class Remembering:
        def ask(self, question: str, *, history=(), **_: object) -> Answer:
            histories.append(len(history))
            return Answer(question=question, answer="Không rõ [1].", abstained=False)

    code = runner.main(["--sets", "followup", "--split", "dev", "--limit", "3", "--json", "--report",
                        str(tmp_path / "report.md")], open_answerer=lambda evalset: Remembering())
    out, _ = capsys.readouterr()
    assert code == 0
    figures = json.loads(out)["followup"]["figures"]
    assert figures["n_conversations"] == 3 and figures["n_turns"] == len(histories)
    assert histories[0] == 0 and max(histories) >= 1, "later turns carry the earlier answers"
    assert "## followup" in (tmp_path / "report.md").read_text(encoding="utf-8")


def test_a_regulations_question_names_its_context_as_the_index_names_that_document(tmp_path, empty_shared):
    write_regulations_csv(empty_shared / "external" / "ViRHE4QA_v2.csv", REGULATION_ROWS)
    questions, contexts = sets.read_regulations(empty_shared / "external" / "ViRHE4QA_v2.csv")
    sets.write_contexts(contexts, tmp_path / "docs")
    from qa.documents.ingest import doc_id_for

    for q in questions:
        assert doc_id_for(tmp_path / "docs" / q["doc_id"], tmp_path / "docs") == q["doc_id"]
        assert (tmp_path / "docs" / q["doc_id"]).is_file()
