"""Reading one cell of a catalogue row: text, working days, fee and the list of documents."""

from __future__ import annotations

import re
import unicodedata

from shared.domain.procedures import SAME_DAY, RequiredDocument, fold

MAX_DAYS = 365
MAX_QUANTITY = 99
MAX_DOCUMENTS = 40
SAME_DAY_WORDS = frozenset({"trong ngay", "giai quyet trong ngay", "same day"})
# Forms recognised in a bare trailing "(…)": "Giấy khai sinh (bản sao)".
KNOWN_FORMS = frozenset(
    {
        "ban chinh",
        "ban sao",
        "ban sao chung thuc",
        "ban sao co chung thuc",
        "ban chup",
        "ban photo",
        "ban dien tu",
    }
)
_DAYS = re.compile(r"^(\d+)(?:\s*(?:ngay(?: lam viec)?|(?:working )?days?))?$")
_FORM_COUNT = re.compile(r"^(?P<name>.*\S)\s*\((?P<form>[^():]+):\s*(?P<count>[^()]*)\)$")
_FORM_ONLY = re.compile(r"^(?P<name>.*\S)\s*\((?P<form>[^():]+)\)$")
_BULLET = re.compile(r"^(?:[-•+*]|\d{1,2}[.)])\s+")


class CellError(ValueError):
    """A cell's value cannot be used; the message is Vietnamese, for the row's error line."""


def text(value: object) -> str:
    """Return a cell as NFC text; whole numbers lose Excel's '.0'; None is empty."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFC", str(value)).strip()


def line(value: object, limit: int) -> str:
    """Return a one-line text cell with single spaces, refusing text longer than `limit`."""
    result = " ".join(text(value).split())
    if len(result) > limit:
        raise CellError(f"dài {len(result)} ký tự, tối đa {limit}.")
    return result


def code(value: object) -> str:
    """Return a procedure code; Excel numbers are refused since they lose trailing zeros."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise CellError("mã thủ tục phải nhập dạng văn bản (Excel đã đổi thành số).")
    result = line(value, 60)
    if not result:
        raise CellError("bỏ trống.")
    if " " in result:
        raise CellError(f"mã {result!r} không được chứa dấu cách.")
    return result


def legal_days(value: object) -> int:
    """Return working days: an integer, or 0 for 'trong ngày' / 'same day'."""
    if isinstance(value, float) and not value.is_integer():
        raise CellError(f"{value} không phải số ngày nguyên.")
    folded = " ".join(fold(text(value)).split())
    if not folded:
        raise CellError("bỏ trống; ghi số ngày làm việc hoặc «trong ngày».")
    if folded in SAME_DAY_WORDS:
        return SAME_DAY
    match = _DAYS.match(folded)
    if match is None:
        raise CellError(f"{text(value)!r} không phải số ngày làm việc (ví dụ: 5, «trong ngày»).")
    days = int(match.group(1))
    if days > MAX_DAYS:
        raise CellError(f"{days} ngày là quá dài (tối đa {MAX_DAYS}).")
    return days


def fee(value: object) -> str:
    """Return the fee as written; a bare number becomes '8.000 đồng'; empty is refused."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        amount = int(value)
        if amount != value or amount < 0:
            raise CellError(f"{value} không phải số tiền hợp lệ.")
        return "Không thu phí" if amount == 0 else f"{amount:,} đồng".replace(",", ".")
    result = line(value, 400)
    if not result:
        raise CellError("bỏ trống; ghi «Không thu phí» nếu thủ tục không thu phí.")
    return result


def documents(value: object) -> tuple[RequiredDocument, ...]:
    """Split the documents cell on ';' and new lines and read each item."""
    items = [item.strip() for item in re.split(r"[;\n\r]+", text(value))]
    result = tuple(document(item) for item in items if item)
    if len(result) > MAX_DOCUMENTS:
        raise CellError(f"{len(result)} giấy tờ là quá nhiều (tối đa {MAX_DOCUMENTS}).")
    return result


def document(item: str) -> RequiredDocument:
    """Read 'Tên (Bản chính: 1)', 'Tên | Bản sao | 2', 'Tên (bản sao)' or just 'Tên'."""
    item = _BULLET.sub("", " ".join(item.split()))
    if "|" in item:
        parts = [part.strip() for part in item.split("|")]
        if len(parts) > 3:
            raise CellError(f"«{item}»: cần dạng «Tên | Hình thức | Số lượng».")
        name, form, count = [*parts, "", ""][:3]
    elif match := _FORM_COUNT.match(item):
        name, form, count = match["name"], match["form"].strip(), match["count"].strip()
    elif (match := _FORM_ONLY.match(item)) and fold(match["form"]).strip() in KNOWN_FORMS:
        name, form, count = match["name"], match["form"].strip(), ""
    else:
        name, form, count = item, "", ""
    return RequiredDocument(
        name=_document_name(name, item),
        form=_form(form, item),
        quantity=_quantity(count, item),
    )


def _document_name(name: str, item: str) -> str:
    if not name:
        raise CellError(f"«{item}»: thiếu tên giấy tờ.")
    if len(name) > 200:
        raise CellError(f"tên giấy tờ «{name[:40]}…» dài quá 200 ký tự.")
    return name


def _form(form: str, item: str) -> str:
    if not form:
        return RequiredDocument.form
    if len(form) > 60:
        raise CellError(f"«{item}»: hình thức dài quá 60 ký tự.")
    return form[0].upper() + form[1:]


def _quantity(count: str, item: str) -> int:
    if not count:
        return 1
    if not count.isdigit() or not 1 <= int(count) <= MAX_QUANTITY:
        raise CellError(f"«{item}»: số lượng {count!r} phải là số từ 1 đến {MAX_QUANTITY}.")
    return int(count)
