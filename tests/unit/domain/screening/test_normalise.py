"""Words as meant: look-alikes, digits, masks, repeats and spaced-out letters, in place."""

from __future__ import annotations

from app.domain.screening.normalise import deobfuscate, look_alike, squeeze, words


def test_latin_look_alikes_inside_a_russian_word_become_cyrillic() -> None:
    assert deobfuscate("xyй") == "хуй"
    assert deobfuscate("Шaлaвa") == "шалава"


def test_an_all_latin_word_is_transliterated_and_read_as_look_alikes() -> None:
    assert deobfuscate("pizdec") == "пиздец"
    assert deobfuscate("blyat") == "блят"
    assert look_alike("cyka") == "сука"
    assert look_alike("hello") is None  # «l» has no look-alike


def test_digits_stand_for_letters_only_inside_words() -> None:
    assert deobfuscate("пи3дец") == "пиздец"
    assert deobfuscate("6ля") == "бля"
    assert deobfuscate("бл9") == "бля"
    assert deobfuscate("2024") == "2024"


def test_repeated_letters_are_squeezed() -> None:
    assert squeeze("хуууй") == "хуй"
    assert squeeze("ссука") == "сука"


def test_masked_word_keeps_a_pattern_of_the_hidden_letters() -> None:
    (word,) = words("п*здец")
    assert word.mask is not None
    assert word.mask.fullmatch("пиздец")
    assert not word.mask.fullmatch("подъезд")


def test_spaced_letters_are_joined_only_into_a_known_word() -> None:
    text = "ну х у й  вам, а в и с не трогаем"
    found = list(words(text, known=lambda w: w == "хуй"))
    joined = [w for w in found if w.norm == "хуй"]
    assert len(joined) == 1
    assert text[joined[0].start : joined[0].end] == "х у й"
    assert [w.norm for w in found if len(w.norm) == 1] == ["а", "в", "и", "с"]


def test_offsets_point_at_the_word_as_written() -> None:
    text = "Вы там все о***ели? Пи3дец, xyйня!"
    for word in words(text):
        assert text[word.start : word.end] == word.raw
    assert [w.raw for w in words(text)][-3:] == ["о***ели", "Пи3дец", "xyйня"]


def test_hyphen_and_dot_split_real_words_but_not_spelled_out_letters() -> None:
    assert [w.norm for w in words("чиновники-воры")] == ["чиновники", "воры"]
    assert [w.norm for w in words("х-у-й")] == ["хуй"]
    assert [w.norm for w in words("плохо.сука")] == ["плохо", "сука"]
