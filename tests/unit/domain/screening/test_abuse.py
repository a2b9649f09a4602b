"""Abuse and threat flags (Penza p.17, Parfino p.20): what is flagged, what never is, and where."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.screening import abuse
from app.domain.screening.result import Assessment
from app.screening.detectors import flag_abuse
from app.screening.lexicons import abuse_lexicon
from app.screening.morphology import lemma

OBSCENE = "obscene_language"
INSULT = "insulting_language"
HARM = "harm_intent"
THREAT = "threat_to_official"


def lexicon_flags(text: str) -> tuple[str, ...]:
    """The lexicon's verdict alone (no model): the rules these tests pin down."""
    return abuse.flag_abuse(text, abuse_lexicon(), lemma).flags


# The words off-the-shelf Russian profanity filters flag because a root hides inside them.
INNOCENT = [
    "скипидар",
    "оскорблять",
    "употребляют",
    "застрахуйте",
    "хлебал",
    "психует",
    "сукно",
    "тебя",
    "себе",
    "корабля",
    "рубля",
    "мудрый",
    "мандарин",
    "мандат",
    "хулиган",
    "вебинар",
    "небо",
    "похудеть",
    "бляха",
    "херес",
    "сучок",
    "потребляет",
    "колебля",
    "страхуй",
    "ансамбля",
    "психуй",
    "учеба",
    "погреб",
    "требуют",
    "команда",
]


@pytest.mark.parametrize("word", INNOCENT)
def test_no_match_inside_ordinary_words(word: str) -> None:
    assert flag_abuse(f"Прошу разобраться: {word}.")[0] == ()


@pytest.mark.parametrize(
    "text",
    [
        "Администрация бездействует!",
        "Позор городу, дороги ужасные.",
        "Безобразие, чиновники ничего не делают.",
        "Сколько можно терпеть это издевательство над жителями?",
        "Глава района, примите меры, это невыносимо!",
        "Вы обещали отремонтировать дорогу ещё весной, где ремонт?",
        "Коза соседа опять ест цветы на клумбе",
        "Бродячие собаки кидаются на людей, уберите их",
        "Убрать поваленное дерево, чуть не убило прохожего",
        "Сожгли мусор во дворе, дышать нечем",
    ],
)
def test_criticism_and_complaints_are_not_abuse(text: str) -> None:
    assert flag_abuse(text) == ((), ())


@pytest.mark.parametrize(
    "text",
    [
        "Да сколько можно, б***, опять яму не засыпали!",
        "Вы там все о***ели?",
        "п*здец какой-то",
        "х@й вам, а не ремонт",
        "х у й вам",
        "с у к а, опять",
        "xyйня",
        "пи3дец",
        "хуууй",
        "ПИЗДЕЦ!!!",
        "заебали уже",
        "отъебитесь",
        "бл9ть",
        "блядь",
        "cyka",
    ],
)
def test_obscene_words_are_flagged_however_disguised(text: str) -> None:
    flags, evidence = flag_abuse(text)
    assert OBSCENE in flags
    assert all(text[e.start : e.end] == e.fragment for e in evidence)


@pytest.mark.parametrize(
    "text",
    [
        "Чиновники — бездельники и ворюги",
        "В администрации одни дармоеды",
        "Мэр идиот",
        "дебилы",
        "вы козлы",
        "ты тупой",
    ],
)
def test_insults_are_flagged(text: str) -> None:
    assert INSULT in flag_abuse(text)[0]


def test_a_weak_insult_needs_someone_it_is_said_to() -> None:
    assert lexicon_flags("Козёл соседа бодает детей") == ()
    assert lexicon_flags("Вы козлы, а не власть") == (INSULT,)


@pytest.mark.parametrize(
    ("text", "flags"),
    [
        ("Убью", (HARM,)),
        ("убьём всех", (HARM,)),
        ("Сожгу администрацию", (HARM, THREAT)),
        ("Мэр, тебе конец", (THREAT,)),
        ("Встречу у подъезда, глава", (THREAT,)),
        ("Встречу тебя у подъезда", (HARM,)),
        ("Знаю, где ты живёшь", (HARM,)),
        ("Ещё раз поставит машину на газон — я ему колёса проткну", (HARM,)),
        ("Приду к главе домой и разберусь лично", (THREAT,)),
        ("Взорву эту контору, депутат", (HARM, THREAT)),
    ],
)
def test_threats_are_phrases_and_an_official_nearby_makes_them_threats_to_an_official(
    text: str, flags: tuple[str, ...]
) -> None:
    assert flag_abuse(text)[0] == flags


