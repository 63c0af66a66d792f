"""Optional hook: an OpenAI-compatible endpoint may rewrite the extractive answer.

Off by default (``Settings.generator_url`` is None): the product never needs it.
Where a user has such an endpoint, the model is asked to rephrase the answer from
the cited passages only, keeping the [n] markers. Any failure keeps the extractive
answer, so a down endpoint never costs an official an answer.
"""

from __future__ import annotations

import json
import logging
import urllib.request

from .config import Settings
from .types import Citation

log = logging.getLogger(__name__)
TIMEOUT_S = 20


def rewrite(answer: str, question: str, citations: list[Citation], settings: Settings) -> str:
    """The endpoint's rewrite of ``answer``, or ``answer`` unchanged on any failure."""
    if not settings.generator_url:
        return answer
    sources = "\n".join(f"[{c.n}] {c.passage}" for c in citations)
    body = {
        "model": settings.generator_model or "default",
        "temperature": 0,
        "messages": [
            {"role": "system", "content": "Rewrite the draft answer briefly in the question's language, "
             "using only the sources. Keep every [n] marker. Do not add facts."},
            {"role": "user", "content": f"Question: {question}\n\nSources:\n{sources}\n\nDraft answer: {answer}"},
        ],
    }
    url = settings.generator_url.rstrip("/") + "/chat/completions"
    request = urllib.request.Request(url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
            text = json.loads(response.read())["choices"][0]["message"]["content"].strip()
    except Exception as exc:  # the extractive answer stands whatever went wrong
        log.warning("generator at %s failed (%s); keeping the extractive answer", url, exc)
        return answer
    return text if "[" in text and text else answer
