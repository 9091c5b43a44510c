"""Site-file problems as users read them: every one, at a key path that names items by id."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from shared.cli_text import say

Loc = tuple[int | str, ...]
"""A key path as pydantic gives it: section names and list positions."""

# The key that identifies an item of each kind of list in a site file.
_ID_KEYS = ("id", "code")

# pydantic's common error types in Vietnamese; the others keep pydantic's English text.
_VIETNAMESE = {
    "missing": "thiếu (bắt buộc)",
    "extra_forbidden": "khóa không được hỗ trợ",
    "string_type": "cần một chuỗi văn bản",
    "int_type": "cần một số nguyên",
    "int_parsing": "cần một số nguyên",
    "int_from_float": "cần một số nguyên",
    "float_type": "cần một số",
    "float_parsing": "cần một số",
    "bool_type": "cần true hoặc false",
    "bool_parsing": "cần true hoặc false",
    "list_type": "cần một danh sách",
    "model_type": "cần một bảng",
    "dict_type": "cần một bảng",
    "model_attributes_type": "cần một bảng",
    "string_pattern_mismatch": "không đúng dạng (mẫu {pattern})",
    "string_too_short": "cần ít nhất {min_length} ký tự",
    "string_too_long": "dài quá {max_length} ký tự",
    "too_short": "cần ít nhất {min_length} mục",
    "too_long": "nhiều quá {max_length} mục",
    "greater_than": "phải lớn hơn {gt}",
    "greater_than_equal": "phải lớn hơn hoặc bằng {ge}",
    "less_than": "phải nhỏ hơn {lt}",
    "less_than_equal": "phải nhỏ hơn hoặc bằng {le}",
    "literal_error": "phải là một trong: {expected}",
    "enum": "phải là một trong: {expected}",
}


@dataclass(frozen=True)
class ReferenceProblem:
    """An id that names nothing, or is used twice, at a key path."""

    loc: Loc
    vi: str
    en: str


class ReferenceErrors(ValueError):
    """Every broken cross-reference of a site file, raised at once by its validator."""

    def __init__(self, problems: list[ReferenceProblem]) -> None:
        super().__init__("; ".join(p.en for p in problems))
        self.problems = problems


def _items(data: Mapping[str, Any], section: str) -> list[Any]:
    value = data.get(section)
    return list(value) if isinstance(value, list) else []


def _ids(data: Mapping[str, Any], section: str, key: str) -> set[str]:
    return {
        i[key] for i in _items(data, section) if isinstance(i, dict) and isinstance(i.get(key), str)
    }


def _duplicates(data: Mapping[str, Any], section: str, key: str) -> list[ReferenceProblem]:
    first: dict[str, int] = {}
    problems = []
    for position, item in enumerate(_items(data, section)):
        value = item.get(key) if isinstance(item, dict) else None
        if not isinstance(value, str):
            continue
        if value in first:
            where = f"#{first[value] + 1} và #{position + 1}"
            problems.append(
                ReferenceProblem(
                    (section, position),
                    f"mã '{value}' bị trùng (mục {where})",
                    f"duplicate id '{value}' (items #{first[value] + 1} and #{position + 1})",
                )
            )
        else:
            first[value] = position
    return problems


def reference_problems(data: Mapping[str, Any]) -> list[ReferenceProblem]:
    """Check ids and what refers to them (raw TOML data or a dumped model); list every problem."""
    problems: list[ReferenceProblem] = []
    for section, key in (
        ("departments", "id"),
        ("services", "code"),
        ("counters", "id"),
        ("zones", "id"),
    ):
        problems += _duplicates(data, section, key)
    departments = _ids(data, "departments", "id")
    services = _ids(data, "services", "code")
    zones = _ids(data, "zones", "id")
    for position, service in enumerate(_items(data, "services")):
        department = service.get("department") if isinstance(service, dict) else None
        if isinstance(department, str) and department not in departments:
            problems.append(
                ReferenceProblem(
                    ("services", position, "department"),
                    f"không có đơn vị '{department}'",
                    f"unknown department '{department}'",
                )
            )
    dossiers = data.get("dossiers")
    returned = dossiers.get("return_service") if isinstance(dossiers, dict) else None
    if isinstance(returned, str) and returned and returned not in services:
        problems.append(
            ReferenceProblem(
                ("dossiers", "return_service"),
                f"không có dịch vụ '{returned}'",
                f"unknown service '{returned}'",
            )
        )
    appointments = data.get("appointments")
    booked = _items(appointments, "services") if isinstance(appointments, dict) else []
    for position, item in enumerate(booked):
        code = item.get("service") if isinstance(item, dict) else None
        if isinstance(code, str) and code not in services:
            problems.append(
                ReferenceProblem(
                    ("appointments", "services", position, "service"),
                    f"không có dịch vụ '{code}'",
                    f"unknown service '{code}'",
                )
            )
    for position, counter in enumerate(_items(data, "counters")):
        if not isinstance(counter, dict):
            continue
        served = counter.get("services")
        unknown = (
            [c for c in served if isinstance(c, str) and c not in services]
            if isinstance(served, list)
            else []
        )
        for code in unknown:
            problems.append(
                ReferenceProblem(
                    ("counters", position, "services"),
                    f"không có dịch vụ '{code}'",
                    f"unknown service '{code}'",
                )
            )
        zone = counter.get("zone")
        if isinstance(zone, str) and zone not in zones:
            problems.append(
                ReferenceProblem(
                    ("counters", position, "zone"),
                    f"không có khu vực '{zone}'",
                    f"unknown zone '{zone}'",
                )
            )
    return problems


def key_path(loc: Sequence[int | str], data: Any = None) -> str:
    """Write a key path, naming list items by their id when `data` has one: counters[q01].zone.

    Items without a usable id are named by position from 1 (zones[#3]); without `data`
    the path is dotted, positions from 0 (zones.2).
    """
    if data is None:
        return ".".join(str(part) for part in loc)
    text = ""
    node = data
    for part in loc:
        if isinstance(part, int):
            item = node[part] if isinstance(node, list) and 0 <= part < len(node) else None
            text += f"[{_item_name(item, part)}]"
            node = item
        else:
            text += f".{part}" if text else part
            node = node.get(part) if isinstance(node, dict) else None
    return text


def _item_name(item: Any, position: int) -> str:
    if isinstance(item, dict):
        for key in _ID_KEYS:
            value = item.get(key)
            if isinstance(value, str) and value.strip():
                return value
    return f"#{position + 1}"


def _message(item: Mapping[str, Any]) -> str:
    english = str(item["msg"]).removeprefix("Value error, ")
    vietnamese = _VIETNAMESE.get(str(item["type"]))
    if vietnamese is None:
        return english
    try:
        return say(vietnamese.format(**item.get("ctx", {})), english)
    except (KeyError, IndexError):
        return english


def _line(loc: Sequence[int | str], message: str, data: Any) -> str:
    where = key_path(loc, data)
    return f"{where}: {message}" if where else message


def reference_errors(item: Mapping[str, Any]) -> ReferenceErrors | None:
    """The ReferenceErrors behind one pydantic error item, if that is what it is."""
    error = item.get("ctx", {}).get("error")
    return error if isinstance(error, ReferenceErrors) else None


def format_errors(error: ValidationError, data: Any = None) -> list[str]:
    """Turn pydantic errors into 'key.path: message' lines (paths by id when `data` is given)."""
    lines = []
    for item in error.errors():
        references = reference_errors(item)
        if references is not None:
            base = tuple(item["loc"])
            lines += [_line(base + p.loc, say(p.vi, p.en), data) for p in references.problems]
        else:
            lines.append(_line(item["loc"], _message(item), data))
    return lines


def problem_lines(error: ValidationError, data: Any) -> list[str]:
    """Every problem of a site file: pydantic's, then the cross-references it could not check."""
    lines = format_errors(error, data)
    if not any(reference_errors(item) for item in error.errors()):
        # The shape was wrong, so the validator never ran: check the references on the raw data.
        lines += [_line(p.loc, say(p.vi, p.en), data) for p in reference_problems(data)]
    return lines