def test_verbs_that_are_not_first_person_threats_are_not_flagged() -> None:
    for text in (
        "Чуть не убило током",
        "Убить время в очереди",
        "Прибью полку сам",
        "Дети сожгли траву",
        "Убили парк вырубкой",
    ):
        assert lexicon_flags(text) == (), text


def test_evidence_explains_in_russian_and_points_at_the_fragment_as_written() -> None:
    text = "Мэр, я тебя сожгу вместе с мэрией!"
    flags, evidence = flag_abuse(text)
    assert THREAT in flags
    threat = next(e for e in evidence if e.code == THREAT)
    assert text[threat.start : threat.end] == threat.fragment
    assert threat.why_ru.startswith("угроза должностному лицу: „")
    assert "„Мэр“" in threat.why_ru or "„мэрией“" in threat.why_ru


def test_the_model_adds_an_insult_the_lexicon_does_not_know_with_its_words() -> None:
    text = "ну ты и овощ тупорогий"
    assert lexicon_flags(text) == ()
    flags, evidence = flag_abuse(text)
    assert flags == (INSULT,)
    assert all(text[e.start : e.end] == e.fragment for e in evidence)
    assert "модель" in evidence[0].why_ru


@pytest.mark.parametrize(
    "text",
    [
        '<script>alert("x")</script> <img src=x onerror=alert(1)> javascript:alert(2)',
        "https://vk.com/wall-1_2?reply=3 x y z onerror",
    ],
)
def test_markup_and_latin_noise_are_not_read_as_insults(text: str) -> None:
    # The model learned Russian comments; a hostile payload is not an insult (it was: «x»).
    assert flag_abuse(text) == ((), ())


COMPLAINT_WORDS = [
    "дорога",
    "яма",
    "во",
    "дворе",
    "не",
    "вывозят",
    "мусор",
    "нет",
    "света",
    "подъезд",
    "администрация",
    "глава",
    "мэр",
    "чиновники",
    "ремонт",
    "когда",
    "почему",
    "уже",
    "неделю",
    "третий",
    "день",
    "позор",
    "безобразие",
    "ужасно",
    "дети",
    "школа",
    "автобус",
    "вы",
    "обещали",
    "снег",
    "лёд",
    "тротуар",
    "фонарь",
    "детская",
    "площадка",
    "трубы",
    "отопление",
    "холодно",
    "вода",
    "ржавая",
    "просим",
    "разобраться",
    "срочно",
    "жители",
    "дома",
    "улица",
]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(COMPLAINT_WORDS), min_size=1, max_size=25))
def test_texts_of_ordinary_complaint_words_are_never_flagged(words: list[str]) -> None:
    assert lexicon_flags(" ".join(words)) == ()


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=200))
def test_evidence_always_lies_within_the_text(text: str) -> None:
    _, evidence = flag_abuse(text)
    for e in evidence:
        assert 0 <= e.start < e.end <= len(text)
        assert text[e.start : e.end] == e.fragment


OBSCENE_WORDS = ["хуй", "пиздец", "блядь", "сука", "ебать", "мудак", "залупа"]


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(OBSCENE_WORDS),
    st.sampled_from([" ", "*", ".", "-", "  "]),
    st.sampled_from(["Опять ", "", "Ну "]),
)
def test_spacing_out_a_lexicon_word_still_flags_it(word: str, gap: str, before: str) -> None:
    text = before + gap.join(word) + " вам"
    assert OBSCENE in lexicon_flags(text), text


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(OBSCENE_WORDS), st.data())
def test_masking_a_letter_still_flags_the_word(word: str, data: st.DataObject) -> None:
    i = data.draw(st.integers(1, len(word) - 2))
    mask = data.draw(st.sampled_from(["*", "@", "#", "**"]))
    text = f"Это {word[:i]}{mask}{word[i + 1 :]} какой-то"
    assert OBSCENE in lexicon_flags(text), text


def test_flags_and_evidence_are_stored_and_read_back_as_plain_json() -> None:
    flags, evidence = flag_abuse("Мэр, тебе конец, п*здец")
    stored = json.loads(json.dumps(Assessment(flags=flags, evidence=evidence).to_json()))
    assert stored["flags"] == ["obscene_language", "threat_to_official"]
    assert Assessment.from_json(stored) == Assessment(flags=flags, evidence=evidence)
