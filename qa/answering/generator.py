"""Optional hook: an OpenAI-compatible endpoint may rewrite the extractive answer.

Off by default (``Settings.generator_url`` is None): the product never needs it.
Where a user has such an endpoint, the model is asked to rephrase the answer from
the cited passages only, keeping the [n] markers. A model can still invent a figure
("99%" for a 30% target) or add a link, and an official would read it under our
citations; so the rewrite is used only when every figure and every link in it
appears in the passages it cites (or in the extractive draft, which was taken from
them), and only when it arrives within ``Settings.generator_timeout`` seconds.
Anything else keeps the extractive answer: a bad or slow endpoint never costs an
official a correct answer, nor more than the timeout.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import urllib.request
from typing import Any

from qa.config import Settings
from qa.types import Citation

log = logging.getLogger(__name__)

#: Largest reply body read from the endpoint (an answer is a few hundred characters).
MAX_REPLY_BYTES = 1_000_000

_MARKERS = re.compile(r"\[(\d+(?:\s*,\s*\d+)*)\]")
_FIGURE = re.compile(r"\d+(?:[.,]\d+)*")
# Links a reader could follow: with a scheme, www., mailto:, a Markdown link target, or a
# bare host with a path or a common top-level domain ("evil.example/login", "x.gov.vn").
_LINK = re.compile(
    r"(?i)(?:\b(?:https?|ftp)://|\bwww\.|\bmailto:)[^\s<>\"'()\[\]]+"
    r"|\]\(\s*([^)\s]+)"
    r"|\b(?:[a-z0-9-]+\.)+(?:[a-z]{2,}/[^\s<>\"'()\[\]]*|(?:com|net|org|gov|edu|info|io|vn)\b)"
)


def rewrite(answer: str, question: str, citations: list[Citation], settings: Settings) -> str:
    """The endpoint's rewrite of ``answer`` if the cited passages support it, else ``answer``."""
    if not settings.generator_url:
        return answer
    sources = "\n".join(f"[{c.n}] {c.passage}" for c in citations)
    body = {
        "model": settings.generator_model or "default",
        "temperature": 0,
        "messages": [
            {"role": "system", "content": "Rewrite the draft answer briefly in the question's language, "
             "using only the sources. Keep every [n] marker. Do not add facts, figures or links."},
            {"role": "user", "content": f"Question: {question}\n\nSources:\n{sources}\n\nDraft answer: {answer}"},
        ],
    }
    url = settings.generator_url.rstrip("/") + "/chat/completions"
    try:
        text = _complete(url, body, settings.generator_timeout)
    except Exception as exc:  # the extractive answer stands whatever went wrong
        log.warning("generator at %s failed (%s); keeping the extractive answer", url, exc)
        return answer
    problem = unsupported(text, answer, citations)
    if problem:
        log.warning("generator rewrite rejected (%s); keeping the extractive answer", problem)
        return answer
    return text


def unsupported(text: str, draft: str, citations: list[Citation]) -> str | None:
    """Why ``text`` may not replace ``draft`` (``None`` when it may).

    The rewrite must cite with [n] markers that name real sources, and each figure and
    link it states must appear in the passages those markers name or in the draft.
    Figures are compared by their digits, so "30%", "30 %" and "trên 30" agree, and
    "1.000" equals "1,000" (Vietnamese and English digit grouping).
    """
    if not text.strip():
        return "empty rewrite"
    named = {int(n) for m in _MARKERS.finditer(text) for n in m.group(1).split(",")}
    if not named:
        return "no [n] marker"
    by_number = {c.n: c for c in citations}
    unknown = sorted(named - set(by_number))
    if unknown:
        return f"cites [{unknown[0]}], which is not a source"
    evidence = "\n".join([draft, *(by_number[n].passage for n in sorted(named))])
    known_figures = _figures(evidence)
    for figure in _figures(text):
        if figure not in known_figures:
            return f"states {figure}, which the cited passages do not"
    known_text = evidence.casefold()
    for link in _links(text):
        if link.casefold() not in known_text:
            return f"adds the link {link}, which the cited passages do not have"
    return None


def _figures(text: str) -> set[str]:
    """The numbers in ``text`` (the [n] markers left out), in one canonical spelling."""
    found = set()
    for match in _FIGURE.finditer(_MARKERS.sub(" ", text)):
        parts = re.split(r"[.,]", match.group())
        parts[0] = parts[0].lstrip("0") or "0"
        found.add(".".join(parts))
    return found


def _links(text: str) -> list[str]:
    """Every link-like string of ``text``, without trailing sentence punctuation."""
    links = []
    for match in _LINK.finditer(text):
        link = (match.group(1) or match.group()).rstrip(".,;:!?")
        if link:
            links.append(link)
    return links


def _complete(url: str, body: dict[str, Any], timeout: float) -> str:
    """The endpoint's reply text, or an exception; never waits longer than ``timeout``.

    ``urlopen``'s own timeout bounds each socket operation, not the whole exchange (an
    endpoint that trickles its reply could hold a question for minutes), so the call
    runs in a daemon thread and is abandoned at the deadline.
    """
    outcome: dict[str, Any] = {}
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )

    def call() -> None:
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                reply = json.loads(response.read(MAX_REPLY_BYTES))
            outcome["text"] = str(reply["choices"][0]["message"]["content"]).strip()
        except Exception as exc:  # handed to the caller
            outcome["error"] = exc

    worker = threading.Thread(target=call, name="qa-generator", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise TimeoutError(f"no reply within {timeout:g} s")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["text"]
