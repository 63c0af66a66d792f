"""Turn a benchmark run into tables, a target check, a Markdown report and a chart.

Input is the plain dict :func:`eval.runner.run_benchmark` returns (plus the
``questions_file`` and ``split`` the CLI adds); nothing here asks the assistant or
recomputes a metric, so the report always shows exactly the figures of ``--json``.
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
    single modes that were not run). A target whose figure is not measured (``None``,
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


def _absolute_checks(overall: Mapping[str, Any]) -> list[TargetCheck]:
    return [_at_least(label, overall.get(key), threshold) for key, label, threshold in ABSOLUTE_TARGETS]


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
    """A figure as shown in tables: ratios to 3 decimals, ms whole, missing as n/a."""
    if value is None:
        return NA
    if key == "n" or key.startswith("n_"):
        return str(int(value))
    if key.endswith("_ms"):
        return f"{value:.1f}"
    return f"{value:.3f}"


def _row(label: str, figures: Mapping[str, Any]) -> list[str]:
    return [label] + [format_value(key, figures.get(key)) for key, _ in COLUMNS]


def _headers(first: str) -> list[str]:
    return [first] + [heading for _, heading in COLUMNS]


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


def text_tables(run: Mapping[str, Any]) -> str:
    """The terminal summary: one table per mode, broken down by language and kind."""
    blocks = [f"{run.get('n_questions', 0)} questions, split {run.get('split', '?')}"]
    for mode, figures in run["modes"].items():
        blocks.append(f"\n== {mode} ==\n" + text_table(_headers("group"), _mode_rows(figures)))
    checks = run.get("targets")
    if checks:
        rows = [[c["target"], format_value("v", c["value"]), format_value("v", c["threshold"]), c["status"]]
                for c in checks]
        blocks.append("\n== targets (hybrid) ==\n" + text_table(["target", "value", "needs", "status"], rows))
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


def _overall_section(modes: Mapping[str, Any]) -> list[str]:
    rows = [_row(mode, figures["overall"]) for mode, figures in modes.items()]
    return ["## Overall", "", markdown_table(_headers("mode"), rows), ""]


def _breakdown_section(modes: Mapping[str, Any], title: str, key: str) -> list[str]:
    lines = [f"## {title}", ""]
    for mode, figures in modes.items():
        rows = [_row(group, f) for group, f in figures[key].items()]
        lines += [f"### {mode}", "", markdown_table(_headers(key.removeprefix("by_")), rows), ""]
    return lines


def _targets_section(checks: Sequence[TargetCheck], modes: Mapping[str, Any]) -> list[str]:
    lines = ["## Targets (hybrid)", ""]
    if TARGET_MODE not in modes:
        return lines + ["The hybrid mode was not run, so no target was checked.", ""]
    rows = [[c.target, format_value("v", c.value), f">= {format_value('v', c.threshold)}",
             f"**{c.status}**", c.note] for c in checks]
    met = sum(c.met is True for c in checks)
    return lines + [f"{met} of {len(checks)} targets met.", "",
                    markdown_table(["target", "value", "needs", "status", "note"], rows), ""]


def _shorten(text: str, limit: int = 400) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _failures_section(failed: Mapping[str, Any]) -> list[str]:
    lines = [f"## Failed questions ({TARGET_MODE})", ""]
    if TARGET_MODE not in failed:
        return lines + ["The hybrid mode was not run.", ""]
    items = failed[TARGET_MODE]
    if not items:
        return lines + ["None.", ""]
    rows = [
        [f["id"], f["question"], " / ".join(f["expected"]) or "(abstain)",
         ("(abstained) " if f["abstained"] else "") + _shorten(f["got"]), "; ".join(f["why"])]
        for f in items
    ]
    return lines + [f"{len(items)} failed.", "",
                    markdown_table(["id", "question", "expected", "got", "why"], rows), ""]


NOTES = """## How to read this

- Retrieval (R@k, MRR@10), accuracy and citation accuracy are over answerable questions;
  a passage holds the evidence when the question's evidence string is in it (NFC,
  casefolded, whitespace collapsed).
- Acc: a gold string is in the answer, the answer is at most 300 characters (markers
  included) and it is not an abstention. CiteAcc: the citation marked first (first `[n]`)
  holds the evidence.
- AbstP/AbstR: precision and recall of abstaining on unanswerable questions. `n/a` means
  there was nothing to divide by (nothing abstained, or no unanswerable question); an
  unmeasured figure never meets a target.
- Latency is wall-clock milliseconds per ask, after one untimed warm-up ask per mode.
"""


def render_markdown(run: Mapping[str, Any], chart_name: str) -> str:
    """The whole report as Markdown text, the chart embedded by its file name."""
    modes = run["modes"]
    checks = check_targets(modes)
    header = [
        "# Benchmark report",
        "",
        f"- Questions: `{run.get('questions_file', '?')}`, split `{run.get('split', '?')}`, "
        f"{run.get('n_questions', 0)} questions",
        f"- Modes: {', '.join(modes)}; answers asked with k = {run.get('k', '?')}",
        "",
    ]
    body = (
        _overall_section(modes)
        + [f"![Main metrics per mode]({chart_name})", ""]
        + _targets_section(checks, modes)
        + _breakdown_section(modes, "By language", "by_lang")
        + _breakdown_section(modes, "By kind", "by_kind")
        + _failures_section(run.get("failures", {}))
    )
    return "\n".join(header + body) + "\n" + NOTES


def chart_path(report_path: Path) -> Path:
    """Where the chart of a report goes: beside it, same name, ``.png``."""
    if report_path.suffix.lower() == ".png":  # never let the chart overwrite the report
        return report_path.with_name(report_path.stem + ".chart.png")
    return report_path.with_suffix(".png")


def write_report(run: Mapping[str, Any], path: Path) -> tuple[Path, Path]:
    """Write the Markdown report and its chart (same name, ``.png``) side by side."""
    path.parent.mkdir(parents=True, exist_ok=True)
    chart = write_chart(run["modes"], chart_path(path))
    path.write_text(render_markdown(run, chart.name), encoding="utf-8")
    return path, chart
