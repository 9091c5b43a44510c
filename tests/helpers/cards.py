"""Made-up citizen ID cards (CCCD) for tests: the QR text a card carries, for a chosen birth date.

ID numbers start with 099, no province's code, so no real person's number is ever generated.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Card:
    """The printed fields of a made-up card; `qr` is the text of its QR code."""

    id_number: str
    full_name: str
    birth_date: date
    sex: str
    address: str
    issue_date: date
    old_id_number: str = ""

    @property
    def qr(self) -> str:
        """Return the card's QR text: seven fields separated by '|', dates as ddmmyyyy."""
        fields = [
            self.id_number,
            self.old_id_number,
            self.full_name,
            f"{self.birth_date:%d%m%Y}",
            self.sex,
            self.address,
            f"{self.issue_date:%d%m%Y}",
        ]
        return "|".join(fields)


def birthday_for_age(age: int, day: date) -> date:
    """Return the birth date of someone who turns `age` on `day` (28 Feb for a 29 Feb day)."""
    try:
        return day.replace(year=day.year - age)
    except ValueError:
        return day.replace(year=day.year - age, day=28)


def make_card(
    serial: int, full_name: str, birth_date: date, sex: str = "Nam", address: str = ""
) -> Card:
    """Return a made-up card; its number encodes century and sex, and the year, as real ones do."""
    century_sex = (birth_date.year // 100 - 19) * 2 + (sex == "Nữ")
    id_number = f"099{century_sex}{birth_date.year % 100:02d}{serial:06d}"
    issued = max(birth_date, date(2021, 4, 15))  # a chip card: issued from 2021
    return Card(id_number, full_name, birth_date, sex, address or "Số 1 phố Thử", issued)
