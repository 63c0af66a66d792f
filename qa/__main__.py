"""Command line: ``python -m qa index`` and ``python -m qa ask``.

    python -m qa index [--documents DIR] [--index DIR] [--repoint]
    python -m qa ask "QUESTION" [--json] [--mode hybrid|bm25|dense] [--k 5] [--index DIR]
    python -m qa ask --batch FILE.jsonl [--index DIR]     (one JSON answer a line, in order;
                                                          lines with one "conversation" id are its turns)

An index belongs to the documents folder it was built from: `ask --index DIR` answers
from it (and updates it from that folder only). `--documents` naming another folder
is refused; `index --documents NEW --index DIR --repoint` moves the index to NEW.
"""

from __future__ import annotations

import argparse
import codecs
import json
import sys
from collections.abc import Iterator
from pathlib import Path

from qa.config import MODES, Settings, load_settings
from qa.answering.conversation import Conversations
from qa.indexing.embed import load_embedder
from qa.errors import QAError
from qa.indexing.index import Progress, open_index
from qa.pipeline import Assistant

#: How much of a bad batch line an error object echoes back.
ECHO_CHARS = 200


#: What each stage of a build counts.
STAGE_UNITS = {"read": "file", "embed": "chunk", "units": "unit", "index": "step", "milvus": "chunk"}


