"""The second safety net: urgent wording the rules never saw, caught by labelled neighbours."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bot.i18n import DEFAULT_LANGUAGE
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
    """How many neighbours vote and by what margin urgent must win; chosen on the tuning parts."""

    neighbours: int
    margin: float

    @classmethod
    def load(cls, path: Path) -> dict[str, NetParameters]:
        """Per-language parameters the tuning script wrote (messages in each script sit apart)."""
        spec = json.loads(path.read_text(encoding="utf-8"))["safety_net"]
        return {
            language: cls(neighbours=int(p["neighbours"]), margin=float(p["margin"]))
            for language, p in spec.items()
        }


class SemanticSafetyNet:
    """Nearest-neighbour vote over labelled urgent and calm messages in both languages.

    The k nearest examples vote with their similarity; when urgent outweighs calm by the
    margin, the message is urgent, at the tier most of the urgent neighbours share.
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
        self.parameters = parameters

    def check(self, vector: Vectors, language: str, calm: Vectors | None = None) -> Tier | None:
        """The tier of urgent advice the message needs, or None when its neighbours are calm.

        `calm` holds the message's similarity to further calm messages that the caller has
        already scored (patients' questions about the topics, from the topic index).
        """
        parameters = self.parameters.get(language) or self.parameters[DEFAULT_LANGUAGE]
        own = self._vectors @ vector
        similarity = own if calm is None else np.concatenate([own, calm])
        k = min(parameters.neighbours, len(similarity))
        nearest = np.argpartition(-similarity, k - 1)[:k]
        labelled = nearest[nearest < len(own)]
        urgent = labelled[self._urgent[labelled]]
        vote = float(2 * similarity[urgent].sum() - similarity[nearest].sum())
        if vote <= parameters.margin:
            return None
        # The tier most of the urgent neighbours share; a tie goes to the more urgent one.
        emergencies = sum(self._examples[i].tier is Tier.EMERGENCY for i in urgent)
        return Tier.EMERGENCY if 2 * emergencies >= len(urgent) else Tier.SAME_DAY
