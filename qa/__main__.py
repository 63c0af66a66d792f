"""Command line: ``python -m qa index`` and ``python -m qa ask``.

    python -m qa index [--documents DIR] [--index DIR]
    python -m qa ask "QUESTION" [--json] [--mode hybrid|bm25|dense] [--k 5] [--index DIR]
    python -m qa ask --batch FILE.jsonl [--index DIR]     (one JSON answer a line, in order;
                                                          lines with one "conversation" id are its turns)
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path

from .config import MODES, load_settings
from .conversation import Conversations
from .errors import QAError
from .index import Progress
from .pipeline import Assistant


def _progress_bar() -> Progress:
    """A tqdm bar per stage on stderr (reading files, embedding chunks)."""
    from tqdm import tqdm

    bars: dict[str, tqdm] = {}

    def report(stage: str, done: int, total: int) -> None:
        bar = bars.get(stage)
        if bar is None:
            bar = bars[stage] = tqdm(total=total, desc=stage, unit="chunk" if stage == "embed" else "file",
                                     file=sys.stderr, leave=True)
        bar.total = total
        bar.n = done
        bar.refresh()
        if done >= total:
            bar.close()

    return report


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m qa", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    index = sub.add_parser("index", help="build or update the index of the documents folder")
    index.add_argument("--documents", type=Path, help="folder of plan documents (default: documents/)")
    index.add_argument("--index", type=Path, help="index folder (default: index/)")
    ask = sub.add_parser("ask", help="answer a question (or a JSON-lines batch) with cited passages")
    ask.add_argument("question", nargs="?", help="the question, in Vietnamese or English")
    ask.add_argument("--batch", type=Path, help="JSON-lines file of {\"question\": ..., \"id\": ...}; lines "
                     "sharing a \"conversation\" id are turns of one conversation, in order")
    ask.add_argument("--json", action="store_true", help="print the answer as JSON")
    ask.add_argument("--mode", choices=MODES, help="retrieval mode (default: hybrid)")
    ask.add_argument("--k", type=int, help="number of sources (default: 5)")
    ask.add_argument("--province", help="answer only from this province's plans")
    ask.add_argument("--documents", type=Path, help="folder of plan documents (default: documents/)")
    ask.add_argument("--index", type=Path, help="index folder (default: index/)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = load_settings(documents_dir=args.documents, index_dir=args.index)
        if args.command == "index":
            return _index(settings)
        return _ask(args, settings)
    except QAError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except ValueError as exc:  # settings given out of range
        print(f"error: {exc}", file=sys.stderr)
        return 2


def _index(settings) -> int:
    assistant = Assistant.open(settings, progress=_progress_bar())
    docs = assistant.documents()
    print(f"indexed {len(docs)} documents, {sum(d.n_chunks for d in docs)} chunks "
          f"in {settings.index_dir} (model {assistant.index.model})")
    for d in docs:
        print(f"  {d.doc_id}  [{d.province or '?'}]  {d.n_chunks} chunks  {d.title}")
    for path, reason in assistant.skipped.items():
        print(f"  skipped {path}: {reason}", file=sys.stderr)
    return 0


def _ask(args: argparse.Namespace, settings) -> int:
    if (args.question is None) == (args.batch is None):
        print("error: give a question, or --batch FILE.jsonl (not both)", file=sys.stderr)
        return 2
    if args.k is not None and args.k < 1:
        print("error: --k must be at least 1", file=sys.stderr)
        return 2
    assistant = Assistant.open(settings, progress=_progress_bar())
    if args.batch is not None:
        return _ask_batch(assistant, args)
    answer = assistant.ask(args.question, mode=args.mode, k=args.k, province=args.province)
    if args.json:
        print(json.dumps(answer.to_json(), ensure_ascii=False))
        return 0
    print(answer.answer)
    print()
    for c in answer.citations:
        label = "related" if answer.abstained else "source"
        print(f"[{c.n}] ({label}) {c.title} — {c.province or '?'} — {c.doc_id} chars {c.start}-{c.end}")
        print(f"    {c.passage[:300]}{'…' if len(c.passage) > 300 else ''}")
    return 0


def _batch_lines(path: Path) -> Iterator[tuple[int, dict | None, str | None]]:
    """(line number, parsed object or None, error or None) for each non-blank line."""
    try:
        handle = path.open(encoding="utf-8")
    except OSError as exc:
        raise QAError(f"cannot read {path}: {exc.strerror}") from exc
    with handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except ValueError as exc:
                yield number, None, f"not valid JSON ({exc.msg})"
                continue
            if not isinstance(obj, dict) or not isinstance(obj.get("question"), str):
                yield number, None, 'needs an object with a "question" string'
                continue
            yield number, obj, None


def _ask_batch(assistant: Assistant, args: argparse.Namespace) -> int:
    """One answer a line, in input order; a bad line gets an error object, not a crash."""
    failures = 0
    conversations = Conversations()  # lines sharing a "conversation" id carry their history
    for number, obj, error in _batch_lines(args.batch):
        qid = None if obj is None or obj.get("id") is None else str(obj.get("id"))
        if error is None:
            try:
                answer = assistant.ask(obj["question"], mode=args.mode, k=args.k, id=qid, province=args.province,
                                       history=conversations.history(obj))
                conversations.add(obj, answer)
                print(json.dumps(conversations.to_json(obj, answer), ensure_ascii=False), flush=True)
                continue
            except QAError as exc:
                error = str(exc)
        failures += 1
        print(f"error: {args.batch}:{number}: {error}", file=sys.stderr)
        print(json.dumps({"id": qid, "question": obj.get("question") if obj else None, "error": error,
                          "line": number}, ensure_ascii=False), flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
