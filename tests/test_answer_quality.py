"""Answer quality over the question sets in tests/data: accuracy floor, no off-topic answers."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.services.answering import Answerer, ClinicFacts
from bot.settings import REPO_ROOT
from tests import datasets

DATA = Path(__file__).parent / "data"


def _rows(name: str) -> list[list[str]]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return [line.split("\t") for line in lines if line.strip() and not line.startswith("#")]


@pytest.fixture(scope="module")
def answerer() -> Answerer:
    facts = ClinicFacts(name="Fuji Wellness", address="Tokyo", email="clinic@example.com")
    return Answerer.from_folder(REPO_ROOT / "content", facts)


@pytest.mark.parametrize(("language", "at_least"), [("en", 150), ("ja", 80)])
def test_top1_accuracy_is_at_least_90_percent(
    answerer: Answerer, language: str, at_least: int
) -> None:
    rows = [(topic, q) for topic, q in _rows(f"questions_{language}.tsv") if topic != "-"]
    assert len(rows) >= at_least
    wrong = [(q, topic, answerer.answer(q, language).topic_id) for topic, q in rows]
    wrong = [w for w in wrong if w[1] != w[2]]
    accuracy = 1 - len(wrong) / len(rows)
    assert accuracy >= 0.90, f"accuracy {accuracy:.1%}; misses: {wrong}"


@pytest.mark.parametrize("language", ["en", "ja"])
def test_no_off_topic_question_gets_a_topic(answerer: Answerer, language: str) -> None:
    off_topic = [q for topic, q in _rows(f"questions_{language}.tsv") if topic == "-"]
    assert len(off_topic) >= 15
    answered = [(q, answerer.answer(q, language).topic_id) for q in off_topic]
    assert [a for a in answered if a[1] is not None] == []


def test_every_urgent_message_is_flagged_in_both_languages(answerer: Answerer) -> None:
    urgent = [(lang, m) for kind, lang, m in _rows("red_flags.tsv") if kind == "urgent"]
    assert len(urgent) >= 60 and {lang for lang, _ in urgent} == {"en", "ja"}
    missed = [m for _, m in urgent if not answerer.answer(m).urgent]
    assert missed == []


def test_at_most_5_percent_of_calm_messages_are_flagged(answerer: Answerer) -> None:
    calm = [m for kind, _, m in _rows("red_flags.tsv") if kind == "calm"]
    assert len(calm) >= 60
    flagged = [m for m in calm if answerer.answer(m).urgent]
    assert len(flagged) / len(calm) <= 0.05, flagged


def test_urgent_reply_says_what_to_do_in_its_first_line(answerer: Answerer) -> None:
    emergency = answerer.answer("I can't control my bladder and my back hurts")
    assert emergency.urgent and emergency.topic_id is None
    assert "Call 119" in emergency.plain.splitlines()[0]
    same_day = answerer.answer("I have a fever and my lower back hurts")
    assert "see a doctor today" in same_day.plain.splitlines()[0]
    assert "#7119" in same_day.plain and "03-5285-8181" in same_day.plain


def test_informational_question_gets_the_red_flags_topic_not_an_alarm(answerer: Answerer) -> None:
    reply = answerer.answer("What is cauda equina syndrome?")
    assert not reply.urgent and reply.topic_id == "care.red-flags"


def test_red_flags_run_before_a_matching_topic(answerer: Answerer) -> None:
    reply = answerer.answer("does acupuncture help when both my legs are numb")
    assert reply.urgent


def test_empty_clinic_settings_say_to_ask_the_clinic(answerer: Answerer) -> None:
    reply = answerer.answer("what are your opening hours")
    assert reply.topic_id == "clinic.hours"
    assert "please ask the clinic (clinic@example.com)" in reply.plain


# --- The blind sets (tests/data/blind): floors on the TEST parts, which nothing was tuned on. ---
# The floors are the figures measured last (README, "How well it understands"); a change that
# lowers them must say why. Calm flagged went from 4 % / 6 % back to 6 % / 8 % when two reviews
# showed that reading history and hypotheticals had silenced urgent messages: safety first. With
# the two-voter net, English calm flagged rose to 11 % here (5 of 99 more, all the net's) while
# the second blind set's fell (9 → 8 of 150) and its urgent caught rose (140 → 147 of 150): the
# net's threshold is placed on held-out examples, never on these parts. The lexical probe (fourth
# session) raised every floor: urgent 81 → 82 of 83 and 95 → 96 of 96, calm 11 → 9 of 99.
# Fifth session: runs of 1-5 characters and a heavier lexical vote (chosen on held-out blocks)
# caught the last English message (83 of 83) and flagged 3 fewer calm ones (9 → 6 of 99); in
# Japanese one more calm message (2 → 3 of 98) came with round 13 joining the net's examples.
# Setting aside someone else's past signs beside the writer's own complaint: 6 → 4 of 99; then
# back to 5 of 99 with the sixth review's mends (a sign of now is never someone else's to set
# aside): safety first.
# Japanese top-1 153 → 152 of 161 when round 14 joined the net's examples: its Japanese line
# moved (placed on held-out examples, never here) and one more question gets urgent advice
# (4 of 171 blind test questions do, 2 of them by the rules); the bar is 93 %.
# Sixth session: round 15's readings in the rules and round 15 in the net's examples: English
# calm 5 -> 4 of 99.
BLIND_FLOORS = {
    "en": {"top1": 0.95, "off_topic_answered": 0, "urgent": 1.0, "calm_flagged": 0.041},
    "ja": {"top1": 0.944, "off_topic_answered": 0, "urgent": 1.0, "calm_flagged": 0.031},
}


@pytest.mark.parametrize("language", ["en", "ja"])
def test_blind_test_part_top1_and_off_topic_answers(answerer: Answerer, language: str) -> None:
    asked = datasets.questions(language, blind=True, part="test")
    on = [q for q in asked if q.topic]
    off = [q for q in asked if q.topic is None]
    assert len(on) >= 140 and len(off) >= 10
    right = sum(answerer.answer(q.text, language).topic_id == q.topic for q in on)
    assert right / len(on) >= BLIND_FLOORS[language]["top1"]
    answered = [q.text for q in off if answerer.answer(q.text, language).topic_id]
    assert len(answered) <= BLIND_FLOORS[language]["off_topic_answered"]


@pytest.mark.parametrize("language", ["en", "ja"])
def test_blind_test_part_red_flags(answerer: Answerer, language: str) -> None:
    messages = datasets.red_flag_messages(language, blind=True, part="test")
    urgent = [m for m in messages if m.urgent]
    calm = [m for m in messages if not m.urgent]
    assert len(urgent) >= 80 and len(calm) >= 90
    caught = sum(answerer.answer(m.text).urgent for m in urgent)
    flagged = sum(answerer.answer(m.text).urgent for m in calm)
    assert caught / len(urgent) >= BLIND_FLOORS[language]["urgent"]
    assert flagged / len(calm) <= BLIND_FLOORS[language]["calm_flagged"]


# The later blind sets (tests/data/blind2-6): written after (blind2, blind5), during (blind6) or
# before (blind3, blind4) a session's work by new helpers, measured at a few commits, never tuned
# on.
# Floors as measured at the end of issue 8's fifth session (rounds 13-14, runs of 1-5 characters,
# the sixth and seventh reviews' mends: blind3 ja and blind4 each flag one calm message more than
# before the sixth, and English blind3 15 -> 19, blind4 5 -> 6 when "settled history" went: two
# reviews found emergencies it silenced, 52 of their urgent probes in all), and 19 -> 20 with the
# eighth review's mends (a relative's condition is not set aside when the writer has it "too").
# Sixth session (round 15 in the rules and the net's examples, the net's lines placed again on
# held-out examples): English blind3 20 -> 21 and Japanese blind6 9 -> 10 calm flagged, while
# Japanese blind6 caught its last urgent message (149 -> 150); after the ninth review's mends
# (the same old ache after a cancer and the menopause's night sweats read as before) English
# blind5 and Japanese blind6 flag what they did before the session (12 and 9 of 150). The code
# review then removed the readings of the back "as ever" and of pets (both hid emergencies):
# Japanese blind3 26 -> 27 and blind6 9 -> 10 calm flagged.
LATER_BLIND_FLOORS = {
    ("blind2", "en"): {"urgent": 0.99, "calm_flagged": 0.041},
    ("blind2", "ja"): {"urgent": 1.0, "calm_flagged": 0.087},
    # Its calm messages are harder than the other sets' (denied, past, hypothetical and other
    # people's signs; the rules alone flag about 10 % of them); see README, "Figures".
    ("blind3", "en"): {"urgent": 0.99, "calm_flagged": 0.14},
    ("blind3", "ja"): {"urgent": 1.0, "calm_flagged": 0.18},
    # Written before the fourth session.
    ("blind4", "en"): {"urgent": 0.99, "calm_flagged": 0.04},
    ("blind4", "ja"): {"urgent": 1.0, "calm_flagged": 0.074},
    # Written after the fourth session's work.
    ("blind5", "en"): {"urgent": 1.0, "calm_flagged": 0.08},
    ("blind5", "ja"): {"urgent": 0.99, "calm_flagged": 0.034},
    # Written during the fifth session; measured once at its end, and again at the sixth's.
    ("blind6", "en"): {"urgent": 0.99, "calm_flagged": 0.04},
    ("blind6", "ja"): {"urgent": 1.0, "calm_flagged": 0.067},
}


@pytest.mark.parametrize(("blind_set", "language"), list(LATER_BLIND_FLOORS))
def test_later_blind_sets_red_flags(answerer: Answerer, blind_set: str, language: str) -> None:
    messages = datasets.later_blind_red_flags(blind_set, language)
    urgent = [m for m in messages if m.urgent]
    calm = [m for m in messages if not m.urgent]
    assert len(urgent) == 150 and len(calm) == 150
    caught = sum(answerer.answer(m.text).urgent for m in urgent)
    flagged = sum(answerer.answer(m.text).urgent for m in calm)
    floors = LATER_BLIND_FLOORS[(blind_set, language)]
    assert caught / len(urgent) >= floors["urgent"]
    assert flagged / len(calm) <= floors["calm_flagged"]


@pytest.mark.parametrize(
    "message",
    [
        "back ache and I've been pooping myself without realising",
        "since this morning i feel nothing when i sit on the toilet seat, back is bad",
        "腰が痛くて、トイレに行っても何も感じない",
    ],
)
def test_the_semantic_net_catches_urgent_wording_no_rule_knows(
    answerer: Answerer, message: str
) -> None:
    assert answerer.checker.check(message).rule is None
    reply = answerer.answer(message)
    assert reply.urgent and reply.topic_id is None
    assert reply.plain.splitlines()[0] in {
        "🚨 Call 119 for an ambulance now.",
        "🚨 今すぐ119番に電話して救急車を呼んでください。",
    }


@pytest.mark.parametrize(
    ("message", "urgent"),
    [
        ("お尻がしびれる", False),  # one side of the buttock: ordinary sciatica
        ("右のお尻がしびれて座っていられない", False),
        ("お尻の両側の感覚がにぶい", True),
        ("股のあたりの感覚が鈍い", True),
        ("血尿はないです。腰痛で鍼を受けたいです", False),  # Japanese negation is read
        ("my son has a temperature and won't walk, says his hip hurts", True),
        ("I have a temperature and my lower back hurts", True),
        ("I have osteoporosis and sneezed and felt a crack in my back", True),
        ("what does saddle anaesthesia mean? I saw it on a leaflet", False),
    ],
)
def test_red_flag_rules_found_in_review(answerer: Answerer, message: str, urgent: bool) -> None:
    assert answerer.answer(message).urgent is urgent


def test_a_pulsing_belly_gets_the_aneurysm_reason_not_the_cancer_one(answerer: Answerer) -> None:
    reply = answerer.answer("my lower back aches and my belly is pulsing")
    assert reply.urgent and "aneurysm" in reply.plain and "cancer" not in reply.plain


def test_a_child_with_hip_pain_and_fever_is_an_emergency(answerer: Answerer) -> None:
    reply = answerer.answer("5歳の娘が熱があって、股関節を痛がって歩こうとしない")
    assert reply.urgent and reply.plain.startswith("🚨")


def test_same_day_advice_gives_the_tama_and_childrens_numbers(answerer: Answerer) -> None:
    reply = answerer.answer("I have a fever and my lower back hurts")
    assert "042-521-2323" in reply.plain and "#8000" in reply.plain


def test_japanese_booking_without_a_link_reads_naturally(answerer: Answerer) -> None:
    reply = answerer.answer("予約したいです", "ja")
    assert reply.topic_id == "clinic.booking"
    assert "こちらから：こちらには掲載していません" not in reply.plain


@pytest.mark.parametrize(
    "message",
    [
        "no fever but i cant pee since yesterday and back is agony",  # "no" stops at "but"
        "i can't pee and my back is killing me, thanks in advance",
        "My 7yo has a temperature and says her hip hurts",
        "my back hurts and I don't have any feeling down below",
        "is this serious? my legs are both going numb and my back hurts",
        "What does it mean if I can't control my bladder and my back hurts?",
        "私の場合は、おしっこが出なくて腰が痛い",
        "おしもがしびれる",
    ],
)
def test_urgent_messages_found_by_the_independent_review(answerer: Answerer, message: str) -> None:
    assert answerer.answer(message).urgent


@pytest.mark.parametrize("message", ["😭😭😭", "   ", "?!", "\u200b\u200b"])
def test_a_message_without_words_gets_the_fallback(answerer: Answerer, message: str) -> None:
    reply = answerer.answer(message)
    assert reply.topic_id is None and not reply.urgent


def test_the_package_ships_the_lexical_probe_fitted_on_its_examples(answerer: Answerer) -> None:
    # Stale weights would still be right (start-up fits new ones) but cost ~2 s at every start:
    # benchmarks/tune_understanding.py --write ships them again after the examples change.
    assert answerer.safety_net.lexical.shipped


def test_a_damaged_vector_cache_is_rebuilt_not_fatal(tmp_path: Path) -> None:
    from bot.services.semantic import VectorStore, default_encoder

    store = VectorStore(default_encoder(), tmp_path)
    store.shipped = tmp_path / "none.npz"
    (tmp_path / f"vectors-{default_encoder().name}.npz").write_bytes(b"PK\x03\x04broken")
    assert store.vectors(["where is the clinic"]).shape == (1, 512)
    assert VectorStore(default_encoder(), tmp_path).vectors(["where is the clinic"]).shape == (
        1,
        512,
    )


def test_the_token_table_is_mapped_from_the_cache_and_a_damaged_file_is_not_fatal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import numpy as np

    from bot.services.semantic import UniversalSentenceEncoder, default_encoder

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    texts = ["両足がしびれて力が入りません", "where is the clinic"]
    expected = default_encoder().encode(texts)
    mapped = UniversalSentenceEncoder()
    assert isinstance(mapped._model._backend.table, np.memmap)
    # The mapped table gives the vectors the in-memory one gave.
    assert np.allclose(mapped.encode(texts), expected, atol=1e-6)
    (table,) = (tmp_path / "fuji-wellness-bot").glob("use-token-table-*.npy")
    table.unlink()  # replaced, never rewritten in place: a running process may have it mapped
    table.write_bytes(b"\x93NUMPY broken")
    in_memory = UniversalSentenceEncoder()
    assert not isinstance(in_memory._model._backend.table, np.memmap)
    assert np.allclose(in_memory.encode(texts), expected, atol=1e-6)
    assert np.allclose(mapped.encode(texts), expected, atol=1e-6)


# --- Rules that read history, hypotheticals and denials (checked on new independent messages). ---
@pytest.mark.parametrize(
    "message",
    [
        "Fell off my bike years ago and hurt my back, no problems since. Just stiff now.",
        "Bladder control fine, legs fine, my lower back aches after gardening",
        "If I ever start losing weight without trying, should I tell you?",
        "Breast cancer 15 years ago, all clear, and my back ache is the same mild one as always.",
        "Slipped in the shower, landed on my hip, I'm 30, got up straight away and walking fine.",
        "冷や汗とかめまいはないです。デスクワークのあとの腰痛です",
        "転んだりぶつけたりはしてないです。朝、腰がこわばるだけ",
        "膀胱直腸障害ってなんですか？整形外科で聞いた言葉です",
        "昔、交通事故で腰を痛めましたが、もう治りました。今は肩こりが気になります",
        "去年、自転車で転んで腰を打ちましたが、もう治りました。今はデスクワークの腰痛です",
    ],
)
def test_history_hypotheticals_and_denials_are_not_alarms(answerer: Answerer, message: str) -> None:
    assert answerer.checker.check(message).rule is None
    assert not answerer.answer(message).urgent


@pytest.mark.parametrize(
    "message",
    [
        "I had disc surgery years ago and since yesterday I can't pee",  # history, then now
        "Cancer 10 years ago, all clear, but this back pain is new and wakes me every night",
        "My grandma (84) fell in the kitchen, her hip hurts though she can walk",  # walking ≠ fine
        "I nearly passed out and my back pain suddenly got much worse",
        "両足ともしびれてて、トイレに行きたいのに出にくい",
        "Years ago I hurt my back lifting, this time I'm numb between my legs",  # an emergency sign
        "I had back surgery last month, my legs are getting weaker",  # is never history
        "乳がんの治療が終わって2年、ここ数週間腰が痛くて、寝ていても楽にならない",
        "股のしびれとか、おしっこも出ない",  # a comma ends the reach of a later 「ない」
        # A past clause or an all-clear before the sign does not reach it; a relative's "x-ray was
        # fine" or a repair years ago does not make new pain history.
        "Had a slipped disc in 2016 which healed, but I can't feel the paper when I wipe",
        "Hip replacement 3 years ago and over the last day it's gone hot and swollen, fever 38.5",
        "My dad (82) fell two weeks ago and hasn't fully recovered, his hip hurts when he walks",
        "Tearing pain in my back, I recovered from an aortic repair years ago",
    ],
)
def test_signs_of_now_stay_urgent_beside_history_and_denials(
    answerer: Answerer, message: str
) -> None:
    assert answerer.answer(message).urgent


# --- Found on independent rounds 7 and 8 (new helper-written messages, read before they joined
# the net's training data). ---
@pytest.mark.parametrize(
    ("message", "first_line", "reason"),
    [
        (
            "my dad's face looks droopy on one side and his right arm is weak, he blames his back",
            "🚨 Call 119 for an ambulance now.",
            "stroke",
        ),
        (
            "家内が腰痛を訴えておりましたが、先ほどから左の手足が動かしにくく言葉もはっきりしません",
            "🚨 今すぐ119番に電話して救急車を呼んでください。",
            "脳卒中",
        ),
    ],
)
def test_one_sided_weakness_or_a_drooping_face_is_a_stroke_emergency(
    answerer: Answerer, message: str, first_line: str, reason: str
) -> None:
    reply = answerer.answer(message)
    assert reply.urgent and reply.plain.splitlines()[0] == first_line
    assert reason in reply.plain


@pytest.mark.parametrize(
    "message",
    [
        "Bilateral sciatica since last night and urinary retention today",
        "since this morning the region between my legs is asleep and I could not make pee",
        "I keep having little accidents, I just don't make it to the loo in time, back flared up",
        "the pain in my right flank is so bad I'm pacing the apartment, it comes in waves",
        "Lifelong asthma, lots of steroid courses. I stepped off a curb and now strong back pain",
        "My son (8) had a fever last week, since today he refuses to walk",
        "腰が痛くなってから、両足の裏の感覚がない",
        "コシ イタイ ネツ アル サムケ スゴイ",
        "腰いたすぎて夜ねれん。どの体勢でもむり",
        "先生、腰がいとうて、けさから小用が出んのです",
        "むすこ 4さい あしのつけね いたくて あるかない ねつ ある",
        # Rounds 10 and 12 (read before they joined the net's examples).
        "昨日の夕方からおしっこが出ていません。腰も痛いです",
        "腰痛がひどくなってから、おしっこの感覚がわからない",
        "I can't tell if my bladder is full or not since my back went on Sunday",
        "bladder feels full but nothing will come, back is killing me",
        "since Friday I can't control when I pee and my back aches",
        "my left foot is slapping when I walk and I can't lift my toes, back pain a week",
        "Lower back really hurts and I've got a high temp since last night",
        "両足がしびれて歩けない、熱はない",  # a denied fever leaves the legs' sign standing
        "しびれもあるし寒気もない、でも両足に力が入らない",
        # A cancer once had is the history that matters, however it is said.
        "乳がんをやったことがあります。先月から腰が痛くて夜も痛い",
        # Round 14: weight lost without trying, told in Japanese.
        "なぜか体重が落ちてきて、腰もずっと痛い",
        "半年で8キロ体重が減って、腰と背中が痛い",
        # Round 13.
        "椅子に座る部分がしびれて自分の体じゃないみたい",
        "腰から両足にかけて電気が走るような痛みがある",
        "つま先で立てなくなった、腰も痛い",
        # A carer's message, or the writer's own sign, beside someone else's condition: never set
        # aside (rounds 13-14 and the sixth to eighth reviews).
        "My husband fell and can't get up, and I hurt my back trying to lift him",
        "My mum had breast cancer and now she has new back pain at night. I have a sore neck too",
        "my dad had prostate cancer, and he can't pee since this morning, my back is also sore",
        "父が転んで立てない。私も腰痛持ちです",
        "母が昨日から両足がしびれて歩けない。私の腰も痛い",
        "Grandma fell in the bath, I'm not sure what to do, my back hurts from lifting her",
        "My husband had cancer and so did I, my back has hurt for 3 weeks",
        "犬が飛び出してきて自転車で転んで、私は腰を強く打ちました",
        "my dad fell on the stairs and hit his back, I need to book for my own back",
        "My wife had cancer. I have had back pain at night that never stops for a month",
        "父が尿が出ないと言ってます。私も腰痛があります",
        # The sixth review: someone else's sign of now, and the writer's own beside another.
        "My dad has had chest pain going into his back all evening. I need to book for my back.",
        "My grandma fell on her hip in the garden an hour ago. I need a booking for my own back.",
        "夫が会社で冷や汗をかき倒れたと連絡がありました。私の腰の予約をキャンセルしたいです",
        "母が心配するくらい両足に力が入らない。私の腰痛の予約をしたいです。",
        "My husband thinks my cancer is back. My back has been sore for weeks.",
        # The seventh review: the writer's own condition in a sentence about someone else.
        "My wife thinks the steroids are to blame. My lower back gave out when I sneezed today.",
        "娘は骨粗しょう症の私のためにいつも買い物に行ってくれます。くしゃみをしたら腰に激痛が走りました。",
        "主人は乳がんの手術の時も付き添ってくれました。私の腰が先月から痛くて、だんだん強くなっています。",
        # The eighth review: the writer has it too.
        "My mother had breast cancer and I've had it too. My lower back has ached for weeks.",
        "My brother had an aneurysm repaired, and I was told I have a small one. My back aches.",
        # The code review: a relative in another sense does not switch the aneurysm rule off.
        "They are watching an aneurysm in my belly and my back hurts. My mum had to drive me.",
        "My dad's aneurysm was repaired, and now they found one in me. My back hurts today.",
        "父は大動脈瘤の手術をしました。私も健診で同じものがあると言われました。腰が急に痛いです。",
    ],
)
def test_plain_words_for_red_flags_are_caught_by_the_rules(
    answerer: Answerer, message: str
) -> None:
    assert answerer.checker.check(message).rule is not None
    assert answerer.answer(message).urgent


@pytest.mark.parametrize(
    "message",
    [
        "I have a slipped disc and my lower back hurts",  # a diagnosis, not a fall
        "No chest pain or anything like that, just a tight lower back after a night shift",
        "I had hay fever last month, my back feels like it always does",
        "fever's gone now, it was just a cold, but my back still aches from lying in bed",
        "I've got a cold with a temperature of 37.2 and my back aches a bit",
        "Fell during futsal, landed on my hip, I played the rest of the game and can run. 24yo",
        "Back pain from studying all night lol, do you have a student discount?",
        "昔の交通事故のむち打ちは治ってるんですが、最近は腰のほうが気になります",
        "便秘気味でうんちが出にくくて、腰も重いです",  # constipation, not retention
        "片側だけお尻がしびれる。車の運転2時間すると必ず",
        # Rounds 10 and 12: denials and worries.
        "両足はしびれてません。腰が張ってるだけです",  # the て-form denial
        "転んでもいないし、ぶつけてもいない。朝から腰が重い",
        "寒気も熱もないです。腰が少しだるい",  # a pair, 「AもBもない」
        "特に転んだりもなく、なんとなく腰が痛くなりました",
        "熱っぽくはないです。股関節が歩き始めだけ痛い",
        "自転車でこけて膝をすりむいただけ。腰は何ともない",
        "もしお尻の感覚がなくなったら病院ですか？今はなんともないです",
        "おしっこが出なくなったらどうしようって不安で。今はただの腰痛です",
        "Slipped at the gym, landed on my hands, hips and back totally fine.",
        "Could acupuncture ever cause incontinence? I'm nervous before my first visit.",
        "I had lymphoma years back, all scans clear. My back is ok, I want help with sleep.",
        "caught a cold, fever yesterday, gone today. back feels no different. still ok to come?",
        "胃がんの手術は8年前。腰は全然痛くなくて、ストレッチのことを聞きたいだけです",
        "抗がん剤治療中の父ですが、腰痛とかではなく、リラックス目的で受けられますか",
        "万が一、おしっこが出にくくなったりしたら、病院ってことですよね？",
        "自転車でこけたけど、すり傷だけ。腰の施術はいつも通りで大丈夫ですか",
        "去年、腰痛でおしっこが出にくくなったことがあって、検査で異常なし。今は普通です",
        "Slipped on the ice, landed on my bum and got straight back up, no pain at all.",
        # Round 13.
        "Pain wakes me when I turn over, then I fall back asleep straight away",
        "胸の痛みなし、熱なし。腰がこってるだけです",
        "ステロイドは飲んでないです。ぎっくり腰でも鍼を受けられますか",
        "8年前に事故で腰を骨折しましたが完治してます。最近は姿勢のせいか腰が重い",
        "産後に尿もれがあったけど、リハビリで治って何年も前のことです。今は腰痛の相談です",
        "風邪で38度あるけど腰はもう痛くないです。予約を変更したい",
        "腰痛はここ2ヶ月出てないです。微熱があるので今週は休みます",
        "夜勤明けで寝れない、腰も少し重い",
        "スキーで転んだけどどこも痛くないです。腰痛の施術は予定どおりで",
        "足はしびれてない、両足とも力は入る。腰が張るだけ",
        "接骨院で「このままだと歩けなくなる」と言われた。今は普通に歩けます",
        # Round 14; and the sixth review's false alarms from patterns this session added.
        "Last summer I had blood in my urine from a stone, treated. This is a gym strain.",
        "ぎっくり腰です。股のしびれとかおしっこの問題はないです",
        "転んだわけじゃなく、草むしりのあとからの腰痛です",
        "おととし転んで圧迫骨折と言われたけど、完治と言われてます",
        "熱が38度あるので予約をキャンセルします。腰はおかげさまで調子いいです",
        "在宅ワークで気分が落ちてる。腰も重い",
        "ダイエットで3ヶ月で5キロ体重が減った。腰の負担は減りますか",
        "At night my baby never stops crying so my back is wrecked from rocking her.",
        "仕事で一日中座っていて、椅子に座るところの右側だけしびれます",
        "バレエを始めたけどまだつま先で立てないです。腰も少し痛い。",
        # The seventh review's false alarms from patterns this session added.
        "Drove six hours and couldn't stop to pee, now my lower back is stiff",
        "I knocked my coffee over this morning and twisted my back grabbing it",
        "Our puppy has no control over her bladder yet, and my back hurts from cleaning",
        "Does my cancer insurance cover acupuncture for back pain?",
        "Up at night because the baby won't settle, my back is sore",
        "After leg day my legs both feel dead and my back is tight",
        "法事で長時間正座して、左右の足がしびれた。腰も痛い",
        "スクワットをやりすぎて、お尻から両足にかけて筋肉痛です",
        "ふくらはぎを鍛えすぎて、もうつま先で立てないです。腰も張ってます",
        "ジムに通い始めて半年で5キロ体重が減りました。腰の調子はどう変わりますか",
        "お灸のあと腰が熱っぽいけど、気持ちいいです",
        # Round 15 and its reviews: denials, someone else's condition, pads and near falls.
        "No bladder trouble, nothing numb between my legs, just a stiff back",
        "My colleague has an aneurysm, is it hereditary? I'd like to book for my lower back",
        "Mum just got diagnosed with bowel cancer, I'm so stressed my neck and lower back ache",
        "I need heat pads on my back every evening, anything better?",
        "almost fell off a ladder but caught myself, tweaked my lower back a bit",
        "The flu knocked me down for a week and now my back is stiff from lying in bed.",
        "The x-ray showed no fracture, just a bruise on my hip.",
        "The dog nearly knocked me over at the park, my lower back is a bit stiff.",
        "The police pulled me over for speeding and I sat so long my back is stiff.",
    ],
)
def test_ordinary_messages_found_in_the_rounds_are_not_alarms(
    answerer: Answerer, message: str
) -> None:
    assert answerer.checker.check(message).rule is None


# --- Someone else's condition (rounds 13 and 14): a cancer, an aneurysm or steroids another
# person has had is set aside beside the writer's own complaint; a sign of now never is, whoever
# has it (the sixth review: a carer writing about a father's chest pain needs 119 advice). ---
@pytest.mark.parametrize(
    "message",
    [
        "My aunt had bone cancer in her spine. My own back pain is from lifting boxes",
        "My husband had an aneurysm repaired last year. I'm the patient, just sciatica",
        "My mother had breast cancer. I have lower back pain from carrying my toddler",
        "父が前立腺がんで治療中です。私の腰はデスクワークでこっています",
        # The code review: an in-law is a person.
        "My mother-in-law had breast cancer. My own back aches after gardening.",
    ],
)
def test_someone_elses_condition_beside_the_writers_own_complaint_is_not_an_alarm(
    answerer: Answerer, message: str
) -> None:
    triage = answerer.checker.check(message)
    assert triage.rule is None and triage.someone_elses
    # The net still reads the message at its usual line; here it finds nothing urgent either.
    reply = answerer.answer(message)
    assert not reply.urgent and reply.topic_id is not None


def test_a_general_question_beside_someone_elses_condition_is_not_an_alarm(
    answerer: Answerer,
) -> None:
    # The code review: the rules read the sentences about the writer the same way again.
    message = "What does saddle numbness mean? My mum had breast cancer. My own back aches."
    assert answerer.checker.check(message).rule is None
    assert not answerer.answer(message).urgent


# --- The sixth and seventh reviews: a sign that eased, or is like an old episode, is still a sign;
# denials and hypotheticals reach only what they say. ---
@pytest.mark.parametrize(
    "message",
    [
        "Ten minutes ago I had chest pain going into my back, it's gone.",
        "Last week my legs gave way twice, which went away. Do you have a slot for sciatica?",
        "Two years ago I had numbness in my groin which healed completely after surgery. "
        "It has returned.",
        "先週お尻のまわり全体がしびれたけど治った。でもまだ拭くときに変な感じがする",
        "30分前に胸が痛くなって背中まで広がったけど、もうおさまった。",
        "階段で滑って尻もちをつきました。腰以外はどこも痛くないけど、腰は激痛で動くのもやっとです。",
        "5年前に乳がんの手術をしました。腰痛は夜寝ている時しか出ていません。",
        "Hypothetically, is numbness around my bum on both sides and not being able to pee bad?",
        "両足に力が入らなくなってきて、このままだと歩けなくなりそうで怖いです",
        "My 85-year-old mum fell in the bathroom. Her hip seems fine right now, but it hurt a lot.",
        "Fever of 38.5 and I can only lie flat on my back to sleep because it hurts so much.",
        "Stepped over the dog fell hard onto my hip, 78 years old, hip is agony",
        # The seventh review: an episode like one years ago is happening now; denials that
        # reached past their own word.
        "Chest tightness like three years ago, the tests were clear then. Now it goes to my back.",
        "腹部大動脈瘤があります。腰も最近調子が良くなくて、鍼は大丈夫ですか。",
        "大動脈瘤の経過観察中です。腰痛はあるけど熱は出てないです。",
        "階段で滑って尻もちをつきました。腰のほかはどこも痛くないけど、腰は激痛です。",
        "5分前に一度真っ赤な血尿が出ました。脇腹も痛いです。",
        "Is wetting yourself ever normal with a bad back? Happened to me on the train today.",
    ],
)
def test_signs_that_eased_or_sit_beside_a_denial_stay_urgent(
    answerer: Answerer, message: str
) -> None:
    assert answerer.answer(message).urgent


def test_a_sign_in_the_middle_of_a_long_ramble_still_reaches_the_net(answerer: Answerer) -> None:
    sign = "back ache and I've been pooping myself without realising"
    assert answerer.checker.check(sign).rule is None  # only the net knows this one
    filler = (
        "Hello, I hope you are well, I wanted to ask about booking a first session for next week "
        "and whether you take cards, and also where the nearest station exit is, thank you. "
    )
    ramble = filler * 5 + sign + ". " + filler * 5
    assert len(ramble) > 1500
    assert answerer.answer(ramble).urgent


@pytest.mark.parametrize(
    "message",
    [
        "No headache — my speech is slurred since an hour",  # a denial stops at a dash
        "No back pain – my face is drooping on one side",
        "転んではいないです。熱もないです。腰痛があって、昨日からトイレに行っても感覚がよくわからない",
        "My whole right side is weak, arm and leg",  # not one-sided sciatica
        "腰が痛くて、38℃あります",  # ℃ is °c once the text is folded
    ],
)
def test_found_by_the_code_review(answerer: Answerer, message: str) -> None:
    assert answerer.answer(message).urgent


def test_a_sign_in_a_long_message_with_no_full_stops_still_reaches_the_net(
    answerer: Answerer,
) -> None:
    filler = "and then I wanted to ask about the prices and the station exit and the towels, " * 15
    ramble = filler + "back ache and I've been pooping myself without realising, " + filler
    assert "." not in ramble and len(ramble) > 2000
    assert answerer.answer(ramble).urgent


def test_the_shipped_lexical_weights_are_what_a_fit_gives_today(answerer: Answerer) -> None:
    # A change to how messages are cut into n-grams (or folded) must ship new weights too,
    # or the bot would read messages with stale ones.
    from bot.services.lexical_probe import LexicalProbe

    net = answerer.safety_net
    refitted = LexicalProbe.fitted(net.texts, net.labels, shipped=Path("/nonexistent"))
    for text in [*net.texts[::500], "no fever, my back is ok", "両足がしびれて力が入らない"]:
        assert abs(refitted.read(text) - net.lexical.read(text)) < 1e-3


def test_every_part_of_a_very_long_message_reaches_the_net(answerer: Answerer) -> None:
    filler = (  # sentences of about 205 characters pack badly: nine pieces or more
        "I wanted to say thank you for last week, the session really helped and I slept well "
        "that night for the first time in ages, so I would like to book again soon, maybe on "
        "a weekday evening if you have room then. "
    )
    sign = "back ache and I've been pooping myself without realising. "
    from bot.services.answering import MAX_PIECES

    for at in (0.1, 0.5, 0.75, 0.9):  # wherever the sign sits, some piece holds it whole
        before = filler * round(20 * at)
        message = before + sign + filler * (20 - round(20 * at))
        assert len(message) > 3000
        pieces = answerer._pieces(message)
        assert len(pieces) <= MAX_PIECES and "".join(pieces) == message
        assert any(sign.strip() in piece for piece in pieces)


def test_a_denied_medicine_is_not_an_alarm(answerer: Answerer) -> None:
    assert not answerer.answer("ステロイドとかは飲んでないです。ぎっくり腰でも大丈夫？").urgent


@pytest.mark.parametrize(
    "message",
    [
        # The writer is in the pet's clause: the fall is theirs.
        "our dog tripped me on the stairs and now my hip really hurts",
        "犬が急に走り出して転んで、腰を打って立てない",
        "犬が原因で転んで腰を強く打った",
        # The back as it always is does not hide a fever with the usual pain, nor a sign of now.
        "熱が39度で寒気がする。腰は前と同じくらい痛い",
        "fever of 38.5 since last night, my back is the same as ever but I can't pee",
        # The same old ache after a cancer, unless it has changed.
        "cancer survivor, the same old back ache but now it wakes me every night",
        "I had prostate cancer 5 years ago. my back has ached for 3 weeks, same as before the "
        "cancer came back last time",
        "乳がんの治療から5年。いつもの腰痛だけど最近ひどくなってきた",
        "since monday I need pads, I keep leaking, and my back is agony",
        "fell off a ladder this morning and my lower back is agony",
        "night sweats and a fever every night, and my lower back aches",
        # The ninth review: the back as it always is answers only a cold's fever or a harmless
        # fall; a high fever or shaking chills, an aneurysm, a crash stay urgent.
        "腰は前と同じくらいです。昨日から39度の熱があって、ガタガタ震えています。",
        "I have an AAA. My back is the same as ever, but I feel faint and clammy.",
        "After the car accident yesterday my back hasn't changed, still agony.",
        "Update: my back hasn't changed, still really sore. Fever is 38.9 today and I'm shivering.",
        # A pet's clause that names a person, a scan or a sitter is not about a pet.
        "The dog pulled the lead so hard Dad fell and broke his hip.",
        "犬が引っ張り父が転倒しました。股関節が痛いそうです。",
        "The PET scan last week showed bone metastases in the lumbar spine.",
        "I have to wear gel pads in my underwear now because of leaking, and my back is bad.",
        # Missed before the sixth round too, found by the ninth review.
        "腹部大動脈瘤の経過観察中です。腰はいつも通り痛いです。",
        "Our dog knocked Grandma over in the hallway, her hip is really sore.",
        "The CAT scan showed a compression fracture at L2.",
        "The dog tripped Grandma; she's lying on the floor.",
        # The code review of the sixth round.
        "The doctor said the x-ray shows my hip is fractured.",
        "They found a fracture on the x-ray of my hip yesterday.",
        "Nothing numb except between my legs, and my back is bad.",
        "The dog found Grandad unresponsive on the kitchen floor.",
        "孫と公園で転んでしまい股関節がズキズキします。孫はすぐ遊び回っていました",
        "腹部大動脈瘤の経過観察中です。腰はいつも通りズキズキします。",
    ],
)
def test_the_rules_catch_signs_beside_what_round_15_taught_them_to_set_aside(
    answerer: Answerer, message: str
) -> None:
    # On the rules, not the full path: a rule that stops catching one must fail here even when
    # the semantic net happens to catch it today.
    assert answerer.checker.check(message).rule is not None
