"""The QR code of a Vietnamese citizen ID card (chip CCCD, and the Căn cước card of 2024).

Format (TT 06/2021/TT-BCA; TT 16/2024/TT-BCA): UTF-8 text, fields separated by ``|``::

    ID (12 digits)|old CMND (9 digits, may be empty)|full name|date of birth ddmmyyyy|
    Nam/Nữ|permanent address|date of issue ddmmyyyy[|further fields of the Căn cước card]

e.g. ``001090123456|012345678|NGUYEN VAN A|01011990|Nam|…|15042021`` (a made-up person).
Seven fields or more are accepted and the extra ones ignored; any field but the ID number may
be empty. The province prefix of the ID number is never checked: numbers are not rejected for
it (new provinces, merged provinces, numbers issued abroad).

Privacy: the raw payload is parsed and dropped, never kept, stored or logged; a `CitizenId`
holds only the seven fields, and its repr masks them so that a stray log line leaks nothing.
Error messages never repeat the scanned data.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from shared.domain.errors import InvalidInput

SEPARATOR = "|"
FIELD_COUNT = 7
MAX_PAYLOAD = 1000  # characters; a real payload is 100–250
MAX_FIELD = 300
EARLIEST_BIRTH_YEAR = 1900
SEXES = ("Nam", "Nữ")
_DIGITS_12 = re.compile(r"[0-9]{12}")
_OLD_ID = re.compile(r"[0-9]{9}|[0-9]{12}")
_DATE = re.compile(r"[0-9]{8}")
_SHAPE = re.compile(r"\s*[0-9 ]{1,20}\s*")


class CitizenIdError(InvalidInput):
    """The scanned or typed text is not a readable citizen ID card QR; `message` says why."""

    code = "invalid_citizen_id"


@dataclass(frozen=True, repr=False)
class CitizenId:
    """The fields of a citizen ID card QR; empty strings or None where the card had none."""

    id_number: str
    old_id_number: str
    full_name: str
    birth_date: date | None
    sex: str
    address: str
    issue_date: date | None

    def __repr__(self) -> str:
        """Return a masked form: a log line with it must not identify the person."""
        return f"CitizenId(id_number={self.masked_id()!r}, …)"

    def masked_id(self) -> str:
        """Return the ID number with all but its last 4 digits hidden: '********3456'."""
        return mask_id_number(self.id_number)

    def age_on(self, day: date) -> int | None:
        """Return the age in whole years on `day`, or None when the card gives no birth date."""
        return None if self.birth_date is None else age_on(self.birth_date, day)


@dataclass(frozen=True, repr=False)
class CardDetails:
    """What a citizen lets the kiosk pass on to the counter: the receipt form's fields only."""

    full_name: str
    id_number: str
    address: str

    def __repr__(self) -> str:
        """Return a masked form: a log line with it must not identify the person."""
        return f"CardDetails(id_number={mask_id_number(self.id_number)!r}, …)"


def mask_id_number(id_number: str) -> str:
    """Hide all but the last 4 characters of an ID number."""
    return "*" * max(0, len(id_number) - 4) + id_number[-4:]


def age_on(birth_date: date, day: date) -> int:
    """Return the age in whole years on `day` of someone born on `birth_date`.

    Someone born on 29 February turns a year older on 1 March in common years.
    """
    if day < birth_date:
        raise CitizenIdError("Ngày tính tuổi trước ngày sinh.")
    years = day.year - birth_date.year
    return years - 1 if (day.month, day.day) < (birth_date.month, birth_date.day) else years


def looks_like_citizen_qr(text: str) -> bool:
    """Tell whether text has the shape of an ID card QR (digits, then six or more '|')."""
    if text.count(SEPARATOR) < FIELD_COUNT - 1:
        return False
    return _SHAPE.fullmatch(text.split(SEPARATOR, 1)[0]) is not None


