"""The external signer's command template (app.domain.signature.command)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.signature.command import (
    MAX_ARGUMENTS,
    MAX_LENGTH,
    CommandTemplateError,
    fill_command,
    parse_command_template,
)

CRYPTCP = "cryptcp -sign -detached -der -thumbprint 0a1b2c {in} {out}"


def refusal(text: str) -> CommandTemplateError:
    with pytest.raises(CommandTemplateError) as caught:
        parse_command_template(text)
    return caught.value


# -- what a template may be --------------------------------------------------------------


def test_a_cryptcp_template_splits_into_its_words() -> None:
    assert parse_command_template(CRYPTCP) == (
        "cryptcp",
        "-sign",
        "-detached",
        "-der",
        "-thumbprint",
        "0a1b2c",
        "{in}",
        "{out}",
    )


def test_placeholders_may_sit_inside_a_larger_argument() -> None:
    args = parse_command_template("csptest -sfsign -sign -in={in} -out={out} -my 'Иванов'")
    assert args == ("csptest", "-sfsign", "-sign", "-in={in}", "-out={out}", "-my", "Иванов")


def test_quotes_and_backslashes_follow_the_shell() -> None:
    args = parse_command_template("'/opt/cprocsp/bin/amd64/cryptcp' -pin \"1 2\" a\\ b {in} {out}")
    assert args == ("/opt/cprocsp/bin/amd64/cryptcp", "-pin", "1 2", "a b", "{in}", "{out}")


def test_shell_syntax_is_only_words() -> None:
    # No shell runs the command: `;`, `|`, `$(…)` and `#` reach the program as arguments.
    args = parse_command_template("signer {in} {out}; rm -rf / # $(id) | cat")
    assert args == (
        "signer",
        "{in}",
        "{out};",
        "rm",
        "-rf",
        "/",
        "#",
        "$(id)",
        "|",
        "cat",
    )


def test_an_absolute_program_path_and_a_tab_are_accepted() -> None:
    assert parse_command_template("/usr/bin/signer\t{in}\t{out}") == (
        "/usr/bin/signer",
        "{in}",
        "{out}",
    )


def test_lone_braces_are_not_placeholders() -> None:
    assert parse_command_template("signer -x a{b c}d {in} {out}")[2:4] == ("a{b", "c}d")


def test_the_longest_and_widest_templates_allowed() -> None:
    words = ["signer", "{in}", "{out}"] + ["-v"] * (MAX_ARGUMENTS - 3)
    assert len(parse_command_template(" ".join(words))) == MAX_ARGUMENTS
    long = "signer {in} {out} " + "x" * (MAX_LENGTH - len("signer {in} {out} "))
    assert len(long) == MAX_LENGTH
    assert parse_command_template(long)[-1] == "x" * (MAX_LENGTH - 18)


# -- what is refused, and what the operator reads ----------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("cryptcp -sign {in}", "В шаблоне команды нет {out}: куда записать подпись."),
        ("cryptcp -sign {out}", "В шаблоне команды нет {in}: какой файл подписать."),
        (
            "cryptcp {in} {in} {out}",
            "В шаблоне команды {in} встречается 2\u00a0раза, а нужен один раз.",
        ),
        (
            "cryptcp {in} {out} {out} -o={out} {out} {out}",
            "В шаблоне команды {out} встречается 5\u00a0раз, а нужен один раз.",
        ),
        (
            "cryptcp -pin {pin} {in} {out}",
            "В шаблоне команды неизвестная подстановка {pin}: допустимы только {in} "
            "(файл документа) и {out} (файл подписи).",
        ),
        (
            "cryptcp {file} {} {in} {out}",
            "В шаблоне команды неизвестная подстановка {file}, {}: допустимы только {in} "
            "(файл документа) и {out} (файл подписи).",
        ),
        ("", "В шаблоне команды не указана программа подписи."),
        ("   \t ", "В шаблоне команды не указана программа подписи."),
        ("'' {in} {out}", "В шаблоне команды не указана программа подписи."),
        (
            "{in} {out}",
            "Первое слово шаблона — программа подписи; подстановки {in} и {out} ставьте "
            "в аргументы после неё.",
        ),
        (
            "bin/cryptcp {in} {out}",
            "Программу подписи укажите по имени (из PATH) или полным путём от «/», "
            "а не «bin/cryptcp».",
        ),
        (
            "cryptcp 'unclosed {in} {out}",
            "В шаблоне команды не закрыта кавычка или строка кончается обратной косой чертой.",
        ),
        (
            "cryptcp {in} {out} \\",
            "В шаблоне команды не закрыта кавычка или строка кончается обратной косой чертой.",
        ),
        (
            "cryptcp {in}\n{out}",
            "Шаблон команды должен быть одной строкой, без переводов строки.",
        ),
        ("cryptcp {in}\r{out}", "Шаблон команды должен быть одной строкой, без переводов строки."),
        (
            "cryptcp {in} {out}\x00",
            "В шаблоне команды недопустимый управляющий символ (код 0).",
        ),
        (
            "cryptcp \x1b[31m {in} {out}",
            "В шаблоне команды недопустимый управляющий символ (код 27).",
        ),
    ],
)
def test_refusals_say_what_to_fix(text: str, message: str) -> None:
    assert refusal(text).message_ru == message


def test_too_long_a_template_is_refused() -> None:
    text = "signer {in} {out} " + "x" * MAX_LENGTH
    assert refusal(text).message_ru == f"Шаблон команды длиннее {MAX_LENGTH} символов."


def test_too_many_arguments_are_refused() -> None:
    text = " ".join(["signer", "{in}", "{out}"] + ["-v"] * (MAX_ARGUMENTS - 2))
    assert refusal(text).message_ru == f"В шаблоне команды больше {MAX_ARGUMENTS} аргументов."


def test_the_refusal_is_a_value_error_with_a_stable_code() -> None:
    error = refusal("cryptcp {in}")
    assert isinstance(error, ValueError)
    assert error.code == "command_missing_placeholder"


# -- filling -----------------------------------------------------------------------------


def test_fill_puts_the_paths_in_place_of_the_placeholders() -> None:
    args = parse_command_template("csptest -in={in} -out {out} -der")
    assert fill_command(args, "/srv/a/document", "/srv/a/document.sig") == [
        "csptest",
        "-in=/srv/a/document",
        "-out",
        "/srv/a/document.sig",
        "-der",
    ]


def test_a_path_that_looks_like_a_placeholder_is_not_filled_again() -> None:
    args = parse_command_template("signer {in} {out}")
    assert fill_command(args, "/srv/{out}", "/srv/{in}") == ["signer", "/srv/{out}", "/srv/{in}"]


# -- properties --------------------------------------------------------------------------

# Texts near the language of templates: words, placeholders, quotes, backslashes, spaces.
template_texts = st.lists(
    st.one_of(
        st.sampled_from(["{in}", "{out}", "{pin}", "{", "}", "'", '"', "\\", " ", "\t", "/"]),
        st.text(min_size=1, max_size=8),
    ),
    max_size=12,
).map("".join)


@given(st.one_of(st.text(max_size=300), template_texts))
def test_any_text_either_parses_or_is_refused_in_russian(text: str) -> None:
    try:
        args = parse_command_template(text)
    except CommandTemplateError as error:
        assert error.message_ru
        return
    assert 1 <= len(args) <= MAX_ARGUMENTS
    assert sum(arg.count("{in}") for arg in args) == 1
    assert sum(arg.count("{out}") for arg in args) == 1


paths = st.text(
    alphabet=st.characters(exclude_categories=["Cs"], exclude_characters="{}\x00"),
    min_size=1,
    max_size=40,
)
words = st.text(
    alphabet=st.characters(exclude_categories=["Cs", "Cc", "Zs"], exclude_characters="{}"),
    min_size=1,
    max_size=10,
)


@given(
    st.lists(words, max_size=8),
    st.sampled_from(["{in} {out}", "{out} {in}", "-in={in} -out={out}", "{in}:{out}"]),
    paths,
    paths,
)
def test_filled_arguments_hold_no_placeholder_and_keep_their_count(
    extra: list[str], placeholders: str, in_path: str, out_path: str
) -> None:
    template = " ".join(["signer", *(f"'{w}'" for w in extra if "'" not in w), placeholders])
    args = parse_command_template(template)
    filled = fill_command(args, in_path, out_path)
    # Paths with spaces (or quotes, or anything else) stay inside their arguments.
    assert len(filled) == len(args)
    assert not any("{in}" in arg or "{out}" in arg for arg in filled)
    assert sum(arg.count(in_path) for arg in filled) >= 1
    assert sum(arg.count(out_path) for arg in filled) >= 1
