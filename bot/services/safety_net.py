"""The second safety net: urgent wording the rules never saw, caught by labelled neighbours."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from bot.i18n import DEFAULT_LANGUAGE
from bot.services.lexical_probe import LexicalProbe
from bot.services.semantic import Vectors, VectorStore
from bot.services.triage import Tier

EXAMPLES_FILE = Path(__file__).resolve().parent / "red_flag_examples.tsv"


@dataclass(frozen=True)
class LabelledMessage:
    """A message labelled urgent (with how soon) or calm."""

    urgent: bool
    tier: Tier | None
    text: str


def read_labelled_messages(path: Path = EXAMPLES_FILE) -> list[LabelledMessage]:
    """`urgent|calm<TAB>emergency|same-day|-<TAB>message` lines; '#' starts a comment."""
    messages = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        label, tier, text = line.split("\t", 2)
        urgent = label == "urgent"
        messages.append(
            LabelledMessage(urgent=urgent, tier=Tier(tier) if urgent else None, text=text)
        )
    return messages


@dataclass(frozen=True)
class NetParameters:
    """Where urgent begins on the net's scale, per language; placed by the tuning script."""

    threshold: float
    # Higher, for a message whose every sign the rules read as denied or as a general question:
    # the net cannot read negation, but it must not be switched off by a denial that is wrong.
    set_aside_threshold: float

    @classmethod
    def load(cls, path: Path) -> dict[str, NetParameters]:
        """Per-language parameters the tuning script wrote (messages in each script sit apart)."""
        spec = json.loads(path.read_text(encoding="utf-8"))["safety_net"]
        return {
            language: cls(
                threshold=float(p["threshold"]), set_aside_threshold=float(p["set_aside_threshold"])
            )
            for language, p in spec.items()
        }


# Chosen by holding out one block of the labelled examples at a time (mostly one writer's
# wording each): benchmarks/safety_net_blocks.py prints the comparison.
NEIGHBOURS = 25
TEMPERATURE = 0.04
RIDGE = 0.1
PROBE_WEIGHT = 3.0
LEXICAL_WEIGHT = 10.0
_ABSENT = 1e-9  # a class with no neighbour among the nearest still gets a finite log-weight


@dataclass(frozen=True)
class Reading:
    """What the three voters make of one message."""

    neighbours: float  # log-odds of the nearest urgent against the nearest calm examples
    probe: float  # the linear probe's output: about +1 urgent, -1 calm
    lexical: float  # the probe on the message's own letters: about +1 urgent, -1 calm
    tier: Tier  # how soon, as the urgent neighbours say

    @property
    def urgency(self) -> float:
        return self.neighbours + PROBE_WEIGHT * self.probe + LEXICAL_WEIGHT * self.lexical


class SemanticSafetyNet:
    """Three voters over labelled urgent and calm messages in both languages.

    The nearest examples vote with weights that fall off steeply with distance; a linear probe
    (ridge regression on the same vectors) reads the direction of urgency across the whole
    space; a lexical probe reads the message's own letters, where "no fever" and "fever" differ
    as the sentence vectors barely do. They miss different messages, so their sum catches more
    urgent wording than any one at the same rate of false alarms (README, "How the bot
    understands").
    """

    def __init__(
        self,
        examples: Iterable[LabelledMessage],
        *,
        store: VectorStore,
        parameters: dict[str, NetParameters],
    ) -> None:
        self._examples = list(examples)
        self.texts = [e.text for e in self._examples]
        self._vectors = store.vectors(self.texts)
        self._urgent = np.array([e.urgent for e in self._examples])
        self._emergency = np.array([e.tier is Tier.EMERGENCY for e in self._examples])
        self._probe = fit_probe(self._vectors, self._urgent)
        self.lexical = LexicalProbe.fitted(self.texts, self._urgent.tolist())
        self.parameters = parameters

    def read(self, text: str, vector: Vectors, calm: Vectors | None = None) -> Reading:
        """The three votes on one message (`vector`: the text's sentence embedding).

        `calm` holds the message's similarity to further calm messages that the caller has
        already scored (patients' questions about the topics, from the topic index).
        """
        own = self._vectors @ vector
        similarity = own if calm is None else np.concatenate([own, calm])
        k = min(NEIGHBOURS, len(similarity))
        nearest = np.argpartition(-similarity, k - 1)[:k]
        weight = np.exp((similarity[nearest] - 1.0) / TEMPERATURE)
        labelled = nearest < len(own)
        urgent = np.zeros(k, dtype=bool)
        urgent[labelled] = self._urgent[nearest[labelled]]
        emergency = np.zeros(k, dtype=bool)
        emergency[labelled] = self._emergency[nearest[labelled]]
        # A tie (or no urgent neighbour at all) goes to the more urgent tier.
        tier = (
            Tier.EMERGENCY if 2 * weight[emergency].sum() >= weight[urgent].sum() else Tier.SAME_DAY
        )
        return Reading(
            neighbours=float(
                np.log(weight[urgent].sum() + _ABSENT) - np.log(weight[~urgent].sum() + _ABSENT)
            ),
            probe=float(vector @ self._probe[:-1] + self._probe[-1]),
            lexical=self.lexical.read(text),
            tier=tier,
        )

    @property
    def labels(self) -> list[bool]:
        """Whether each example (in the order of `texts`) is urgent."""
        return [bool(u) for u in self._urgent]

    def ship_lexical_probe(self) -> None:
        """Store the lexical probe's weights in the package, so start-up need not fit them."""
        self.lexical.save(self.texts, self.labels)

    def check(
        self,
        text: str,
        vector: Vectors,
        language: str,
        calm: Vectors | None = None,
        *,
        set_aside: bool = False,
    ) -> Tier | None:
        """The tier of urgent advice the message needs, or None when it reads calm.

        `set_aside`: the rules read every sign in the message as denied, or the message as a
        general question; the net then needs a clearer reading to overrule them.
        """
        parameters = self.parameters.get(language) or self.parameters[DEFAULT_LANGUAGE]
        line = parameters.set_aside_threshold if set_aside else parameters.threshold
        reading = self.read(text, vector, calm)
        # A NaN from any voter or line reads as urgent: a broken net must not fall silent.
        return None if reading.urgency <= line else reading.tier


def fit_probe(vectors: Vectors, urgent: npt.NDArray[np.bool_]) -> npt.NDArray[np.float64]:
    """Ridge regression of ±1 on the vectors (last entry: the bias), solved in closed form:
    about 0.1 s at start-up, and the same answer on every machine."""
    x = np.hstack([vectors.astype(np.float64), np.ones((len(vectors), 1))])
    target = np.where(urgent, 1.0, -1.0)
    return np.linalg.solve(x.T @ x + RIDGE * np.eye(x.shape[1]), x.T @ target)
