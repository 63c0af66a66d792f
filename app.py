"""The chat: ask the provincial digital-transformation plans, read the cited passages.

Run ``streamlit run app.py``. Query parameters:

- ``?lang=en`` starts in English (Vietnamese is the default);
- ``?province=Hà Tĩnh`` starts with answers restricted to that province's plans;
- ``?embed=true`` is the compact chat the intranet widget (``static/widget.js``) opens:
  no Streamlit chrome, no sidebar, the same answers and source cards.

Document text is untrusted (plans are scraped from the web). It reaches the page only
through ``escape_text``/``highlight_html``, which escape it before any markup is added;
a document containing ``<script>`` shows the tag as text.
"""

from __future__ import annotations

import hmac
import html
import inspect
import json
import re
import secrets
import threading
import time
import unicodedata
import uuid
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import streamlit as st

from qa.config import MODES, Settings, load_settings
from qa.errors import BadQuestionError, BrokenIndexError, NoDocumentsError, QAError
from qa.serving.feedback import VERDICTS, FeedbackStore
from qa.types import Answer, Citation
from qa.serving.ui_text import LANG_NAMES, LANGS, TEXT, examples, normalise_lang, stage_label, t

if TYPE_CHECKING:
    from qa.pipeline import Assistant

ALL_PROVINCES = ""  # the province filter's "all provinces" option
MAX_SOURCES = 10
CITED_ID = "qa-cited"  # id of the anchor before the cited span in the full document
# A local icon: an icon name (":material/…:") makes the browser fetch it from Google.
FAVICON = str(Path(__file__).resolve().parent / "static" / "favicon.png")


# --- HTML of untrusted text (pure functions, unit tested) ------------------------------


def escape_text(text: str, *, compact: bool = False) -> str:
    """``text`` as HTML that shows exactly those characters, line breaks included.

    Newlines become ``<br>`` so that a fragment never contains a blank line: in
    Streamlit's markdown a blank line ends the raw-HTML block, and whatever follows
    would be parsed as markdown (links, images, emphasis) instead of shown as text.
    ``compact`` turns a run of newlines into one break (a card has no room for
    paragraph gaps; the full document keeps them).
    """
    escaped = html.escape(text, quote=True).replace("\r\n", "\n").replace("\r", "\n")
    if compact:
        escaped = re.sub(r"[ \t]*\n\s*", "\n", escaped)
    return escaped.replace("\n", "<br>")


def highlight_html(
    text: str,
    start: int | None,
    end: int | None,
    *,
    tag: str = "mark",
    compact: bool = False,
) -> str:
    """``text`` as safe HTML with the characters ``text[start:end]`` wrapped in ``<mark>``.

    The three parts are escaped separately and only then joined: escaping the whole
    text first would shift the character offsets (``<`` becomes four characters), and
    marking first would let the text's own markup through. A missing or impossible
    span (``None``, reversed, outside the text) leaves the text unmarked.
    ``tag`` is the element that wraps the span (the full document marks the passage
    and sets its answering sentence in ``<strong>``).
    """
    if start is None or end is None:
        return escape_text(text, compact=compact)
    start, end = max(0, start), min(len(text), end)
    if start >= end:
        return escape_text(text, compact=compact)
    before, middle, after = (
        escape_text(part, compact=compact) for part in (text[:start], text[start:end], text[end:])
    )
    return f"{before}<{tag}>{middle}</{tag}>{after}"


_MARKERS = re.compile(r"\[(\d{1,3}(?:\s*,\s*\d{1,3})*)\]")


def card_anchor(turn_id: str, n: int) -> str:
    """The HTML id of source ``[n]``'s card under one answer (unique on the page)."""
    return f"qa-src-{re.sub(r'[^A-Za-z0-9_-]', '', turn_id)}-{int(n)}"


def answer_html(answer: str, turn_id: str | None = None, cited: Sequence[int] = ()) -> str:
    """The answer text, escaped, with its ``[n]`` markers set as small citation badges.

    With ``turn_id``, a marker whose source is in ``cited`` becomes a link to that
    source's card (the page script opens the card and scrolls to it; without the script
    the fragment link still jumps there).

    The core writes a plan's summary as ``**pillar**`` lines over ``- target [n]`` items,
    and a comparison as a pipe table; those three forms become a heading, a list and a
    table (``answer_blocks``). Everything else, and the text inside them, is escaped.
    """

    def badge(match: re.Match[str]) -> str:
        links = []
        for number in (int(n) for n in match.group(1).split(",")):
            if turn_id is not None and number in cited:
                anchor = card_anchor(turn_id, number)
                links.append(f'<a href="#{anchor}" data-qa-card="{anchor}">[{number}]</a>')
            else:
                links.append(f"[{number}]")
        return f'<sup class="qa-ref">{"".join(links)}</sup>'

    def inline(text: str) -> str:
        return _MARKERS.sub(badge, escape_text(text))

    parts: list[str] = []
    for kind, lines in answer_blocks(answer):
        if kind == "heading":
            parts.append(f'<div class="qa-answer-heading">{inline(lines[0])}</div>')
        elif kind == "list":
            parts.append('<ul class="qa-list">' + "".join(f"<li>{inline(item)}</li>" for item in lines) + "</ul>")
        elif kind == "table":
            head, *rows = (_table_cells(line) for line in lines)
            parts.append(
                '<table class="qa-table"><thead><tr>' + "".join(f"<th>{inline(c)}</th>" for c in head)
                + "</tr></thead><tbody>"
                + "".join("<tr>" + "".join(f"<td>{inline(c)}</td>" for c in row) + "</tr>" for row in rows)
                + "</tbody></table>"
            )
        else:
            parts.append("<br>".join(inline(line) for line in lines))
    return "".join(parts)


_HEADING_LINE = re.compile(r"\*\*([^*\n]+)\*\*")
_TABLE_RULE = re.compile(r"\|(?:\s*:?-{3,}:?\s*\|)+")


