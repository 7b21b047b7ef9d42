"""The semantic net on wording it has not seen: leave one block of labelled examples out.

Run: .venv/bin/python benchmarks/safety_net_blocks.py
The labelled examples (bot/services/red_flag_examples.tsv) were written in rounds by different
helper sessions and appended in order, so a contiguous block is mostly one writer's wording.
Each block is held out in turn; the net is built from the rest and reads the block. Figures are
urgent messages caught by the net alone when its threshold lets through 3, 5 or 10 % of the
held-out calm ones: mean, worst and best block. This chose NEIGHBOURS, TEMPERATURE, RIDGE,
PROBE_WEIGHT and LEXICAL_WEIGHT in bot/services/safety_net.py (and the lexical probe's own
settings, with a fresh round of examples read before it joined: README, "How the bot
understands"); the same held-out readings place the net's threshold
(benchmarks/tune_understanding.py). A block may share a writer's habits with the next one, so a
fresh round is the sterner test.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.i18n import detect_language
from bot.services.safety_net import (
    EXAMPLES_FILE,
    PROBE_WEIGHT,
    NetParameters,
    Reading,
    SemanticSafetyNet,
    read_labelled_messages,
)
from bot.services.semantic import Vectors, default_store

BLOCKS = 8
CALM_SHARES = (0.03, 0.05, 0.10)


@dataclass(frozen=True)
class HeldOut:
    """Every labelled example, read by a net that was built without its block."""

    languages: npt.NDArray[np.str_]
    urgent: npt.NDArray[np.bool_]
    blocks: npt.NDArray[np.int64]
    readings: list[Reading]
    before: npt.NDArray[np.float64]  # the vote the net used before (7 nearest, similarity-weighted)

    def urgency(self) -> npt.NDArray[np.float64]:
        return np.array([r.urgency for r in self.readings])


def nearest_vote(net: SemanticSafetyNet, vector: Vectors, k: int = 7) -> float:
    """Before: the k nearest vote with their similarity (urgent minus calm)."""
    similarity = net._vectors @ vector
    nearest = np.argpartition(-similarity, k - 1)[:k]
    return float(np.where(net._urgent[nearest], 1, -1) @ similarity[nearest])


def held_out() -> HeldOut:
    """Read each block with a net built from the other blocks."""
    store = default_store()
    examples = read_labelled_messages(EXAMPLES_FILE)
    vectors = store.vectors([e.text for e in examples])
    edges = np.linspace(0, len(examples), BLOCKS + 1).astype(int)
    blocks = np.searchsorted(edges, np.arange(len(examples)), side="right") - 1
    readings: list[Reading | None] = [None] * len(examples)
    before = np.zeros(len(examples))
    for block in range(BLOCKS):
        net = SemanticSafetyNet(
            [e for e, b in zip(examples, blocks, strict=True) if b != block],
            store=store,
            parameters={"en": NetParameters(0.0, 0.0)},  # unused: only readings are taken
        )
        for i in np.flatnonzero(blocks == block):
            readings[i] = net.read(examples[i].text, vectors[i])
            before[i] = nearest_vote(net, vectors[i])
    return HeldOut(
        languages=np.array([detect_language(e.text) for e in examples]),
        urgent=np.array([e.urgent for e in examples]),
        blocks=blocks,
        readings=[r for r in readings if r is not None],
        before=before,
    )


Scorer = Callable[[HeldOut], npt.NDArray[np.float64]]
SCORERS: dict[str, Scorer] = {
    "before: 7 nearest vote": lambda h: h.before,
    "neighbours (25, soft)": lambda h: np.array([r.neighbours for r in h.readings]),
    "linear probe": lambda h: np.array([r.probe for r in h.readings]),
    "lexical probe": lambda h: np.array([r.lexical for r in h.readings]),
    f"neighbours + {PROBE_WEIGHT:g} probe": lambda h: np.array(
        [r.neighbours + PROBE_WEIGHT * r.probe for r in h.readings]
    ),
    **{
        f"+ lexical weight {w}": lambda h, w=w: np.array(
            [r.neighbours + PROBE_WEIGHT * r.probe + w * r.lexical for r in h.readings]
        )
        for w in (2, 4, 6, 10, 16)
    },
}


def main() -> None:
    seen = held_out()
    print(f"{len(seen.urgent)} labelled examples in {BLOCKS} blocks; net alone, urgent caught\n")
    for language in ("en", "ja"):
        header = "".join(f"{f'calm {s:.0%}':>24}" for s in CALM_SHARES)
        print(f"{language:<26}{header}")
        for name, scorer in SCORERS.items():
            scores = scorer(seen)
            cells = []
            for share in CALM_SHARES:
                caught = []
                for block in range(BLOCKS):
                    rows = (seen.blocks == block) & (seen.languages == language)
                    urgent, calm = scores[rows & seen.urgent], scores[rows & ~seen.urgent]
                    if len(urgent) < 20 or len(calm) < 20:
                        continue
                    caught.append(float((urgent > np.quantile(calm, 1 - share)).mean()))
                cells.append(f"{np.mean(caught):6.1%} ({min(caught):5.1%}-{max(caught):6.1%})")
            print(f"  {name:<24}" + "".join(f"{c:>24}" for c in cells))
        print()


if __name__ == "__main__":
    main()