def _progress_bar() -> Progress:
    """A tqdm bar per stage on stderr (reading files, embedding chunks, indexing),
    with its rate and the time left (tqdm's ETA, from the average rate so far)."""
    from tqdm import tqdm

    bars: dict[str, tqdm] = {}

    def report(stage: str, done: int, total: int) -> None:
        bar = bars.get(stage)
        if bar is None:
            bar = bars[stage] = tqdm(total=total, desc=stage, unit=STAGE_UNITS.get(stage, "item"),
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
    index.add_argument("--documents", type=Path,
                       help="folder of plan documents (default: the index's own, or documents/ for a new index)")
    index.add_argument("--index", type=Path, help="index folder (default: index/)")
    index.add_argument("--repoint", action="store_true",
                       help="make an index built from another folder follow --documents (unchanged files are kept)")
    ask = sub.add_parser("ask", help="answer a question (or a JSON-lines batch) with cited passages")
    ask.add_argument("question", nargs="?", help="the question, in Vietnamese or English")
    ask.add_argument("--batch", type=Path, help="JSON-lines file of {\"question\": ..., \"id\": ...}; lines "
                     "sharing a \"conversation\" id are turns of one conversation, in order")
    ask.add_argument("--json", action="store_true", help="print the answer as JSON")
    ask.add_argument("--mode", choices=MODES, help="retrieval mode (default: hybrid)")
    ask.add_argument("--k", type=int, help="number of sources (default: 5)")
    ask.add_argument("--province", help="answer only from this province's plans")
    ask.add_argument("--documents", type=Path,
                     help="folder of plan documents (default: the one the index was built from)")
    ask.add_argument("--index", type=Path, help="index folder (default: index/)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = load_settings(documents_dir=args.documents, index_dir=args.index)
    except ValueError as exc:  # settings given out of range
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        if args.command == "index":
            return _index(settings, args.repoint)
        return _ask(args, settings)
    except QAError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def _index(settings: Settings, repoint: bool) -> int:
    # The one writer, whatever QA_READ_ONLY (meant for the serving replicas) says.
    settings = settings.with_overrides(read_only=False)
    # Waits for a build another process is running on this folder, then reports the result.
    open_index(settings, load_embedder(settings.model, settings.device, settings.embed_batch), _progress_bar(),
               repoint=repoint, wait=True)
    assistant = Assistant.open(settings, progress=_progress_bar())  # (Milvus, if set, is filled here)
    docs = assistant.documents()
    print(f"indexed {len(docs)} documents, {sum(d.n_chunks for d in docs)} chunks "
          f"from {assistant.index.documents_dir} in {settings.index_dir} (model {assistant.index.model})")
    for d in docs:
        loaded = d.kept_chars + d.removed_chars
        share = f" ({100 * d.removed_chars / loaded:.1f}%)" if loaded else ""
        print(f"  {d.doc_id}  [{d.province or '?'}]  {d.n_chunks} chunks, cleaning removed "
              f"{d.removed_chars:,} chars{share}  {d.title}")
    for path, reason in assistant.skipped.items():
        print(f"  skipped {path}: {reason}", file=sys.stderr)
    synced = getattr(assistant.backend, "last_sync", None)
    if settings.milvus_uri and synced is not None:
        print(f"Milvus {settings.milvus_uri}, collection {settings.milvus_collection}: {synced['written']} documents "
              f"written, {synced['deleted']} deleted, {synced['kept']} kept"
              + (" (the whole collection written afresh)" if synced["whole"] else ""))
    return 0


def _ask(args: argparse.Namespace, settings: Settings) -> int:
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


def _batch_lines(path: Path, max_line_bytes: int) -> Iterator[tuple[int, dict | None, str | None, str | None]]:
    """(line number, parsed object or None, error or None, echo of a bad line) per non-blank line.

    Each line is read (at most ``max_line_bytes`` of it) and decoded on its own, so
    bad bytes, a lone surrogate, deep nesting or a huge number on one line cost that
    line only; a byte-order mark at the start of the file is ignored.
    """
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise QAError(f"cannot read {path}: {exc.strerror}") from exc
    with handle:
        number = 0
        while raw := handle.readline(max_line_bytes + 1):
            number += 1
            if number == 1 and raw.startswith(codecs.BOM_UTF8):
                raw = raw[len(codecs.BOM_UTF8):]
            if len(raw) > max_line_bytes and not raw.endswith(b"\n"):
                while (rest := handle.readline(1 << 20)) and not rest.endswith(b"\n"):
                    pass  # the rest of the overlong line is skipped, not kept
                yield number, None, f"is longer than {max_line_bytes:,} bytes; a question has at most a few " \
                                    "thousand characters", _echo(raw[: 4 * ECHO_CHARS].decode("utf-8", "replace"))
                continue
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                yield number, None, f"is not valid UTF-8 (byte 0x{raw[exc.start]:02x} at byte {exc.start + 1}); " \
                                    "save the file as UTF-8", _echo(raw.decode("utf-8", "replace").strip())
                continue
            if not text.strip():
                continue
            obj, error = _parse_line(text)
            yield number, obj, error, None if error is None else _echo(text.strip())


def _parse_line(text: str) -> tuple[dict | None, str | None]:
    """The line's object, or why it is not a usable question."""
    try:
        obj = json.loads(text)
    except RecursionError:
        return None, "is nested too deeply to be a question"
    except json.JSONDecodeError as exc:
        return None, f"not valid JSON ({exc.msg})"
    except ValueError:  # Python refuses integers of more than 4,300 digits
        return None, "holds a number too long to read; write a long id as a string"
    if not isinstance(obj, dict) or not isinstance(obj.get("question"), str):
        return None, 'needs an object with a "question" string'
    for field in ("question", "id"):
        if isinstance(obj.get(field), str) and not _is_text(obj[field]):
            return None, f"its {field} holds a lone surrogate (a \\uD800-\\uDFFF escape), which is not text"
    return obj, None


def _is_text(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _echo(value: object) -> str | None:
    """A bad line's question or id, cut short and always printable."""
    if value is None:
        return None
    text = str(value).encode("utf-8", "backslashreplace").decode("utf-8")
    return text if len(text) <= ECHO_CHARS else text[:ECHO_CHARS] + "…"


def _ask_batch(assistant: Assistant, args: argparse.Namespace) -> int:
    """One answer a line, in input order; a bad line gets an error object, not a crash."""
    failures = 0
    conversations = Conversations()  # lines sharing a "conversation" id carry their history
    max_line_bytes = max(1 << 16, 16 * assistant.settings.max_question_chars)
    for number, obj, error, echo in _batch_lines(args.batch, max_line_bytes):
        qid = None if obj is None or obj.get("id") is None else str(obj.get("id"))
        if error is None:
            assert obj is not None
            try:
                answer = assistant.ask(obj["question"], mode=args.mode, k=args.k, id=qid, province=args.province,
                                       history=conversations.history(obj))
                conversations.add(obj, answer)
                print(json.dumps(conversations.to_json(obj, answer), ensure_ascii=False), flush=True)
                continue
            except QAError as exc:
                error, echo = str(exc), _echo(obj["question"])
        failures += 1
        print(f"error: {args.batch}:{number}: {error}", file=sys.stderr)
        print(json.dumps({"id": _echo(qid), "question": echo, "error": error, "line": number},
                         ensure_ascii=False), flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
