"""The safety net's third voter: a ridge probe on a message's own letters ("no fever" ≠ "fever")."""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

from bot.services.triage import fold

log = logging.getLogger(__name__)

SHIPPED = Path(__file__).resolve().parent / "lexical-probe.npz"
# Chosen by holding out one block of the labelled examples at a time and on a fresh round of
# them (benchmarks/safety_net_blocks.py): character n-grams need no word splitting, so one
# probe reads English and Japanese alike, and they keep the negation next to the sign.
GRAM_SIZES = (1, 2, 3, 4, 5)
BITS = 18
RIDGE = 0.3  # on unit-length rows (chosen with runs of 2-4; kept for 1-5 on the same blocks)
_TOLERANCE = 1e-8
_MAX_STEPS = 400

Grams = npt.NDArray[np.int64]


def _scale(count: int) -> float:
    """Each n-gram's value in a message of `count` of them: the message's vector has length 1,
    so a long message does not outvote its own sign by sheer number of calm-sounding runs."""
    return 1.0 / np.sqrt(count) if count else 0.0


def grams(text: str) -> Grams:
    """The hashed bucket of every distinct run of GRAM_SIZES characters in the folded text."""
    padded = " " + " ".join(fold(text).split()) + " "
    # "surrogatepass": undecodable bytes from a terminal arrive as lone surrogates.
    codes = np.frombuffer(padded.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(
        np.uint64
    )
    rolling, buckets = codes, []
    for size in range(1, max(GRAM_SIZES) + 1):
        if len(codes) < size:
            break
        if size > 1:  # the runs of `size` characters, from those one shorter
            rolling = rolling[:-1] * np.uint64(1_000_003) + codes[size - 1 :]
        if size in GRAM_SIZES:
            # Fibonacci hashing: the top bits of a multiply spread similar runs far apart.
            buckets.append((rolling * np.uint64(0x9E3779B97F4A7C15)) >> np.uint64(64 - BITS))
    if not buckets:
        return np.zeros(0, np.int64)
    return np.unique(np.concatenate(buckets)).astype(np.int64)


def fingerprint(texts: Sequence[str], urgent: Sequence[bool]) -> str:
    """What the fitted weights depend on: the examples, their labels, the probe's settings and
    how text becomes buckets (the buckets of a few examples stand for fold() and the hash)."""
    digest = hashlib.sha256(f"{GRAM_SIZES} {BITS} {RIDGE} unit-length".encode())
    for text, label in zip(texts, urgent, strict=True):
        digest.update(f"{int(label)}\t{text}\n".encode())
    for text in texts[:: max(1, len(texts) // 50)]:
        digest.update(grams(text).tobytes())
    return digest.hexdigest()


class LexicalProbe:
    """Ridge regression of ±1 (urgent or calm) on which n-gram buckets a message holds."""

    def __init__(self, weights: npt.NDArray[np.float32], bias: float, *, shipped: bool) -> None:
        self._weights = weights
        self._bias = bias
        self.shipped = shipped  # loaded from the package rather than fitted at start-up

    @classmethod
    def fitted(
        cls, texts: Sequence[str], urgent: Sequence[bool], shipped: Path = SHIPPED
    ) -> LexicalProbe:
        """The shipped weights when they were fitted on these examples, else a new fit (~2 s)."""
        key = fingerprint(texts, urgent)
        why = "they were fitted on other examples"
        try:
            with np.load(shipped) as stored:
                if str(stored["key"]) == key:
                    weights, bias = stored["weights"], float(stored["bias"])
                    if np.isfinite(weights).all() and np.isfinite(bias):
                        return cls(weights, bias, shipped=True)
                    why = "they are not all finite numbers"
        except Exception as error:  # missing or damaged in any way: fit anew, never fail to start
            why = f"{type(error).__name__}"
        # The net's lines in tuned.json were placed with the shipped weights.
        log.warning(
            "lexical probe: not using the shipped weights (%s); fitting them on %d examples "
            "(~2 s). Run benchmarks/tune_understanding.py --write to ship them again",
            why,
            len(texts),
        )
        weights, bias = fit([grams(t) for t in texts], np.where(urgent, 1.0, -1.0))
        return cls(weights, bias, shipped=False)

    def save(self, texts: Sequence[str], urgent: Sequence[bool], path: Path = SHIPPED) -> None:
        """Ship these weights with the package, keyed by what they were fitted on."""
        key = fingerprint(texts, urgent)
        partial = path.with_name(path.name + ".partial.npz")
        np.savez_compressed(partial, key=np.array(key), weights=self._weights, bias=self._bias)
        os.replace(partial, path)  # a reader sees the old file or the new one, never half

    def read(self, text: str) -> float:
        """About +1 for wording like the urgent examples, -1 like the calm ones."""
        found = grams(text)
        return float(self._weights[found].sum() * _scale(len(found)) + self._bias)


def fit(
    rows: list[Grams], target: npt.NDArray[np.float64]
) -> tuple[npt.NDArray[np.float32], float]:
    """Solve (XᵀX + RIDGE·I) w = Xᵀ(y - ȳ) by conjugate gradients on the sparse 0/1 rows.

    The same answer on every machine (no randomness); the bias is the mean label.
    """
    columns = np.concatenate(rows) if rows else np.zeros(0, np.int64)
    row_of = np.repeat(np.arange(len(rows)), [len(r) for r in rows])
    value = np.repeat([_scale(len(r)) for r in rows], [len(r) for r in rows])
    size = 1 << BITS

    def times(w: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        per_row = np.bincount(row_of, weights=w[columns] * value, minlength=len(rows))
        return np.bincount(columns, weights=per_row[row_of] * value, minlength=size) + RIDGE * w

    bias = float(target.mean()) if len(target) else 0.0
    rhs = np.bincount(columns, weights=(target - bias)[row_of] * value, minlength=size).astype(
        np.float64
    )
    weights = np.zeros(size)
    residual = rhs.copy()
    direction = residual.copy()
    squared = float(residual @ residual)
    goal = _TOLERANCE * squared
    for _ in range(_MAX_STEPS):
        if squared <= goal:
            break
        product = times(direction)
        step = squared / float(direction @ product)
        weights += step * direction
        residual -= step * product
        squared, previous = float(residual @ residual), squared
        direction = residual + (squared / previous) * direction
    return weights.astype(np.float32), bias
