"""Turn a benchmark run into tables, target checks, a Markdown report and charts.

Input is the plain dict :func:`eval.runner.main` builds: ``{"modes", "k", "sets": {name:
entry}}``, each entry what :func:`eval.runner.run_set` returns (a set that ran holds
the :func:`eval.runner.run_benchmark` figures; a skipped or failed one, its reason).
Nothing here asks the assistant or recomputes a metric, so the report always shows
exactly the figures of ``--json``. It opens with one table, every set side by side.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

TARGET_MODE = "hybrid"
SINGLE_MODES = ("bm25", "dense")
NA = "n/a"

#: (metric key, column heading) of the tables, in display order.
COLUMNS = (
    ("n", "n"),
    ("recall@1", "R@1"),
    ("recall@3", "R@3"),
    ("recall@5", "R@5"),
    ("mrr@10", "MRR@10"),
    ("accuracy", "Acc"),
    ("citation_accuracy", "CiteAcc"),
    ("abstention_precision", "AbstP"),
    ("abstention_recall", "AbstR"),
    ("false_abstention_rate", "FalseAbst"),
    ("latency_p50_ms", "p50 ms"),
    ("latency_p95_ms", "p95 ms"),
)

#: The one table every set shares: (key, heading). ``acc_<lang>`` is the accuracy of one
#: language; ``false_refusal_rate`` is the share of answerable questions abstained on.
SUMMARY_COLUMNS = (
    ("n", "n"),
    ("recall@5", "R@5"),
    ("accuracy", "Acc"),
    ("acc_vi", "Acc vi"),
    ("acc_vi-nodiac", "Acc vi-nodiac"),
    ("acc_en", "Acc en"),
    ("citation_accuracy", "CiteAcc"),
    ("abstention_precision", "AbstP"),
    ("abstention_recall", "AbstR"),
    ("false_refusal_rate", "FalseRefusal"),
    ("span_containment", "Contain"),
    ("span_containment_80", "Contain80"),
    ("token_f1", "TokenF1"),
    ("latency_p50_ms", "p50 ms"),
    ("ask_s", "ask s"),
)

#: The columns of a span set's own table.
SPAN_COLUMNS = (
    ("n", "n"),
    ("recall@5", "R@5"),
    ("span_containment", "Contain"),
    ("span_containment_80", "Contain80"),
    ("token_f1", "TokenF1"),
    ("false_refusal_rate", "FalseRefusal"),
    ("abstention_recall", "AbstR"),
    ("latency_p50_ms", "p50 ms"),
    ("latency_p95_ms", "p95 ms"),
)
#: Failed questions listed per set in the Markdown report (all of them are in --json).
MAX_LISTED_FAILURES = 100

#: The metrics drawn in the chart, one group of bars (one bar per mode) each.
CHART_METRICS = (
    ("recall@5", "recall@5"),
    ("mrr@10", "MRR@10"),
    ("accuracy", "accuracy"),
    ("citation_accuracy", "citation acc."),
    ("abstention_precision", "abstention P"),
    ("abstention_recall", "abstention R"),
)

#: Absolute targets on the hybrid mode's overall figures: (metric, label, threshold).
ABSOLUTE_TARGETS = (
    ("accuracy", "accuracy (overall)", 0.90),
    ("recall@5", "recall@5", 0.97),
    ("citation_accuracy", "citation accuracy", 0.90),
    ("abstention_precision", "abstention precision", 0.80),
    ("abstention_recall", "abstention recall", 0.80),
)
PER_LANGUAGE_ACCURACY = 0.85
#: Metrics on which hybrid must be at least as good as the best single mode.
NOT_WORSE_THAN_SINGLE = ("recall@5", "accuracy")


@dataclass(frozen=True)
class TargetCheck:
    """One target and whether the hybrid mode met it.

    ``met`` is ``None`` when the target could not be checked at all (a comparison with
    single modes that were not run, or a question file with nothing that measures it:
    ``MEASURED_BY``). A target whose figure is not measured (``None``,
    e.g. abstention precision when nothing abstained) counts as missed: a target is met
    only by evidence.
    """

    target: str
    value: float | None
    threshold: float | None
    met: bool | None
    note: str = ""

    @property
    def status(self) -> str:
        """``MET``, ``MISSED`` or ``NOT CHECKED``."""
        return {True: "MET", False: "MISSED", None: "NOT CHECKED"}[self.met]

    def as_dict(self) -> dict[str, Any]:
        """The check as JSON-ready data."""
        return {"target": self.target, "value": self.value, "threshold": self.threshold,
                "status": self.status, "note": self.note}


# --------------------------------------------------------------------------- targets


def _at_least(target: str, value: float | None, threshold: float, note: str = "") -> TargetCheck:
    if value is None:
        return TargetCheck(target, None, threshold, False, note or "not measured")
    return TargetCheck(target, value, threshold, value >= threshold - 1e-12, note)


#: What each target needs among the questions, and how the report says its absence: a
#: target the question file cannot measure (an evaluator's file may give no evidence
#: strings or no unanswerable questions) is NOT CHECKED, not missed.
MEASURED_BY = {
    "recall@5": ("n_with_evidence", "no answerable question gives evidence"),
    "citation_accuracy": ("n_with_evidence", "no answerable question gives evidence"),
    "abstention_precision": ("n_unanswerable", "no unanswerable questions"),
    "abstention_recall": ("n_unanswerable", "no unanswerable questions"),
}


def _absolute_checks(overall: Mapping[str, Any]) -> list[TargetCheck]:
    checks = []
    for key, label, threshold in ABSOLUTE_TARGETS:
        needs, why = MEASURED_BY.get(key, (None, ""))
        if needs is not None and overall.get(needs) == 0:
            checks.append(TargetCheck(label, None, threshold, None, why))
        else:
            checks.append(_at_least(label, overall.get(key), threshold))
    return checks


def _language_checks(by_lang: Mapping[str, Mapping[str, Any]]) -> list[TargetCheck]:
    return [
        _at_least(f"accuracy ({lang})", figures.get("accuracy"), PER_LANGUAGE_ACCURACY)
        for lang, figures in by_lang.items()
        if figures.get("n_answerable")
    ]


def _comparison_check(modes: Mapping[str, Any], key: str) -> TargetCheck:
    """Hybrid at least as good as the best single mode on one metric."""
    target = f"{key}: hybrid >= best single mode"
    singles = {m: modes[m]["overall"].get(key) for m in SINGLE_MODES if m in modes}
    measured = {m: v for m, v in singles.items() if v is not None}
    if not measured:
        return TargetCheck(target, modes[TARGET_MODE]["overall"].get(key), None, None,
                           "run bm25 and dense too to check this")
    best_mode = max(measured, key=lambda m: measured[m])
    missing = [m for m in SINGLE_MODES if m not in singles]
    note = f"best single mode: {best_mode}" + (f" ({', '.join(missing)} not run)" if missing else "")
    return _at_least(target, modes[TARGET_MODE]["overall"].get(key), measured[best_mode], note)


def check_targets(modes: Mapping[str, Any]) -> list[TargetCheck]:
    """Every product target, checked on the hybrid mode; empty if hybrid was not run."""
    if TARGET_MODE not in modes:
        return []
    hybrid = modes[TARGET_MODE]
    return (
        _absolute_checks(hybrid["overall"])
        + _language_checks(hybrid["by_lang"])
        + [_comparison_check(modes, key) for key in NOT_WORSE_THAN_SINGLE]
    )


# --------------------------------------------------------------------------- tables


def format_value(key: str, value: Any) -> str:
    """A figure as shown in tables: ratios to 3 decimals, ms and s to 1, missing as n/a."""
    if value is None:
        return NA
    if key == "n" or key.startswith("n_"):
        return str(int(value))
    if key.endswith("_ms") or key.endswith("_s"):
        return f"{value:.1f}"
    return f"{value:.3f}"


def _row(label: str, figures: Mapping[str, Any], columns: Sequence[tuple[str, str]] = COLUMNS) -> list[str]:
    return [label] + [format_value(key, figures.get(key)) for key, _ in columns]


def _headers(first: str, columns: Sequence[tuple[str, str]] = COLUMNS) -> list[str]:
    return [first] + [heading for _, heading in columns]


def summary_values(entry: Mapping[str, Any], mode: str) -> dict[str, Any]:
    """One set's figures in one mode, under the keys of :data:`SUMMARY_COLUMNS`."""
    figures = entry["modes"][mode]
    values = dict(figures["overall"])
    for lang, by_lang in figures.get("by_lang", {}).items():
        values[f"acc_{lang}"] = by_lang.get("accuracy")
    if "false_refusal_rate" not in values:
        values["false_refusal_rate"] = values.get("false_abstention_rate")
    values["ask_s"] = entry.get("seconds", {}).get(mode)
    return values


