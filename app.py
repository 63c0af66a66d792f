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

import html
import json
import re
import threading
import time
import unicodedata
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import streamlit as st

from qa.config import MODES, Settings, load_settings
from qa.errors import BadQuestionError, BrokenIndexError, NoDocumentsError, QAError
from qa.feedback import FeedbackStore
from qa.types import Answer, Citation
from qa.ui_text import LANG_NAMES, LANGS, TEXT, examples, normalise_lang, stage_label, t

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


def answer_html(answer: str) -> str:
    """The answer text, escaped, with its ``[n]`` markers set as small citation badges."""
    return re.sub(r"\[(\d{1,2})\]", r'<sup class="qa-ref">[\1]</sup>', escape_text(answer))


def _meta_html(citation: Citation, lang: str) -> str:
    """The card's second line: province · date (each escaped)."""
    parts = [citation.province or t(lang, "no_province")]
    if citation.date:
        parts.append(citation.date)
    return " · ".join(escape_text(part) for part in parts)


def card_html(citation: Citation, lang: str, *, related: bool = False) -> str:
    """One source (or, when ``related``, one nearby passage) as a single HTML block.

    A source shows its ``[n]`` so the reader can match it to the answer's markers; a
    related passage shows none, because the answer does not rest on it.
    """
    number = "" if related else f'<span class="qa-n">[{int(citation.n)}]</span> '
    passage = highlight_html(
        citation.passage, citation.highlight_start, citation.highlight_end, compact=True
    )
    kind = "qa-card qa-related" if related else "qa-card"
    return (
        f'<div class="{kind}">'
        f'<div class="qa-card-title">{number}{escape_text(citation.title)}</div>'
        f'<div class="qa-meta">{_meta_html(citation, lang)}</div>'
        f'<div class="qa-passage">{passage}</div>'
        "</div>"
    )


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


def _turns() -> list[Turn]:
    return st.session_state.setdefault("turns", [])


def _queue_question(question: str) -> None:
    """Example buttons ask through the same path as the chat input, on the next run."""
    st.session_state["pending_question"] = question


def ask(assistant: Assistant, question: str, controls: Controls) -> Turn:
    """Ask the assistant; a question the reader can fix becomes a message, not a crash."""
    turn = Turn(id=uuid.uuid4().hex[:12], question=question)
    started = time.perf_counter()
    try:
        turn.answer = assistant.ask(question, mode=controls.mode, k=controls.k, province=controls.province)
    except BadQuestionError as error:  # said in the reader's language where the UI knows the case
        key = f"question_{error.code}"
        turn.error = t(controls.lang, key, **error.details) if key in TEXT[controls.lang] else str(error)
    except QAError as error:  # other errors: str(e) is meant for the reader
        turn.error = str(error)
    turn.seconds = time.perf_counter() - started
    return turn


# --- Feedback ---------------------------------------------------------------------------


def _citations_json(answer: Answer) -> str:
    return json.dumps([c.to_json() for c in answer.citations], ensure_ascii=False)


def _record_verdict(turn: Turn, store: FeedbackStore) -> None:
    """st.feedback callback: store, flip or withdraw this answer's thumb."""
    value = st.session_state.get(f"fb-{turn.id}")
    rows: dict[str, int] = st.session_state.setdefault("feedback_rows", {})
    row_id = rows.get(turn.id)
    if value is None:
        if row_id is not None:
            store.delete(rows.pop(turn.id))
        return
    verdict = "up" if value == 1 else "down"
    if row_id is None:
        assert turn.answer is not None  # feedback is only offered under answers
        rows[turn.id] = store.add(turn.question, turn.answer.answer, _citations_json(turn.answer), verdict)
    else:
        store.update(row_id, verdict=verdict)


def _record_comment(turn: Turn, store: FeedbackStore) -> None:
    """Comment box callback: attach the comment to the thumb already stored."""
    row_id = st.session_state.get("feedback_rows", {}).get(turn.id)
    if row_id is not None:
        store.update(row_id, comment=st.session_state.get(f"fbc-{turn.id}", "").strip())


def render_feedback(turn: Turn, store: FeedbackStore, lang: str) -> None:
    """Thumbs under an answer; once one is chosen, an optional comment box."""
    st.feedback("thumbs", key=f"fb-{turn.id}", on_change=_record_verdict, args=(turn, store))
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


# --- Rendering ---------------------------------------------------------------------------


def _show_document(assistant: Assistant, citation: Citation, lang: str) -> None:
    """Open a dialog with the whole cleaned document, the cited span marked in place."""

    def body() -> None:
        try:
            document = assistant.document(citation.doc_id)
        except (KeyError, QAError) as error:
            st.error(str(error))
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
    assistant: Assistant, citation: Citation, lang: str, key: str, *, related: bool = False
) -> None:
    """A source card, the same on the full page and in the embedded widget."""
    with st.container(border=True):
        st.markdown(card_html(citation, lang, related=related), unsafe_allow_html=True)
        if st.button(t(lang, "open_document"), key=key, type="tertiary", icon=":material/description:"):
            _show_document(assistant, citation, lang)


def render_answer(assistant: Assistant, turn: Turn, lang: str) -> None:
    """The answer with its [n] markers and source cards, or an abstention with related passages."""
    answer = turn.answer
    assert answer is not None
    if answer.abstained:
        st.info(t(answer.lang, "abstain_notice"), icon=":material/search_off:")
        extra = answer.answer.strip()
        if extra and extra.rstrip(".") != t(answer.lang, "abstain_notice").rstrip("."):
            st.markdown(f'<div class="qa-answer">{answer_html(extra)}</div>', unsafe_allow_html=True)
        heading, help_text = t(lang, "related"), t(lang, "related_help")
    else:
        st.markdown(f'<div class="qa-answer">{answer_html(answer.answer)}</div>', unsafe_allow_html=True)
        heading, help_text = t(lang, "sources"), None
    if answer.citations:
        st.markdown(f"**{heading}**", help=help_text)
    for citation in answer.citations:
        render_source_card(
            assistant, citation, lang, key=f"doc-{turn.id}-{citation.n}", related=answer.abstained
        )