def answer_blocks(answer: str) -> list[tuple[str, list[str]]]:
    """The answer's lines grouped as ``("text" | "heading" | "list" | "table", lines)``.

    A line that is only ``**…**`` is a heading; consecutive ``- …`` lines a list (without
    the dash); a ``|…|`` line followed by a ``|---|`` rule starts a table (the rule
    dropped). Text lines keep their blank lines (shown as a paragraph gap), except those
    next to a heading, list or table, which have their own spacing.
    """
    lines = answer.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    blocks: list[tuple[str, list[str]]] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        heading = _HEADING_LINE.fullmatch(line.strip())
        if heading:
            blocks.append(("heading", [heading.group(1).strip()]))
            i += 1
        elif line.startswith("- "):
            items = []
            while i < len(lines) and lines[i].startswith("- "):
                items.append(lines[i][2:].strip())
                i += 1
            blocks.append(("list", items))
        elif line.lstrip().startswith("|") and i + 1 < len(lines) and _TABLE_RULE.fullmatch(lines[i + 1].strip()):
            rows = [line]
            i += 2
            while i < len(lines) and lines[i].lstrip().startswith("|"):
                rows.append(lines[i])
                i += 1
            blocks.append(("table", rows))
        else:
            if blocks and blocks[-1][0] == "text":
                blocks[-1][1].append(line)
            else:
                blocks.append(("text", [line]))
            i += 1
    trimmed: list[tuple[str, list[str]]] = []
    for j, (kind, block) in enumerate(blocks):
        if kind == "text":
            start, end = 0, len(block)
            if j > 0:  # after a heading, list or table
                while start < end and not block[start].strip():
                    start += 1
            if j + 1 < len(blocks):  # before one
                while end > start and not block[end - 1].strip():
                    end -= 1
            block = block[start:end]
            if not block:
                continue
        trimmed.append((kind, block))
    return trimmed


def _table_cells(line: str) -> list[str]:
    """The cells of a pipe-table row: ``"|a|b|"`` -> ``["a", "b"]``."""
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def safe_url(url: str | None) -> str | None:
    """``url`` if it is an http(s) address a card may link to, else ``None``.

    Catalogue URLs are data: a ``javascript:`` or ``data:`` value must not become a link.
    """
    if not url:
        return None
    url = url.strip()
    return url if re.fullmatch(r"https?://[^\s<>\"'`]+", url, flags=re.IGNORECASE) else None


def citation_facts(citation: Citation, lang: str) -> list[str]:
    """What a checker needs to find the source, as plain text parts: the document's
    number, its date and its province (a part is left out where the catalogue and the
    text do not say)."""
    parts = []
    if citation.number:
        parts.append(t(lang, "doc_number", number=citation.number))
    if citation.date:
        parts.append(citation.date)
    parts.append(citation.province or t(lang, "no_province"))
    return parts


def _meta_html(citation: Citation, lang: str) -> str:
    """The card's second line: number · date · province (each escaped)."""
    return " · ".join(escape_text(part) for part in citation_facts(citation, lang))


def card_html(
    citation: Citation, lang: str, *, related: bool = False, anchor: str | None = None, open_: bool = True
) -> str:
    """One source (or, when ``related``, one nearby passage) as a single HTML block.

    A cited source shows its ``[n]`` and a "cited" mark so the reader can match it to the
    answer's markers, and the answering sentence highlighted. A related passage shows
    neither, because the answer does not rest on it. The passage sits in a
    ``<details>`` (``open_``) so that a long list of related passages stays short and a
    clicked ``[n]`` can open its card.
    """
    title = escape_text(citation.title)
    if related:
        head = title
        passage = escape_text(citation.passage, compact=True)
    else:
        badge = f'<span class="qa-badge">{escape_text(t(lang, "cited_badge"))}</span>'
        head = f'<span class="qa-n">[{int(citation.n)}]</span> {title} {badge}'
        passage = highlight_html(citation.passage, citation.highlight_start, citation.highlight_end, compact=True)
    heading = (
        f'<div class="qa-heading">{escape_text(citation.heading_path)}</div>' if citation.heading_path else ""
    )
    url = safe_url(citation.url)
    link = (
        f'<div class="qa-url"><a href="{html.escape(url, quote=True)}" target="_blank" '
        f'rel="noopener noreferrer">{escape_text(url)}</a></div>'
        if url
        else ""
    )
    kind = "qa-card qa-related" if related else "qa-card qa-cited"
    ident = f' id="{anchor}"' if anchor else ""
    return (
        f'<div class="{kind}"{ident}>'
        f'<div class="qa-card-title">{head}</div>'
        f'<div class="qa-meta">{_meta_html(citation, lang)}</div>'
        f"{heading}"
        f'<details class="qa-passage-box"{" open" if open_ else ""}>'
        f'<summary>{escape_text(t(lang, "passage"))}</summary>'
        f'<div class="qa-passage">{passage}</div></details>'
        f"{link}"
        "</div>"
    )


def notice_html(text: str, kind: str = "info") -> str:
    """A notice whose text is shown exactly as written.

    URL parameters, widget attributes and the core's notices can hold anything a
    portal or a reader typed; Streamlit's alerts render Markdown (a crafted
    ``?province=`` became a live link, an image made the browser fetch a URL), so
    notices are escaped HTML instead.
    """
    return f'<div class="qa-notice qa-notice-{kind}" role="status">{escape_text(text)}</div>'


def show_notice(text: str, kind: str = "info") -> None:
    """Put ``notice_html(text, kind)`` on the page."""
    st.markdown(notice_html(text, kind), unsafe_allow_html=True)


_MARKDOWN_SPECIAL = re.compile(r"([!-/:-@\[-`{-~])")  # every ASCII punctuation character


def markdown_label(text: str, limit: int = 60) -> str:
    """``text`` as a Streamlit widget label that shows those characters literally.

    Labels are Markdown (links and images included), and document titles are scraped
    text; every ASCII punctuation character is backslash-escaped, which CommonMark
    defines as showing the character itself. Long text is cut at ``limit``.
    """
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def document_html(
    text: str, start: int, end: int, focus_start: int | None = None, focus_end: int | None = None
) -> str:
    """The full document in a scroll box, the cited passage marked and scrolled into view.

    ``text[start:end]`` is the cited passage (``<mark>``); ``focus_start``/``focus_end``,
    relative to the passage, pick out the answering sentence inside it (``<strong>``).
    The scrolling needs no script: ``scroll-initial-target`` on an anchor just before
    the mark makes Chromium-based browsers open the box there (it has no effect on an
    inline element such as the mark itself, hence the zero-width inline-block anchor),
    and the link above the box jumps there in every browser.
    """
    start, end = max(0, start), min(len(text), end)
    if start >= end:
        return f'<div class="qa-doc">{escape_text(text)}</div>'
    passage = highlight_html(text[start:end], focus_start, focus_end, tag="strong")
    anchor = f'<span class="qa-anchor" id="{CITED_ID}"></span>'
    return (
        f'<div class="qa-doc">{escape_text(text[:start])}{anchor}<mark>{passage}</mark>'
        f"{escape_text(text[end:])}</div>"
    )