def _date(value: str, what: str) -> date | None:
    if not value:
        return None
    if not _DATE.fullmatch(value):
        raise CitizenIdError(f"{what} phải có dạng ngày tháng năm gồm 8 chữ số (ví dụ 01011990).")
    try:
        return date(int(value[4:]), int(value[2:4]), int(value[:2]))
    except ValueError:
        raise CitizenIdError(f"{what} không phải là một ngày có thật.") from None


# What a keyboard reader (a US keyboard) types for "Nữ": the letter ữ is lost or spelt plain.
KEYBOARD_FEMALE = ("n", "nu")


def _sex(value: str) -> str:
    if not value:
        return ""
    for sex in SEXES:
        if value.casefold() == sex.casefold():
            return sex
    if value.casefold() in KEYBOARD_FEMALE:  # "Nam" has no such letter: it arrives whole
        return "Nữ"
    raise CitizenIdError("Giới tính phải là Nam hoặc Nữ.")


def _check_fields(fields: list[str]) -> None:
    """Check the numbers, lengths and characters of the card's fields."""
    id_number, old_id, name = fields[0], fields[1], fields[2]
    if not _DIGITS_12.fullmatch(id_number):
        raise CitizenIdError("Số định danh cá nhân phải gồm đúng 12 chữ số.")
    if old_id and not _OLD_ID.fullmatch(old_id):
        raise CitizenIdError("Số CMND cũ phải gồm 9 chữ số (hoặc 12 chữ số), hoặc để trống.")
    if any(len(field) > MAX_FIELD for field in fields):
        raise CitizenIdError("Một trường của mã QR thẻ căn cước dài bất thường.")
    if not all(field.isprintable() for field in fields):
        raise CitizenIdError("Mã QR thẻ căn cước có ký tự điều khiển không hợp lệ.")
    if name and not any(ch.isalpha() for ch in name):
        raise CitizenIdError("Họ và tên không hợp lệ: không có chữ cái nào.")


def _check_dates(birth: date | None, issued: date | None, today: date) -> None:
    """Check that the dates are possible: not in the future, issued after birth."""
    if birth is not None:
        if birth > today:
            raise CitizenIdError("Ngày sinh ở sau ngày hôm nay.")
        if birth.year < EARLIEST_BIRTH_YEAR:
            raise CitizenIdError(f"Ngày sinh trước năm {EARLIEST_BIRTH_YEAR}, không hợp lệ.")
    if issued is not None:
        if issued > today:
            raise CitizenIdError("Ngày cấp ở sau ngày hôm nay.")
        if birth is not None and issued < birth:
            raise CitizenIdError("Ngày cấp ở trước ngày sinh.")


def parse_citizen_qr(text: str, today: date | None = None) -> CitizenId:
    """Parse and check the QR text of a citizen ID card; raise CitizenIdError when it is not one.

    `today` (default: the computer's date) bounds the dates: nobody is born, and no card is
    issued, after it.
    """
    today = today or date.today()
    if len(text) > MAX_PAYLOAD:
        raise CitizenIdError("Mã QR quá dài, không phải mã của thẻ căn cước.")
    normal = unicodedata.normalize("NFC", text).strip()
    fields = [" ".join(field.split()) for field in normal.split(SEPARATOR)]
    if len(fields) < FIELD_COUNT:
        raise CitizenIdError(
            f"Mã QR thẻ căn cước phải có ít nhất {FIELD_COUNT} trường cách nhau bởi dấu '|'; "
            f"mã này có {len(fields)}."
        )
    id_number, old_id, name, birth, sex, address, issued = fields[:FIELD_COUNT]
    _check_fields(fields[:FIELD_COUNT])
    birth_date = _date(birth, "Ngày sinh")
    issue_date = _date(issued, "Ngày cấp")
    _check_dates(birth_date, issue_date, today)
    return CitizenId(id_number, old_id, name, birth_date, _sex(sex), address, issue_date)
