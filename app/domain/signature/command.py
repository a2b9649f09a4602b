"""The command template of an external signer (CryptoPro's `cryptcp`, `csptest`, any tool).

A server operator writes the template once, for example
`cryptcp -sign -detached -der -thumbprint 0a1b… {in} {out}`: the program reads the file at
`{in}` and writes a detached CMS signature to `{out}`. The template is split as a POSIX shell
would split it (quotes and backslashes), but no shell ever runs it: the words become the
program's argument list, so nothing in a path or a template can start a second command.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Sequence

from app.core.errors import UserError
from app.domain.russian import plural

IN = "{in}"
OUT = "{out}"
MAX_LENGTH = 2000
MAX_ARGUMENTS = 100

# `{…}` without nested braces: `{in}`, `{out}`, or something the operator may have meant
# as a placeholder (`{pin}`, `{file}`) that would otherwise reach the program as it is.
_PLACEHOLDER = re.compile(r"\{[^{}]*\}")
_FILLED = re.compile(r"\{(in|out)\}")


class CommandTemplateError(UserError):
    """A signer command template that cannot be run as written."""

    default_ru = "Шаблон команды подписи не подходит."
    default_code = "command_template"


def _control_character(text: str) -> str | None:
    """The first control character but the tab (newline, NUL, escape…) in the text."""
    for char in text:
        if char != "\t" and (ord(char) < 32 or 127 <= ord(char) < 160):
            return char
    return None


def parse_command_template(text: str) -> tuple[str, ...]:
    """The template's words: the program first, `{in}` and `{out}` each exactly once.

    Raises CommandTemplateError with a Russian message saying what to fix.
    """
    if len(text) > MAX_LENGTH:
        raise CommandTemplateError(
            f"Шаблон команды длиннее {MAX_LENGTH} символов.", "command_too_long"
        )
    char = _control_character(text)
    if char in ("\n", "\r"):
        raise CommandTemplateError(
            "Шаблон команды должен быть одной строкой, без переводов строки.", "command_newline"
        )
    if char is not None:
        raise CommandTemplateError(
            f"В шаблоне команды недопустимый управляющий символ (код {ord(char)}).",
            "command_control_character",
        )
    try:
        args = tuple(shlex.split(text, posix=True))
    except ValueError as error:  # shlex: an unclosed quote or a trailing backslash
        raise CommandTemplateError(
            "В шаблоне команды не закрыта кавычка или строка кончается обратной косой чертой.",
            "command_quotes",
        ) from error
    if not args or not args[0].strip():
        raise CommandTemplateError(
            "В шаблоне команды не указана программа подписи.", "command_no_program"
        )
    if len(args) > MAX_ARGUMENTS:
        raise CommandTemplateError(
            f"В шаблоне команды больше {MAX_ARGUMENTS} аргументов.", "command_too_many_arguments"
        )
    _check_program(args[0])
    _check_placeholders(args)
    return args


def _check_program(program: str) -> None:
    if _PLACEHOLDER.search(program):
        raise CommandTemplateError(
            "Первое слово шаблона — программа подписи; подстановки {in} и {out} ставьте "
            "в аргументы после неё.",
            "command_program_placeholder",
        )
    # The program runs in a temporary folder of its own: a relative path would point there.
    if "/" in program and not program.startswith("/"):
        raise CommandTemplateError(
            "Программу подписи укажите по имени (из PATH) или полным путём от «/», "
            f"а не «{program}».",
            "command_relative_program",
        )


def _check_placeholders(args: Sequence[str]) -> None:
    found = [match for arg in args for match in _PLACEHOLDER.findall(arg)]
    unknown = sorted({p for p in found if p not in (IN, OUT)})
    if unknown:
        raise CommandTemplateError(
            f"В шаблоне команды неизвестная подстановка {', '.join(unknown)}: "
            "допустимы только {in} (файл документа) и {out} (файл подписи).",
            "command_unknown_placeholder",
        )
    for placeholder, what in ((IN, "какой файл подписать"), (OUT, "куда записать подпись")):
        count = found.count(placeholder)
        if count == 0:
            raise CommandTemplateError(
                f"В шаблоне команды нет {placeholder}: {what}.", "command_missing_placeholder"
            )
        if count > 1:
            times = plural(count, "раз", "раза", "раз")
            raise CommandTemplateError(
                f"В шаблоне команды {placeholder} встречается {times}, а нужен один раз.",
                "command_repeated_placeholder",
            )


def fill_command(args: Sequence[str], in_path: str, out_path: str) -> list[str]:
    """The argument list to run: `{in}` and `{out}` replaced by the paths.

    Both are replaced in one pass, so a path that itself contains `{out}` stays as it is.
    A path with spaces stays one argument: the words were split before filling.
    """
    paths = {IN: in_path, OUT: out_path}
    return [_FILLED.sub(lambda match: paths[match.group(0)], arg) for arg in args]