def match_province(value: str | None, provinces: Sequence[str]) -> str | None:
    """The province named by a query parameter, ignoring case and Unicode form.

    ``?province=hà tĩnh`` typed by hand, or the decomposed form some portals send, still
    selects "Hà Tĩnh"; an unknown name gives ``None``.
    """
    if not value:
        return None
    wanted = unicodedata.normalize("NFC", value).strip().casefold()
    for province in provinces:
        if unicodedata.normalize("NFC", province).casefold() == wanted:
            return province
    return None


# --- Loading the assistant once per server ---------------------------------------------


class AssistantSlot:
    """Holds the one ``Assistant`` of a server for one index.

    ``st.cache_resource`` caches this slot, not ``Assistant.open`` itself: the first
    open builds the index and reports its progress into the page, and elements created
    inside a cached function are replayed on every later cache hit (every session
    would see the build's progress bar again). The lock makes sessions that arrive
    during the build wait for it instead of building a second index.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.assistant: Assistant | None = None

    def get(self, settings: Settings, progress: Callable[[str, int, int], None]) -> Assistant:
        """The assistant, opened (and the index built, if needed) on first use."""
        with self.lock:
            if self.assistant is None:
                from qa.pipeline import Assistant  # heavy (models); loaded once, on first use

                self.assistant = Assistant.open(settings, progress=progress)
            return self.assistant


@st.cache_resource(show_spinner=False)
def _slot(index_key: str) -> AssistantSlot:
    """One slot per documents/index/model combination (tests point the app at tmp dirs)."""
    return AssistantSlot()


def _index_key(settings: Settings) -> str:
    return f"{settings.documents_dir}|{settings.index_dir}|{settings.model}"


def _progress_reporter(bar: st.delta_generator.DeltaGenerator, lang: str) -> Callable[[str, int, int], None]:
    """A ``progress(stage, done, total)`` callback that moves ``bar``.

    Streamlit elements can only be updated from the script's thread; a call from a
    worker thread of the index build is skipped rather than crashing the build.
    """
    owner = threading.get_ident()

    def report(stage: str, done: int, total: int) -> None:
        if threading.get_ident() != owner:
            return
        fraction = min(max(done / total, 0.0), 1.0) if total else 0.0
        label = t(lang, "progress", stage=stage_label(lang, stage), done=done, total=total)
        bar.progress(fraction, text=label)

    return report


def _setup_error_message(error: QAError, lang: str) -> str:
    """What to do about it (ours), then what went wrong (the core's message)."""
    hint = {
        NoDocumentsError: "err_no_documents",
        BrokenIndexError: "err_broken_index",
    }.get(type(error), "err_setup")
    detail = str(error).replace("`", "'")
    return f"{t(lang, hint)}\n\n`{detail}`" if detail else t(lang, hint)


def load_settings_or_explain(lang: str) -> Settings | None:
    """The ``QA_*`` settings, or ``None`` after showing what is wrong with them."""
    try:
        return load_settings()
    except ValueError as error:  # e.g. QA_MODE=fast
        st.error(f"{t(lang, 'err_setup')}\n\n`{error}`")
        return None


def open_assistant(settings: Settings, lang: str) -> Assistant | None:
    """The server's assistant; on first start the index build shows its progress.

    Returns ``None`` after showing an error that says what to do when there are no
    documents or the index is unusable; the next page load tries again.
    """
    slot = _slot(_index_key(settings))
    if slot.assistant is not None:
        return slot.assistant
    label = t(lang, "waiting") if slot.lock.locked() else t(lang, "loading")
    failure: QAError | None = None
    with st.status(label, expanded=True) as status:
        bar = st.progress(0.0)
        try:
            assistant = slot.get(settings, _progress_reporter(bar, lang))
        except QAError as error:
            failure = error
            status.update(label=t(lang, "failed"), state="error", expanded=False)
        else:
            ready = t(lang, "ready", n=len(assistant.documents()))
            status.update(label=ready, state="complete", expanded=False)
    if failure is not None:  # outside the (collapsed) status, where it cannot be missed
        st.error(_setup_error_message(failure, lang))
        return None
    return assistant


# --- Session state ---------------------------------------------------------------------


@dataclass
class Turn:
    """One question of the conversation and what came back."""

    id: str
    question: str
    answer: Answer | None = None
    error: str | None = None
    seconds: float = 0.0


@dataclass(frozen=True)
class Controls:
    """What the reader chose in the sidebar (or the embed URL) for the next question."""

    lang: str
    province: str | None
    k: int
    mode: str
    embed: bool


CHAT_PARAM = "chat"  # ?chat=<id>: the conversation to show, so that it survives a reload
_CHAT_ID = re.compile(r"[A-Za-z0-9_-]{16,64}")
MAX_SHOWN_QUESTION = 600  # characters of a question shown back (a long paste is refused anyway)


class ConversationStore:
    """Conversations by id, in the server's memory, so that a reload brings one back.

    The id is a random 128-bit token in the page's URL (``?chat=``): whoever has the
    URL sees the conversation, as with any unlisted link. Only the ``limit`` most
    recently used conversations are kept, and all are gone when the server restarts.
    """

    def __init__(self, limit: int = 1000) -> None:
        self.limit = limit
        self._lock = threading.Lock()
        self._items: OrderedDict[str, list[Turn]] = OrderedDict()

    def get(self, chat_id: str | None) -> list[Turn] | None:
        """The turns of conversation ``chat_id`` (the stored list itself), if kept."""
        if not chat_id or not _CHAT_ID.fullmatch(chat_id):
            return None
        with self._lock:
            turns = self._items.get(chat_id)
            if turns is not None:
                self._items.move_to_end(chat_id)
            return turns

    def put(self, chat_id: str, turns: list[Turn]) -> None:
        """Keep ``turns`` under ``chat_id``, forgetting the least recently used beyond the limit."""
        with self._lock:
            self._items[chat_id] = turns
            self._items.move_to_end(chat_id)
            while len(self._items) > self.limit:
                self._items.popitem(last=False)


@st.cache_resource(show_spinner=False)
def _conversations() -> ConversationStore:
    """The server's one conversation store."""
    return ConversationStore()


def _turns() -> list[Turn]:
    """This session's conversation: the one named by ``?chat=`` when the server has it."""
    state = st.session_state
    if "turns" not in state:
        wanted = st.query_params.get(CHAT_PARAM)
        stored = _conversations().get(wanted)
        if stored is not None:
            state["chat_id"], state["turns"] = wanted, stored
        else:
            state["turns"] = []
    return state["turns"]


def _remember(turns: list[Turn]) -> None:
    """Store the conversation and name it in the URL (once it has a first turn)."""
    state = st.session_state
    if "chat_id" not in state:
        state["chat_id"] = secrets.token_urlsafe(16)
        _conversations().put(state["chat_id"], turns)
    st.query_params[CHAT_PARAM] = state["chat_id"]


def new_conversation() -> None:
    """Start afresh: a new, empty conversation (the stored one stays for its URL)."""
    st.session_state["turns"] = []
    st.session_state.pop("chat_id", None)
    st.session_state.pop("feedback_rows", None)
    if CHAT_PARAM in st.query_params:
        del st.query_params[CHAT_PARAM]


def _queue_question(question: str) -> None:
    """Example buttons ask through the same path as the chat input, on the next run."""
    st.session_state["pending_question"] = question


def accepts_history(assistant: Assistant) -> bool:
    """Whether this core's ``Assistant.ask`` resolves follow-ups from ``history=``."""
    try:
        return "history" in inspect.signature(assistant.ask).parameters
    except (TypeError, ValueError):
        return False


def shown_question(question: str) -> str:
    """The question as shown back: a huge paste is cut (it is refused as too long anyway)."""
    return question if len(question) <= MAX_SHOWN_QUESTION else question[:MAX_SHOWN_QUESTION] + "…"


def ask(
    assistant: Assistant,
    question: str,
    controls: Controls,
    history: Sequence[Turn] = (),
    turn_id: str | None = None,
) -> Turn:
    """Ask the assistant; a question the reader can fix becomes a message, not a crash.

    The earlier answers of the conversation go along as ``history`` where the core
    takes them, so that "and for 2030?" is read as a follow-up.
    """
    turn = Turn(id=turn_id or uuid.uuid4().hex[:12], question=shown_question(question))
    started = time.perf_counter()
    options: dict[str, object] = {"mode": controls.mode, "k": controls.k, "province": controls.province}
    if accepts_history(assistant):
        options["history"] = [previous.answer for previous in history if previous.answer is not None]
    try:
        turn.answer = assistant.ask(question, **options)
    except BadQuestionError as error:  # said in the reader's language where the UI knows the case
        key = f"question_{error.code}"
        turn.error = t(controls.lang, key, **error.details) if key in TEXT[controls.lang] else str(error)
    except QAError as error:  # other errors: str(e) is meant for the reader
        turn.error = str(error)
    turn.seconds = time.perf_counter() - started
    return turn


# --- Conversation as Markdown (copy and download) ------------------------------------


def turn_markdown(turn: Turn, lang: str) -> str:
    """One question, its answer and the sources it cites, as Markdown."""
    lines = [f"**{t(lang, 'you')}:** {' '.join(turn.question.split())}", ""]
    answer = turn.answer
    if answer is None:
        return "\n".join([*lines, f"> {turn.error or ''}", ""])
    if answer.understood:
        lines += [f"*{t(lang, 'understood', text=answer.understood)}*", ""]
    lines += [f"> {notice}" for notice in answer.notices]
    if answer.notices:
        lines.append("")
    text = answer.answer.strip()
    if answer.abstained:
        text = t(answer.lang, "abstain_notice") + (f" {text}" if text and not text.startswith(
            t(answer.lang, "abstain_notice").rstrip(".")) else "")
    lines += [f"**{t(lang, 'assistant')}:** {text}", ""]
    cited = [c for c in answer.citations if c.cited]
    if cited:
        lines += [f"{t(lang, 'cited_sources')}:", ""]
        for c in cited:
            facts = " · ".join(citation_facts(c, lang))
            lines.append(f"- [{c.n}] {c.title} ({facts})")
            if c.heading_path:
                lines.append(f"  - {c.heading_path}")
            if safe_url(c.url):
                lines.append(f"  - {c.url}")
            lines.append(f"  > {' '.join(c.passage.split())}")
        lines.append("")
    return "\n".join(lines)


def conversation_markdown(turns: Sequence[Turn], lang: str) -> str:
    """The whole conversation, each answer with its cited sources, as one Markdown file."""
    parts = [f"# {t(lang, 'app_title')}", ""]
    for number, turn in enumerate(turns, start=1):
        parts += [f"## {number}", "", turn_markdown(turn, lang)]
    return "\n".join(parts)


# --- Feedback ---------------------------------------------------------------------------


def _citations_json(answer: Answer) -> str:
    return json.dumps([c.to_json() for c in answer.citations], ensure_ascii=False)


def _record_verdict(turn: Turn, store: FeedbackStore) -> None:
    """Rating callback: store, flip or withdraw this answer's rating."""
    verdict = st.session_state.get(f"fb-{turn.id}")
    rows: dict[str, int] = st.session_state.setdefault("feedback_rows", {})
    row_id = rows.get(turn.id)
    if verdict is None:
        if row_id is not None:
            store.delete(rows.pop(turn.id))
        return
    if row_id is None:
        assert turn.answer is not None  # feedback is only offered under answers
        rows[turn.id] = store.add(turn.question, turn.answer.answer, _citations_json(turn.answer), verdict)
    else:
        store.update(row_id, verdict=verdict)


def _record_comment(turn: Turn, store: FeedbackStore) -> None:
    """Comment box callback: attach the comment to the rating already stored."""
    row_id = st.session_state.get("feedback_rows", {}).get(turn.id)
    if row_id is not None:
        store.update(row_id, comment=st.session_state.get(f"fbc-{turn.id}", "").strip())


def render_feedback(turn: Turn, store: FeedbackStore, lang: str) -> None:
    """Helpful / not helpful under an answer, in the interface's language (Streamlit's
    own thumbs are labelled in English only); once chosen, an optional comment box."""
    st.segmented_control(
        t(lang, "feedback_label"),
        VERDICTS,
        key=f"fb-{turn.id}",
        format_func=lambda verdict: t(lang, f"feedback_{verdict}"),
        on_change=_record_verdict,
        args=(turn, store),
        label_visibility="collapsed",
    )
    if st.session_state.get(f"fb-{turn.id}") is None:
        return
    st.text_input(
        t(lang, "feedback_comment"),
        key=f"fbc-{turn.id}",
        placeholder=t(lang, "feedback_comment_placeholder"),
        on_change=_record_comment,
        args=(turn, store),
    )
    saved = bool(st.session_state.get(f"fbc-{turn.id}", "").strip())
    st.caption(t(lang, "feedback_comment_saved" if saved else "feedback_thanks"))


def is_admin_token(given: str, settings: Settings) -> bool:
    """Whether ``given`` is the configured administrator token (never true without one)."""
    if not settings.admin_token or not given:
        return False
    return hmac.compare_digest(given.encode("utf-8"), settings.admin_token.encode("utf-8"))


def render_admin(settings: Settings, lang: str, embed: bool, store: FeedbackStore) -> None:
    """The feedback export, for administrators only.

    The export holds every reader's questions and comments, so the server decides who
    gets it: without ``QA_ADMIN_TOKEN`` there is no export at all, in the embedded chat
    never, and otherwise only a session that typed the token gets the download button
    (which is not merely hidden: it is never sent to other sessions).
    """
    if embed or not settings.admin_token:
        return
    with st.sidebar.expander(t(lang, "admin"), icon=":material/admin_panel_settings:"):
        if not st.session_state.get("admin"):
            given = st.text_input(t(lang, "admin_token"), type="password", key="admin_token_input")
            if not given:
                return
            if not is_admin_token(given, settings):
                show_notice(t(lang, "admin_refused"), "error")
                return
            st.session_state["admin"] = True
        st.download_button(
            t(lang, "feedback_export"),
            data=lambda: store.to_csv().encode("utf-8-sig"),  # BOM: Excel reads the Vietnamese right
            file_name="feedback.csv",
            mime="text/csv",
            help=t(lang, "feedback_export_help"),
            icon=":material/download:",
            on_click="ignore",
            key="feedback_export",
        )


# --- Rendering ---------------------------------------------------------------------------


def _show_document(assistant: Assistant, citation: Citation, lang: str) -> None:
    """Open a dialog with the whole cleaned document, the cited span marked in place."""

    def body() -> None:
        try:
            document = assistant.document(citation.doc_id)
        except (KeyError, QAError) as error:
            show_notice(str(error), "error")
            return
        st.markdown(
            f'<div class="qa-doc-head"><div class="qa-card-title">{escape_text(document.title)}</div>'
            f'<div class="qa-meta">{_meta_html(citation, lang)}</div>'
            f'<a class="qa-jump" href="#{CITED_ID}">{escape_text(t(lang, "jump_to_passage"))}</a></div>',
            unsafe_allow_html=True,
        )
        st.markdown(
            document_html(
                document.text, citation.start, citation.end, citation.highlight_start, citation.highlight_end
            ),
            unsafe_allow_html=True,
        )

    st.dialog(t(lang, "document_title"), width="large")(body)()


def render_source_card(
    assistant: Assistant,
    citation: Citation,
    lang: str,
    key: str,
    *,
    related: bool = False,
    anchor: str | None = None,
    open_: bool = True,
) -> None:
    """A source card, the same on the full page and in the embedded widget."""
    with st.container(border=True):
        st.markdown(card_html(citation, lang, related=related, anchor=anchor, open_=open_), unsafe_allow_html=True)
        label = t(lang, "open_document_named", title=markdown_label(citation.title))
        if st.button(label, key=key, type="tertiary", icon=":material/description:"):
            _show_document(assistant, citation, lang)


def copy_button_html(text: str, lang: str) -> str:
    """A button that copies ``text`` (the page script does the copying)."""
    payload = html.escape(text, quote=True).replace("\r", "").replace("\n", "&#10;")
    label = escape_text(t(lang, "copy"))
    return (
        f'<button type="button" class="qa-copy" data-qa-copy="{payload}" '
        f'data-qa-copied="{escape_text(t(lang, "copied"))}">{label}</button>'
    )


def render_answer(assistant: Assistant, turn: Turn, lang: str) -> None:
    """The answer with its [n] links, the cited sources, then the related passages."""
    answer = turn.answer
    assert answer is not None
    if answer.understood:
        st.markdown(
            f'<div class="qa-understood">{escape_text(t(lang, "understood", text=answer.understood))}</div>',
            unsafe_allow_html=True,
        )
    for notice in answer.notices:
        show_notice(notice, "warning")
    cited = [c for c in answer.citations if c.cited and not answer.abstained]
    related = [c for c in answer.citations if c not in cited]
    copy = copy_button_html(turn_markdown(turn, lang), lang)
    if answer.abstained:
        show_notice(t(answer.lang, "abstain_notice"), "info")
        extra = answer.answer.strip()
        if extra and extra.rstrip(".") != t(answer.lang, "abstain_notice").rstrip("."):
            st.markdown(f'<div class="qa-answer">{answer_html(extra)}</div>', unsafe_allow_html=True)
    else:
        body = answer_html(answer.answer, turn.id, [c.n for c in cited])
        st.markdown(f'<div class="qa-answer">{body}</div>{copy}', unsafe_allow_html=True)
    if cited:
        st.markdown(f'<div class="qa-section">{escape_text(t(lang, "cited_sources"))}</div>', unsafe_allow_html=True)
    for citation in cited:
        render_source_card(
            assistant, citation, lang, key=f"doc-{turn.id}-{citation.n}", anchor=card_anchor(turn.id, citation.n)
        )
    if related:
        st.markdown(f"**{t(lang, 'related')}**", help=t(lang, "related_help"))
    for citation in related:
        render_source_card(
            assistant, citation, lang, key=f"doc-{turn.id}-{citation.n}", related=True, open_=answer.abstained
        )


def render_turn(assistant: Assistant, turn: Turn, controls: Controls, store: FeedbackStore) -> None:
    """One question and its reply, as chat messages."""
    render_question(turn)
    with st.chat_message("assistant"):
        render_reply(assistant, turn, controls, store)


def render_question(turn: Turn) -> None:
    """The reader's question as a chat message (escaped: it may be pasted from anywhere)."""
    with st.chat_message("user"):
        st.markdown(
            f'<div class="qa-question" data-qa-turn="{html.escape(turn.id, quote=True)}">'
            f"{escape_text(turn.question)}</div>",
            unsafe_allow_html=True,
        )


def render_reply(assistant: Assistant, turn: Turn, controls: Controls, store: FeedbackStore) -> None:
    """The assistant's side of a turn: answer or error, then feedback."""
    if turn.error is not None:
        show_notice(turn.error, "warning")
        return
    render_answer(assistant, turn, controls.lang)
    if not controls.embed:
        st.caption(t(controls.lang, "timing", seconds=turn.seconds))
    render_feedback(turn, store, controls.lang)


def live_text(turn: Turn, lang: str) -> str:
    """What a screen reader announces when a reply arrives."""
    if turn.error is not None:
        return turn.error
    assert turn.answer is not None
    if turn.answer.abstained:
        return t(turn.answer.lang, "abstain_notice")
    return plain_answer(_MARKERS.sub("", turn.answer.answer))


def plain_answer(answer: str) -> str:
    """The answer as a screen reader should say it: a heading as "X:", list items and
    table rows as sentences, no Markdown marks."""
    lines: list[str] = []
    for kind, block in answer_blocks(answer):
        if kind == "heading":
            lines.append(block[0] + ":")
        elif kind == "list":
            lines.extend(f"{item.rstrip('.;')}." for item in block)
        elif kind == "table":
            head, *rows = (_table_cells(line) for line in block)
            lines.extend("; ".join(f"{h}: {c}" for h, c in zip(head, row) if c) + "." for row in rows)
        else:
            lines.extend(line for line in block if line.strip())
    return "\n".join(lines)


def render_examples(lang: str, province: str | None) -> None:
    """Example questions as buttons on an empty chat; a click asks the question."""
    st.caption(t(lang, "examples_title"))
    for i, question in enumerate(examples(lang, province)):
        st.button(
            question,  # our own strings (a filtered province is one of the collection's)
            key=f"example-{i}",
            on_click=_queue_question,
            args=(question,),
            icon=":material/chat_bubble:",
            width="stretch",
        )


def _documents_list_html(assistant: Assistant, lang: str) -> str:
    """The indexed documents, titles escaped, as one HTML list."""
    items = []
    for info in assistant.documents():
        meta = " · ".join(
            escape_text(part) for part in (info.province, t(lang, "n_chunks", n=info.n_chunks)) if part
        )
        items.append(f'<li><span class="qa-doc-title">{escape_text(info.title)}</span><br><small>{meta}</small></li>')
    return f'<ul class="qa-doc-list">{"".join(items)}</ul>'


def render_sidebar(
    assistant: Assistant, settings: Settings, lang: str, embed: bool, store: FeedbackStore
) -> Controls:
    """Filters and tools; in embed mode the sidebar exists but is hidden by CSS (and
    holds nothing a reader of the widget must not have)."""
    provinces = assistant.provinces()
    wanted = st.query_params.get("province")
    chosen = st.session_state.setdefault("province", match_province(wanted, provinces) or ALL_PROVINCES)
    # One widget per language: a selectbox keeps showing the label its choice had when it
    # was made ("Tất cả các tỉnh" after switching to English); the choice is carried over.
    key = f"province-{lang}"
    st.session_state.setdefault(key, chosen)
    with st.sidebar:
        st.subheader(t(lang, "settings"))
        province = st.selectbox(
            t(lang, "province"),
            [ALL_PROVINCES, *provinces],
            key=key,
            format_func=lambda p: p or t(lang, "all_provinces"),
        )
        st.session_state["province"] = province
        k = st.slider(t(lang, "n_sources"), 1, MAX_SOURCES, min(settings.top_k, MAX_SOURCES), key="k")
        mode = st.selectbox(
            t(lang, "mode"), MODES, index=MODES.index(settings.mode), key="mode", help=t(lang, "mode_help")
        )
        documents = assistant.documents()
        with st.expander(t(lang, "documents", n=len(documents))):
            st.markdown(_documents_list_html(assistant, lang), unsafe_allow_html=True)
        st.button(t(lang, "new_chat"), icon=":material/add_comment:", on_click=new_conversation)
    render_admin(settings, lang, embed, store)
    if wanted and match_province(wanted, provinces) is None:
        show_notice(t(lang, "unknown_province", province=wanted), "warning")
    return Controls(lang=lang, province=province or None, k=int(k), mode=mode, embed=embed)


def choose_language() -> str:
    """The interface language: the sidebar selector, first set from ``?lang=``."""
    st.session_state.setdefault("lang", normalise_lang(st.query_params.get("lang")))
    with st.sidebar:
        return st.segmented_control(
            t(st.session_state["lang"], "language"),
            LANGS,
            key="lang",
            format_func=LANG_NAMES.get,
            required=True,
        )


# --- Page ------------------------------------------------------------------------------

_CSS = """
<style>
.qa-answer { font-size: 1.02rem; line-height: 1.6; margin-bottom: .35rem; }
.qa-ref { font-weight: 600; font-size: .72em; margin-left: 1px; }
.qa-ref a { color: #0b57d0; text-decoration: none; padding: 0 .05em; }
.qa-ref a:hover, .qa-ref a:focus-visible { text-decoration: underline; }
.qa-answer-heading { font-weight: 600; margin: .55rem 0 .1rem; }
.qa-list { margin: 0 0 .2rem 1.1rem; padding: 0; }
.qa-list li { margin: .1rem 0; }
.qa-table { border-collapse: collapse; margin: .4rem 0; font-size: .95rem; }
.qa-table th, .qa-table td { border: 1px solid #dadce0; padding: .25rem .6rem; text-align: left; }
.qa-table th { background: #f1f3f4; font-weight: 600; }
.qa-card-title { font-weight: 600; line-height: 1.35; }
.qa-n { color: #0b57d0; margin-right: .15rem; }
.qa-badge { display: inline-block; margin-left: .35rem; padding: 0 .45em; border-radius: 999px;
            background: #e6f4ea; color: #0d652d; font-size: .72rem; font-weight: 600; vertical-align: .1em; }
.qa-section { font-weight: 600; margin: .4rem 0 .1rem; }
.qa-meta { color: #5f6368; font-size: .82rem; margin: .1rem 0 .3rem; }
.qa-heading { color: #3c4043; font-size: .8rem; margin: 0 0 .3rem; }
.qa-url { font-size: .8rem; margin-top: .3rem; overflow-wrap: anywhere; }
.qa-passage-box summary { cursor: pointer; color: #3c4043; font-size: .8rem; margin-bottom: .2rem; }
.qa-passage { font-size: .9rem; line-height: 1.55; color: #202124; }
.qa-related .qa-passage { color: #3c4043; }
.qa-card mark, .qa-doc mark { background: #fde68a; color: inherit; padding: 0 .1em; border-radius: 2px; }
.qa-cited { scroll-margin-top: 4.5rem; }
.qa-doc { max-height: 60vh; overflow-y: auto; padding: .75rem 1rem; border: 1px solid #e0e3e7;
          border-radius: .5rem; line-height: 1.65; font-size: .95rem; background: #fcfcfd; }
.qa-doc mark { background: #fef3c7; }
.qa-doc mark strong { background: #fde68a; font-weight: 600; }
/* Raised by a few lines so the box opens with some context above the passage
   (scroll-margin is ignored by scroll-initial-target; a relative offset is not). */
.qa-doc .qa-anchor { display: inline-block; width: 0; height: 1em; scroll-initial-target: nearest;
                     position: relative; top: -5em; }
.qa-jump { font-size: .85rem; }
.qa-doc-list { padding-left: 1rem; margin: 0; font-size: .85rem; }
.qa-doc-list li { margin-bottom: .4rem; }
.qa-notice { padding: .55rem .8rem; border-radius: .5rem; margin: .1rem 0 .4rem; line-height: 1.5;
             font-size: .95rem; overflow-wrap: anywhere; }
.qa-notice-info { background: #e8f0fe; color: #174ea6; }
.qa-notice-warning { background: #fef7e0; color: #6b4100; border-left: 3px solid #f9ab00; }
.qa-notice-error { background: #fce8e6; color: #a50e0e; }
.qa-understood { color: #3c4043; font-size: .9rem; font-style: italic; margin-bottom: .3rem; }
.qa-copy { border: 1px solid #c4c7c5; background: #fff; color: #3c4043; border-radius: .4rem;
           font-size: .8rem; padding: .1rem .55rem; cursor: pointer; }
.qa-copy:hover { background: #f1f3f4; }
.qa-sr-only { position: absolute !important; width: 1px; height: 1px; padding: 0; margin: -1px;
              overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
/* Captions at WCAG AA contrast (Streamlit's default grey is about 3.9:1 on white). */
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] * { color: #5f6368 !important; }
[data-testid="stChatMessage"] { scroll-margin-top: 4.5rem; }
[data-testid="stElementContainer"]:has(.qa-script) { display: none; }
</style>
"""

_EMBED_CSS = """
<style>
header[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stSidebar"],
[data-testid="stExpandSidebarButton"], footer { display: none !important; }
[data-testid="stMainBlockContainer"] { padding: .75rem .9rem 5rem; max-width: 100%; }
[data-testid="stBottomBlockContainer"] { padding: .5rem .9rem .75rem; max-width: 100%; }
[data-testid="stChatMessage"] { padding: .5rem .25rem; gap: .5rem; scroll-margin-top: .5rem; }
</style>
"""

# The page's behaviour that Streamlit has no element for. Installed once per page and
# driven by data attributes of the escaped HTML above, never by reader text:
# - the <html lang> follows the interface language;
# - a clicked [n] opens its source card and scrolls to it;
# - a copy button copies its answer (the clipboard API needs a secure context, so an
#   intranet page on plain http falls back to a selected textarea);
# - a new question (or the last one, after a reload) scrolls to the top of the view, so
#   that its answer starts in view instead of Streamlit's jump to the bottom of the
#   page; the question is held there while the reply renders, and let go as soon as
#   the reader scrolls, clicks or types.
_SCRIPT = """
<div class="qa-script"></div>
<script>
(function () {
  document.documentElement.lang = "%(lang)s";
  if (window.__qaChat) return;
  window.__qaChat = true;
  var seen = new Set();
  var userMoved = false;
  function container() { return document.querySelector('[data-testid="stAppScrollToBottomContainer"]'); }
  function openCard(id) {
    var card = document.getElementById(id);
    if (!card) return;
    var box = card.querySelector('details');
    if (box) box.open = true;
    card.setAttribute('tabindex', '-1');
    card.focus({preventScroll: true});
    showTop(function () { return document.getElementById(id); }, 3000);  // the opened card grows the page, and Streamlit may pull it to the bottom
  }
  function copy(button) {
    var text = button.getAttribute('data-qa-copy') || '';
    var done = function () {
      var label = button.textContent;
      button.textContent = button.getAttribute('data-qa-copied') || label;
      setTimeout(function () { button.textContent = label; }, 1500);
    };
    var fallback = function () {
      var area = document.createElement('textarea');
      area.value = text; area.setAttribute('readonly', '');
      area.style.position = 'fixed'; area.style.opacity = '0';
      document.body.appendChild(area); area.select();
      try { document.execCommand('copy'); done(); } catch (e) {}
      document.body.removeChild(area);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, fallback);
    } else { fallback(); }
  }
  document.addEventListener('click', function (event) {
    var target = event.target;
    if (!target || !target.closest) return;
    var ref = target.closest('a[data-qa-card]');
    if (ref) { event.preventDefault(); openCard(ref.getAttribute('data-qa-card')); return; }
    var button = target.closest('button[data-qa-copy]');
    if (button) { event.preventDefault(); copy(button); }
  }, true);
  ['wheel', 'touchmove', 'keydown', 'mousedown'].forEach(function (name) {
    document.addEventListener(name, function (event) {
      if (!event.isTrusted) return;  // our own wheel event that stops Streamlit's scrolling
      if (name === 'mousedown' && event.target.closest && event.target.closest('[data-testid="stChatInput"]')) return;
      userMoved = true;
    }, {passive: true, capture: true});
  });
  var timer = null, held = null;
  function stop() { if (timer) clearInterval(timer); timer = null; held = null; }
  function place(element, box) {
    // Streamlit's stick-to-bottom animation ends on a wheel event over its container; a
    // synthetic one (no default action, so no scrolling) ends it before ours scrolls.
    box.dispatchEvent(new WheelEvent('wheel', {deltaY: -1}));
    element.scrollIntoView({block: 'start'});
    held.top = element.getBoundingClientRect().top;
  }
  function hold(always) {
    if (!held) return;
    if (userMoved || Date.now() > held.until) { stop(); return; }
    // Found again every time: a re-render may replace the element with a copy.
    var box = container(), element = held.find();
    if (!element || !box) return;  // absent for a moment mid-render
    if (always || Math.abs(element.getBoundingClientRect().top - held.top) > 2) place(element, box);
  }
  function showTop(find, limit) {
    // Streamlit sticks the page to its bottom while content grows, and our scrolls do not
    // always unstick it: it animates back down, even after the reply looks finished. So
    // the element is held at the top until the reader scrolls, types or clicks, or for
    // ``limit`` ms: put back (and Streamlit's animation stopped) as soon as anything else
    // scrolls the page, and every 200 ms (the page may have grown, or a re-render
    // replaced the element).
    stop();
    userMoved = false;
    held = {find: find, until: Date.now() + limit, top: null};
    hold(true);
    timer = setInterval(function () { hold(true); }, 200);  // also once the page has grown enough to scroll it up
  }
  document.addEventListener('scroll', function () { hold(false); }, {passive: true, capture: true});
  function latestQuestion() {
    var questions = document.querySelectorAll('.qa-question[data-qa-turn]');
    return questions.length ? questions[questions.length - 1] : null;
  }
  function check() {
    var question = latestQuestion();
    if (question) {
      var id = question.getAttribute('data-qa-turn');
      if (!seen.has(id)) {
        seen.add(id);
        showTop(function () {
          var current = document.querySelector('.qa-question[data-qa-turn="' + CSS.escape(id) + '"]');
          return current && current.closest('[data-testid="stChatMessage"]');
        }, 60000);
      }
    }
  }
  check();
  new MutationObserver(check).observe(document.body, {childList: true, subtree: true});
})();
</script>
"""


def _is_embedded() -> bool:
    """``?embed=true`` in the URL (Streamlit keeps it out of ``st.query_params``)."""
    return bool(st.context.is_embedded)


def start_page(embed: bool) -> str:
    """Page settings, styles and the language selector; returns the interface language."""
    lang = normalise_lang(st.session_state.get("lang") or st.query_params.get("lang"))
    st.set_page_config(
        page_title=t(lang, "page_title"),
        page_icon=FAVICON,
        layout="centered",
        # "auto": expanded on a desktop, collapsed on a phone (where it would cover the chat).
        initial_sidebar_state="collapsed" if embed else "auto",
    )
    st.html(_CSS + (_EMBED_CSS if embed else ""))
    lang = choose_language()
    st.html(_SCRIPT % {"lang": lang}, unsafe_allow_javascript=True)
    if not embed:
        st.title(t(lang, "app_title"), anchor=False)
        st.caption(t(lang, "app_subtitle"))
    return lang


def render_conversation(
    assistant: Assistant, settings: Settings, controls: Controls, store: FeedbackStore
) -> None:
    """The history, the new question's reply (asked under a spinner), or the examples.

    The chat input takes any length: a question over the limit gets the core's clear
    "too long" message instead of the input silently refusing the paste.
    """
    lang = controls.lang
    live = st.empty()  # a stable element: screen readers announce its new text
    question = st.chat_input(t(lang, "input_placeholder"))
    question = question or st.session_state.pop("pending_question", None)
    turns = _turns()
    for turn in turns:
        render_turn(assistant, turn, controls, store)
    if question:
        turn_id = uuid.uuid4().hex[:12]
        render_question(Turn(id=turn_id, question=shown_question(question)))
        with st.chat_message("assistant"):
            with st.spinner(t(lang, "thinking")):
                turn = ask(assistant, question, controls, history=turns, turn_id=turn_id)
            turns.append(turn)
            _remember(turns)
            render_reply(assistant, turn, controls, store)
    elif not turns:
        render_examples(lang, controls.province)
    if turns:
        live.markdown(
            f'<div class="qa-sr-only" aria-live="polite" role="status">{escape_text(live_text(turns[-1], lang))}</div>',
            unsafe_allow_html=True,
        )
        st.download_button(
            t(lang, "download_conversation"),
            data=conversation_markdown(turns, lang).encode("utf-8"),
            file_name="hoi-dap-ke-hoach.md" if lang == "vi" else "plans-qa-conversation.md",
            mime="text/markdown",
            icon=":material/download:",
            type="tertiary",
            on_click="ignore",
            key="download_conversation",
        )


def main() -> None:
    """Lay out the page: language, assistant, sidebar, conversation."""
    embed = _is_embedded()
    lang = start_page(embed)
    settings = load_settings_or_explain(lang)
    assistant = open_assistant(settings, lang) if settings else None
    if settings is None or assistant is None:
        st.stop()
    store = FeedbackStore()
    controls = render_sidebar(assistant, settings, lang, embed, store)
    if embed and controls.province:
        show_notice(t(lang, "asking_about", province=controls.province), "info")
    render_conversation(assistant, settings, controls, store)


if __name__ == "__main__":
    main()
