"""The semantic net's voters on hand-made vectors and words: what decides urgent, and how soon."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from bot.services.lexical_probe import LexicalProbe
from bot.services.safety_net import LabelledMessage, NetParameters, SemanticSafetyNet
from bot.services.semantic import Vectors
from bot.services.triage import Tier

# Words none of the examples share: only the vectors decide.
TEXT = "zzz"


def unit(*components: float) -> Vectors:
    vector = np.zeros(8, np.float32)
    vector[: len(components)] = components
    return vector / np.linalg.norm(vector)


class HandMadeStore:
    """Each example's text names its direction."""

    def __init__(self, directions: dict[str, Vectors]) -> None:
        self.directions = directions

    def vectors(self, texts: Sequence[str]) -> Vectors:
        return np.vstack([self.directions[t] for t in texts])


def net_of(examples: list[tuple[LabelledMessage, Vectors]], threshold: float) -> SemanticSafetyNet:
    store = HandMadeStore({m.text: v for m, v in examples})
    return SemanticSafetyNet(
        [m for m, _ in examples],
        store=store,  # type: ignore[arg-type]
        parameters={"en": NetParameters(threshold=threshold, set_aside_threshold=threshold + 3)},
    )


def examples() -> list[tuple[LabelledMessage, Vectors]]:
    rng = np.random.default_rng(7)
    made = []
    for i in range(30):  # urgent along the first axis: most of them emergencies
        tier = Tier.SAME_DAY if i % 5 == 0 else Tier.EMERGENCY
        made.append((LabelledMessage(True, tier, f"u{i}"), unit(1, *rng.normal(0, 0.1, 7))))
    for i in range(30):  # same-day along the third axis
        made.append(
            (LabelledMessage(True, Tier.SAME_DAY, f"s{i}"), unit(0, 0, 1, *rng.normal(0, 0.1, 5)))
        )
    for i in range(60):  # calm along the second
        made.append((LabelledMessage(False, None, f"c{i}"), unit(0, 1, *rng.normal(0, 0.1, 6))))
    return made


def test_a_message_among_urgent_examples_is_urgent_at_their_tier() -> None:
    net = net_of(examples(), threshold=0.0)
    assert net.check(TEXT, unit(1, 0.05), "en") is Tier.EMERGENCY
    assert net.check(TEXT, unit(0.05, 0, 1), "en") is Tier.SAME_DAY


def test_a_message_among_calm_examples_is_not() -> None:
    net = net_of(examples(), threshold=0.0)
    reading = net.read(TEXT, unit(0.05, 1))
    assert reading.neighbours < 0 and reading.probe < 0
    assert net.check(TEXT, unit(0.05, 1), "en") is None


def test_the_threshold_decides_between_the_two() -> None:
    halfway = unit(1, 1.1)  # a little nearer the calm examples
    urgency = net_of(examples(), threshold=0.0).read(TEXT, halfway).urgency
    assert net_of(examples(), threshold=urgency - 0.01).check(TEXT, halfway, "en") is not None
    assert net_of(examples(), threshold=urgency + 0.01).check(TEXT, halfway, "en") is None


def test_patients_questions_count_as_calm_neighbours() -> None:
    net = net_of(examples(), threshold=0.0)
    message = unit(1, 0.9)
    alone = net.read(TEXT, message).neighbours
    # Thirty questions right beside the message outweigh the urgent examples further off.
    crowded = net.read(TEXT, message, calm=np.full(30, 0.999, np.float32)).neighbours
    assert crowded < alone


def test_an_unknown_language_uses_the_default_parameters() -> None:
    net = net_of(examples(), threshold=0.0)
    net.parameters["ja"] = NetParameters(threshold=1000.0, set_aside_threshold=1000.0)
    assert net.check(TEXT, unit(1, 0.05), "ja") is None
    assert net.check(TEXT, unit(1, 0.05), "fr") is Tier.EMERGENCY  # English, the default


