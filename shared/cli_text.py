"""Command-line messages: Vietnamese by default, English when the locale asks for it."""

from __future__ import annotations

import os
import re
import sys

USAGE = 2
"""Exit status of a command called wrongly (unknown command or option, malformed value)."""
FAILURE = 1
"""Exit status of a command that ran but could not do its work."""

# Locale variables in POSIX order of precedence: the first one set decides.
_LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")


def english() -> bool:
    """Tell whether the user's locale (LC_ALL, LC_MESSAGES, then LANG) is an English one."""
    for name in _LOCALE_VARIABLES:
        value = os.environ.get(name, "")
        if value:
            return value.lower().startswith("en")
    return False


def say(vi: str, en: str) -> str:
    """Return the Vietnamese text, or the English one under an English locale."""
    return en if english() else vi


def complain(where: str, vi: str, en: str) -> None:
    """Print 'where: message' on stderr in the user's language."""
    print(f"{where}: {say(vi, en)}", file=sys.stderr)


# argparse's own usage errors, so a mistyped command reads in Vietnamese like the rest.
_ARGPARSE_MESSAGES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^the following arguments are required: (.*)$"), r"thiếu tham số bắt buộc: \1"),
    (re.compile(r"^unrecognized arguments: (.*)$"), r"không nhận ra tham số: \1"),
    (
        re.compile(r"^argument (.*?): invalid choice: (.*?) \(choose from (.*)\)$"),
        r"tham số \1: không có lựa chọn \2 (chọn một trong: \3)",
    ),
    (
        re.compile(r"^argument (.*?): invalid (\w+) value: (.*)$"),
        r"tham số \1: giá trị \3 không hợp lệ (cần kiểu \2)",
    ),
    (re.compile(r"^argument (.*?): expected one argument$"), r"tham số \1: cần một giá trị"),
    (
        re.compile(r"^argument (.*?): not allowed with argument (.*)$"),
        r"tham số \1: không dùng được cùng \2",
    ),
    (
        re.compile(r"^ambiguous option: (.*?) could match (.*)$"),
        r"tùy chọn \1 không rõ, có thể là: \2",
    ),
)


def usage_error(message: str) -> str:
    """Translate one of argparse's usage errors into Vietnamese unless the locale is English."""
    if english():
        return message
    for pattern, vietnamese in _ARGPARSE_MESSAGES:
        if pattern.match(message):
            return pattern.sub(vietnamese, message)
    return message
