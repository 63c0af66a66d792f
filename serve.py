"""Serve the chat with its security headers: ``streamlit run serve.py``.

The same chat as ``streamlit run app.py``, served through Streamlit's ASGI ``App`` so
that every response carries ``Content-Security-Policy: frame-ancestors`` from
``QA_FRAME_ANCESTORS`` (Streamlit itself has no setting for response headers). Server
settings (port, address, base path) come from ``.streamlit/config.toml`` and the usual
``--server.*`` flags.
"""

from __future__ import annotations

from starlette.middleware import Middleware
from streamlit.starlette import App

from qa.serving.chat_server import SecurityHeaders, frame_ancestors_policy
from qa.config import load_settings

try:
    _policy = frame_ancestors_policy(load_settings().frame_ancestors)
except ValueError as error:  # a bad QA_* value: say which and stop, no traceback
    raise SystemExit(f"error: {error}") from None

app = App("app.py", middleware=[Middleware(SecurityHeaders, policy=_policy)])