def render_turn(assistant: Assistant, turn: Turn, controls: Controls, store: FeedbackStore) -> None:
    """One question and its reply, as chat messages."""
    render_question(turn.question)
    with st.chat_message("assistant"):
        render_reply(assistant, turn, controls, store)


def render_question(question: str) -> None:
    """The reader's question as a chat message (escaped: it may be pasted from anywhere)."""
    with st.chat_message("user"):
        st.markdown(f'<div class="qa-question">{escape_text(question)}</div>', unsafe_allow_html=True)


def render_reply(assistant: Assistant, turn: Turn, controls: Controls, store: FeedbackStore) -> None:
    """The assistant's side of a turn: answer or error, then feedback."""
    if turn.error is not None:
        st.warning(turn.error)
        return
    render_answer(assistant, turn, controls.lang)
    if not controls.embed:
        st.caption(t(controls.lang, "timing", seconds=turn.seconds))
    render_feedback(turn, store, controls.lang)


def render_examples(lang: str, province: str | None) -> None:
    """Example questions as buttons on an empty chat; a click asks the question."""
    st.caption(t(lang, "examples_title"))
    for i, question in enumerate(examples(lang, province)):
        st.button(
            question,
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
    """Filters and tools; in embed mode the sidebar exists but is hidden by CSS."""
    provinces = assistant.provinces()
    wanted = st.query_params.get("province")
    st.session_state.setdefault("province", match_province(wanted, provinces) or ALL_PROVINCES)
    with st.sidebar:
        st.subheader(t(lang, "settings"))
        province = st.selectbox(
            t(lang, "province"),
            [ALL_PROVINCES, *provinces],
            key="province",
            format_func=lambda p: p or t(lang, "all_provinces"),
        )
        k = st.slider(t(lang, "n_sources"), 1, MAX_SOURCES, min(settings.top_k, MAX_SOURCES), key="k")
        mode = st.selectbox(
            t(lang, "mode"), MODES, index=MODES.index(settings.mode), key="mode", help=t(lang, "mode_help")
        )
        documents = assistant.documents()
        with st.expander(t(lang, "documents", n=len(documents))):
            st.markdown(_documents_list_html(assistant, lang), unsafe_allow_html=True)
        st.button(t(lang, "new_chat"), icon=":material/add_comment:", on_click=_turns().clear)
        st.download_button(
            t(lang, "feedback_export"),
            data=lambda: store.to_csv().encode("utf-8-sig"),  # BOM: Excel reads the Vietnamese right
            file_name="feedback.csv",
            mime="text/csv",
            help=t(lang, "feedback_export_help"),
            icon=":material/download:",
            on_click="ignore",
        )
    if wanted and match_province(wanted, provinces) is None:
        st.warning(t(lang, "unknown_province", province=wanted))
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
.qa-ref { color: #0b57d0; font-weight: 600; font-size: .72em; margin-left: 1px; }
.qa-card-title { font-weight: 600; line-height: 1.35; }
.qa-n { color: #0b57d0; margin-right: .15rem; }
.qa-meta { color: #5f6368; font-size: .82rem; margin: .1rem 0 .45rem; }
.qa-passage { font-size: .9rem; line-height: 1.55; color: #202124; }
.qa-related .qa-passage { color: #3c4043; }
.qa-related mark { background: #e8eaed; }
.qa-card mark, .qa-doc mark { background: #fde68a; color: inherit; padding: 0 .1em; border-radius: 2px; }
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
</style>
"""

_EMBED_CSS = """
<style>
header[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stSidebar"],
[data-testid="stExpandSidebarButton"], footer { display: none !important; }
[data-testid="stMainBlockContainer"] { padding: .75rem .9rem 5rem; max-width: 100%; }
[data-testid="stBottomBlockContainer"] { padding: .5rem .9rem .75rem; max-width: 100%; }
[data-testid="stChatMessage"] { padding: .5rem .25rem; gap: .5rem; }
</style>
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
        initial_sidebar_state="collapsed" if embed else "expanded",
    )
    st.html(_CSS + (_EMBED_CSS if embed else ""))
    lang = choose_language()
    if not embed:
        st.title(t(lang, "app_title"), anchor=False)
        st.caption(t(lang, "app_subtitle"))
    return lang


def render_conversation(
    assistant: Assistant, settings: Settings, controls: Controls, store: FeedbackStore
) -> None:
    """The history, the new question's reply (asked under a spinner), or the examples."""
    lang = controls.lang
    question = st.chat_input(t(lang, "input_placeholder"), max_chars=settings.max_question_chars)
    question = question or st.session_state.pop("pending_question", None)
    turns = _turns()
    for turn in turns:
        render_turn(assistant, turn, controls, store)
    if question:
        render_question(question)
        with st.chat_message("assistant"):
            with st.spinner(t(lang, "thinking")):
                turn = ask(assistant, question, controls)
            turns.append(turn)
            render_reply(assistant, turn, controls, store)
    elif not turns:
        render_examples(lang, controls.province)


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
        st.caption(t(lang, "asking_about", province=controls.province))
    render_conversation(assistant, settings, controls, store)


if __name__ == "__main__":
    main()