def test_a_message_the_rules_read_as_denied_needs_a_clearer_reading() -> None:
    halfway = unit(1, 1.1)
    urgency = net_of(examples(), threshold=0.0).read(TEXT, halfway).urgency
    net = net_of(examples(), threshold=urgency - 0.01)  # set-aside line: 3 above
    assert net.check(TEXT, halfway, "en") is not None
    assert net.check(TEXT, halfway, "en", set_aside=True) is None
    assert net.check(TEXT, unit(1, 0.05), "en", set_aside=True) is Tier.EMERGENCY


def test_the_lexical_probe_reads_a_denial_the_vectors_would_not() -> None:
    urgent = ["fever and back pain", "a high fever, my back hurts", "熱があって腰が痛い"]
    calm = ["no fever, back pain", "no fever at all, my back hurts", "熱はないけど腰が痛い"]
    probe = LexicalProbe.fitted(
        urgent + calm, [True] * 3 + [False] * 3, shipped=Path("/nonexistent")
    )
    assert probe.read("fever, and my back aches") > 0 > probe.read("no fever, and my back aches")
    assert probe.read("熱があって腰がだるい") > 0 > probe.read("熱はないけど腰がだるい")


def test_the_shipped_lexical_probe_is_the_one_fitted_on_the_shipped_examples(
    tmp_path: Path,
) -> None:
    texts, labels = ["fever and back pain", "no fever, back pain"], [True, False]
    fitted = LexicalProbe.fitted(texts, labels, shipped=tmp_path / "absent.npz")
    fitted.save(texts, labels, tmp_path / "probe.npz")
    loaded = LexicalProbe.fitted(texts, labels, shipped=tmp_path / "probe.npz")
    assert loaded.read("fever") == fitted.read("fever")
    # Other examples: the stored weights are stale and a new fit replaces them.
    other = LexicalProbe.fitted(
        [*texts, "fever and chills"], [*labels, True], shipped=tmp_path / "probe.npz"
    )
    assert other.read("chills") != loaded.read("chills")
    (tmp_path / "broken.npz").write_bytes(b"not a zip")
    assert LexicalProbe.fitted(texts, labels, shipped=tmp_path / "broken.npz").read("fever") == (
        fitted.read("fever")
    )


def test_a_truncated_lexical_probe_file_is_refitted_not_fatal(tmp_path: Path) -> None:
    texts, labels = ["fever and back pain", "no fever, back pain"], [True, False]
    fitted = LexicalProbe.fitted(texts, labels, shipped=tmp_path / "absent.npz")
    fitted.save(texts, labels, tmp_path / "probe.npz")
    whole = (tmp_path / "probe.npz").read_bytes()
    (tmp_path / "probe.npz").write_bytes(whole[: len(whole) // 2])
    again = LexicalProbe.fitted(texts, labels, shipped=tmp_path / "probe.npz")
    assert not again.shipped and again.read("fever") == fitted.read("fever")


def test_weights_damaged_inside_the_file_are_refitted_not_fatal(tmp_path: Path) -> None:
    texts, labels = ["fever and back pain", "no fever, back pain"], [True, False]
    fitted = LexicalProbe.fitted(texts, labels, shipped=tmp_path / "absent.npz")
    fitted.save(texts, labels, tmp_path / "probe.npz")
    damaged = bytearray((tmp_path / "probe.npz").read_bytes())
    start = damaged.find(b"weights.npy") + 20  # inside the compressed weights, not the index
    damaged[start : start + 32] = bytes(32)
    (tmp_path / "probe.npz").write_bytes(bytes(damaged))
    again = LexicalProbe.fitted(texts, labels, shipped=tmp_path / "probe.npz")
    assert not again.shipped and again.read("fever") == fitted.read("fever")


def test_a_reading_that_is_not_a_number_is_urgent_not_silent() -> None:
    net = net_of(examples(), threshold=float("nan"))  # a damaged line in tuned.json
    assert net.check(TEXT, unit(0.05, 1), "en") is not None