def summary_rows(run: Mapping[str, Any]) -> list[list[str]]:
    """The first table: one row per set and mode; a set that did not run says why."""
    rows = []
    for name, entry in run["sets"].items():
        if entry["status"] != "ran":
            rows.append([name, "-", "-", f"{entry['status']}: {entry['reason']}"]
                        + [""] * (len(SUMMARY_COLUMNS) - 1))
            continue
        for mode in entry["modes"]:
            rows.append([name, entry["split"], mode]
                        + [format_value(key, summary_values(entry, mode).get(key)) for key, _ in SUMMARY_COLUMNS])
    return rows


SUMMARY_HEADERS = ["set", "split", "mode"] + [heading for _, heading in SUMMARY_COLUMNS]


def text_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A fixed-width plain-text table (first column left-aligned, figures right)."""
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows)]

    def line(cells: Sequence[str]) -> str:
        first = str(cells[0]).ljust(widths[0])
        rest = [str(c).rjust(w) for c, w in zip(cells[1:], widths[1:])]
        return "  ".join([first, *rest])

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(headers), rule, *(line(r) for r in rows)])


def _escape_cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\r", " ").replace("\n", " ")


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A GitHub-flavoured Markdown table, with pipes and newlines in cells escaped."""
    lines = [
        "| " + " | ".join(_escape_cell(h) for h in headers) + " |",
        "|" + "|".join("---" for _ in headers) + "|",
    ]
    lines += ["| " + " | ".join(_escape_cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _mode_rows(mode_figures: Mapping[str, Any]) -> list[list[str]]:
    """Overall, then per-language, then per-kind rows of one mode."""
    rows = [_row("all", mode_figures["overall"])]
    rows += [_row(f"lang={lang}", f) for lang, f in mode_figures["by_lang"].items()]
    rows += [_row(f"kind={kind}", f) for kind, f in mode_figures["by_kind"].items()]
    return rows


def _timing_line(name: str, entry: Mapping[str, Any]) -> str:
    timing = entry.get("timing_s", {})
    return (f"{name}: {entry['n_questions']} questions, split {entry['split']}; index opened (built if "
            f"needed) in {format_value('open_s', timing.get('open'))} s, questions asked in "
            f"{format_value('ask_s', timing.get('ask'))} s, {format_value('wall_s', timing.get('wall'))} s in all")


def text_tables(run: Mapping[str, Any]) -> str:
    """The terminal summary: every set side by side, then each set per mode in detail."""
    blocks = ["== all sets ==\n" + text_table(SUMMARY_HEADERS, summary_rows(run))]
    for name, entry in run["sets"].items():
        if entry["status"] != "ran":
            continue
        blocks.append("\n" + _timing_line(name, entry))
        for mode, figures in entry["modes"].items():
            if entry["style"] == "spans":
                table = text_table(_headers("group", SPAN_COLUMNS), [_row("all", figures["overall"], SPAN_COLUMNS)])
            else:
                table = text_table(_headers("group"), _mode_rows(figures))
            blocks.append(f"\n== {name}: {mode} ==\n" + table)
        checks = entry.get("targets")
        if checks:
            rows = [[c["target"], format_value("v", c["value"]), format_value("v", c["threshold"]), c["status"]]
                    for c in checks]
            blocks.append(f"\n== {name}: targets (hybrid) ==\n"
                          + text_table(["target", "value", "needs", "status"], rows))
    return "\n".join(blocks)


# --------------------------------------------------------------------------- chart


def write_chart(modes: Mapping[str, Any], path: Path) -> Path:
    """A grouped bar chart of the main metrics, one bar per mode; unmeasured bars say n/a.

    Drawn on a bare Agg canvas (no pyplot), so it needs no display and leaves no global
    figure state behind in the caller's process.
    """
    names = list(modes)
    x = np.arange(len(CHART_METRICS))
    width = 0.8 / max(len(names), 1)
    figure = Figure(figsize=(10, 4.8), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    for i, mode in enumerate(names):
        values = [modes[mode]["overall"].get(key) for key, _ in CHART_METRICS]
        heights = [0.0 if v is None else v for v in values]  # a flat bar labelled n/a
        bars = axes.bar(x + (i - (len(names) - 1) / 2) * width, heights, width, label=mode)
        axes.bar_label(bars, labels=[NA if v is None else f"{v:.2f}" for v in values], fontsize=7)
    axes.set_xticks(x, [label for _, label in CHART_METRICS])
    axes.set_ylim(0, 1.1)
    axes.set_ylabel("score")
    axes.set_title("Main metrics per retrieval mode")
    axes.legend(title="mode", loc="upper left", bbox_to_anchor=(1.0, 1.0))
    figure.tight_layout()
    figure.savefig(path, format="png")
    return path


# --------------------------------------------------------------------------- markdown


def _overall_section(modes: Mapping[str, Any], columns: Sequence[tuple[str, str]] = COLUMNS) -> list[str]:
    rows = [_row(mode, figures["overall"], columns) for mode, figures in modes.items()]
    return ["### Overall", "", markdown_table(_headers("mode", columns), rows), ""]


def _breakdown_section(modes: Mapping[str, Any], title: str, key: str) -> list[str]:
    lines = [f"### {title}", ""]
    for mode, figures in modes.items():
        rows = [_row(group, f) for group, f in figures[key].items()]
        lines += [f"#### {mode}", "", markdown_table(_headers(key.removeprefix("by_")), rows), ""]
    return lines


def _targets_section(checks: Sequence[TargetCheck], modes: Mapping[str, Any]) -> list[str]:
    lines = ["### Targets (hybrid)", ""]
    if TARGET_MODE not in modes:
        return lines + ["The hybrid mode was not run, so no target was checked.", ""]
    rows = [[c.target, format_value("v", c.value), f">= {format_value('v', c.threshold)}",
             f"**{c.status}**", c.note] for c in checks]
    met = sum(c.met is True for c in checks)
    return lines + [f"{met} of {len(checks)} targets met.", "",
                    markdown_table(["target", "value", "needs", "status", "note"], rows), ""]


def _shorten(text: str, limit: int = 400) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _failures_section(entry: Mapping[str, Any]) -> list[str]:
    """The failed questions of the hybrid mode; never those of the test split, which is
    for reporting only (their list stays in --json for an outside evaluator)."""
    failed = entry.get("failures", {})
    lines = [f"### Failed questions ({TARGET_MODE})", ""]
    if entry.get("split") == "test":
        return lines + ["Not listed for the test split: read only its aggregate figures. "
                        "Run `--split dev` to see failures.", ""]
    if TARGET_MODE not in failed:
        return lines + ["The hybrid mode was not run.", ""]
    items = failed[TARGET_MODE]
    if not items:
        return lines + ["None.", ""]
    rows = [
        [f["id"], f["question"], " / ".join(f["expected"]) or "(abstain)",
         ("(abstained) " if f["abstained"] else "") + _shorten(f["got"]), "; ".join(f["why"])]
        for f in items[:MAX_LISTED_FAILURES]
    ]
    more = len(items) - len(rows)
    note = f" The first {len(rows)} are listed; --json has all." if more > 0 else ""
    return lines + [f"{len(items)} failed.{note}", "",
                    markdown_table(["id", "question", "expected", "got", "why"], rows), ""]


NOTES = """## How to read this

- Facts sets (articles, plans): retrieval (R@k, MRR@10), accuracy and citation accuracy
  are over answerable questions; a passage holds the evidence when the question's
  evidence string is in it (NFC, casefolded, whitespace collapsed).
- Acc: a gold string is in the answer, the answer is at most 300 characters (markers
  included) and it is not an abstention; Acc vi / vi-nodiac / en split it by the
  question's language. CiteAcc: the citation marked first (first `[n]`) holds the evidence.
- AbstP/AbstR: precision and recall of abstaining on unanswerable questions. `n/a` means
  there was nothing to divide by (nothing abstained, or no unanswerable question); an
  unmeasured figure never meets a target. FalseRefusal: abstentions on answerable questions.
- Span sets (regulations, or an evaluator's reading-comprehension file: SQuAD JSON, or CSV /
  JSON lines with a context per row): the answer's citation-marked quotations are compared
  with the gold span (the lead that names the source is not); with several gold spans the
  best one counts. Contain: the whole normalised span is in them; Contain80: at least 80% of
  its tokens are; TokenF1: SQuAD token F1. R@5: one of the top 5 passages comes from the
  question's own context and holds >= 80% of the span's tokens. These are over answerable
  questions; AbstR is the share of questions with no gold span (SQuAD 2.0's impossible ones)
  that were refused. See eval/metrics.py.
- Latency is wall-clock milliseconds per ask, after one untimed warm-up ask per mode;
  "ask s" is the wall time of all of a mode's questions.
"""


def _set_section(name: str, entry: Mapping[str, Any], chart: Path | None) -> list[str]:
    lines = [f"## {name}", ""]
    if entry["status"] != "ran":
        return lines + [f"{entry['status'].capitalize()}: {entry['reason']}.", ""]
    lines += [f"- Questions: `{entry['questions_file']}`, split `{entry['split']}`, "
              f"{entry['n_questions']} questions; documents: `{entry['documents']}`",
              f"- {_timing_line(name, entry)}", ""]
    modes = entry["modes"]
    if entry["style"] == "spans":
        return lines + _overall_section(modes, SPAN_COLUMNS) + _failures_section(entry)
    lines += _overall_section(modes)
    if chart is not None:
        lines += [f"![Main metrics per mode, {name}]({chart.name})", ""]
    return (lines + _targets_section(check_targets(modes), modes)
            + _breakdown_section(modes, "By language", "by_lang")
            + _breakdown_section(modes, "By kind", "by_kind")
            + _failures_section(entry))


def render_markdown(run: Mapping[str, Any], charts: Mapping[str, Path] | None = None) -> str:
    """The whole report as Markdown: every set side by side, then one section per set."""
    charts = charts or {}
    header = [
        "# Benchmark report",
        "",
        f"- Modes: {', '.join(run.get('modes', []))}; answers asked with k = {run.get('k', '?')}",
        "",
        markdown_table(SUMMARY_HEADERS, summary_rows(run)),
        "",
    ]
    body: list[str] = []
    for name, entry in run["sets"].items():
        body += _set_section(name, entry, charts.get(name))
    return "\n".join(header + body) + "\n" + NOTES


def chart_path(report_path: Path, set_name: str) -> Path:
    """Where a set's chart goes: beside the report, ``<report stem>-<set>.png``."""
    return report_path.with_name(f"{report_path.stem}-{set_name}.png")


def write_report(run: Mapping[str, Any], path: Path) -> tuple[Path, ...]:
    """Write the Markdown report and one chart per facts set that ran; return their paths."""
    path.parent.mkdir(parents=True, exist_ok=True)
    charts = {
        name: write_chart(entry["modes"], chart_path(path, name))
        for name, entry in run["sets"].items()
        if entry["status"] == "ran" and entry["style"] == "facts"
    }
    path.write_text(render_markdown(run, charts), encoding="utf-8")
    return (path, *charts.values())
