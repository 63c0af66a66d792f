"""A chat session without a browser: Streamlit's WebSocket protocol, as the page speaks it.

A browser renders every element it gets: 20 Chromium contexts took most of the 2 cores
in ``bench/reliability.py``, so a load benchmark that drives sessions through a browser
measures the browser. This client does what the page does on the wire and nothing else:

1. ``GET /`` (keeping the cookies it is given, e.g. the proxy's ``qa_replica``);
2. opens ``/_stcore/stream`` with those cookies and an ``Origin`` of the page's own
   origin, and asks for a first run (a ``BackMsg`` ``rerun_script``);
3. reads the ``ForwardMsg`` deltas until the run ends, and keeps the chat input's widget id;
4. for each question, a run with that widget's ``chat_input_value``, read until it ends.

A reply is the text of the ``.qa-answer`` element the chat renders for the last question
of the conversation, with the number of source cards shown under it. Used by ``bench/replicas.py`` and ``tests/test_replicas.py``.
"""

from __future__ import annotations

import asyncio
import html
import re
import time
import urllib.request
from dataclasses import dataclass
from typing import Any

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

#: ``ForwardMsg.script_finished`` of a run cut short because another run follows.
FINISHED_EARLY_FOR_RERUN = ForwardMsg.ScriptFinishedStatus.FINISHED_EARLY_FOR_RERUN
_TAG = re.compile(r"<[^>]+>")


class ChatError(RuntimeError):
    """The chat did not answer as a page would have seen it (closed, no answer, an exception)."""


@dataclass(frozen=True)
class Reply:
    """What the chat showed for one question."""

    question: str
    text: str  # the answer, as plain text ("" when the run showed none)
    cards: int  # source cards shown under it (cited and related)
    seconds: float  # from sending the question until its run ended


class ChatSession:
    """One chat session (one tab) at ``url``; ``async with ChatSession(url) as chat``."""

    def __init__(self, url: str, timeout: float = 120.0, cookies: str = "") -> None:
        self.url = url.rstrip("/")
        self.timeout = timeout
        self.cookies = cookies  # a browser's cookies so far (``Cookie`` header form); the page adds its own
        self._socket: Any = None
        self._chat_input = ""

    async def __aenter__(self) -> "ChatSession":
        import websockets  # a Streamlit dependency; imported here so that importing this module stays cheap

        self.cookies = "; ".join(c for c in (self.cookies, await asyncio.to_thread(self._page_cookies)) if c)
        host = self.url.split("://", 1)[1]
        self._socket = await asyncio.wait_for(websockets.connect(
            f"ws://{host}/_stcore/stream", subprotocols=["streamlit"], origin=self.url, max_size=None,
            additional_headers={"Cookie": self.cookies} if self.cookies else None), self.timeout)
        elements = await self._run(None)
        ids = [e.chat_input.id for e in elements if e.WhichOneof("type") == "chat_input"]
        if not ids:
            alerts = " | ".join(e.alert.body for e in elements if e.WhichOneof("type") == "alert")
            raise ChatError("the page's first run showed no chat input" + (f": {alerts}" if alerts else ""))
        self._chat_input = ids[-1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._socket is not None:
            await self._socket.close()

    def _page_cookies(self) -> str:
        """The page, as a browser loads it first; its ``Set-Cookie`` values as a ``Cookie`` header."""
        request = urllib.request.Request(self.url + "/", headers={"Cookie": self.cookies} if self.cookies else {})
        with urllib.request.urlopen(request, timeout=self.timeout) as response:
            response.read()
            return "; ".join(c.split(";", 1)[0].strip() for c in response.headers.get_all("Set-Cookie") or [])

    async def ask(self, question: str) -> Reply:
        """Type ``question`` into the chat input and press Enter; what the run showed."""
        widget = WidgetState(id=self._chat_input)
        widget.chat_input_value.data = question
        started = time.perf_counter()
        elements = await self._run(widget)
        seconds = time.perf_counter() - started
        bodies = [e.markdown.body for e in elements if e.WhichOneof("type") == "markdown"]
        # The run shows the whole conversation: this question's turn is the last one.
        last = max((i for i, b in enumerate(bodies) if 'class="qa-question"' in b), default=0)
        bodies = bodies[last:]
        answer = next((b for b in bodies if 'class="qa-answer"' in b), "")
        return Reply(question, " ".join(html.unescape(_TAG.sub(" ", answer)).split()),
                     sum(b.count('class="qa-card') for b in bodies), seconds)

    async def _run(self, widget: WidgetState | None) -> list[Any]:
        """Ask for a run (with ``widget``'s value) and return the elements it showed, in order."""
        message = BackMsg()
        message.rerun_script.query_string = ""
        message.rerun_script.page_script_hash = ""
        if widget is not None:
            message.rerun_script.widget_states.widgets.append(widget)
        await self._socket.send(message.SerializeToString())
        elements: list[Any] = []
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                raw = await asyncio.wait_for(self._socket.recv(), max(0.0, deadline - time.monotonic()))
            except asyncio.TimeoutError:
                raise ChatError(f"no end of the run within {self.timeout:.0f} s") from None
            except Exception as exc:  # the socket closed (server gone, proxy refused): say so plainly
                raise ChatError(f"the chat's WebSocket closed: {type(exc).__name__}: {exc}") from exc
            forward = ForwardMsg()
            forward.ParseFromString(raw)
            kind = forward.WhichOneof("type")
            if kind == "delta" and forward.delta.WhichOneof("type") == "new_element":
                element = forward.delta.new_element
                if element.WhichOneof("type") == "exception":
                    raise ChatError(f"the chat raised {element.exception.type}: {element.exception.message}")
                elements.append(element)
            elif kind == "script_finished" and forward.script_finished != FINISHED_EARLY_FOR_RERUN:
                return elements
