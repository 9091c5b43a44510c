"""Booking through the pages with plain HTTP: what a phone's browser posts, step by step."""

from __future__ import annotations

from datetime import UTC, datetime
from io import BytesIO
from typing import Any

import httpx

from tests.helpers.appointments import Phones
from tests.web.conftest import Hall

SITE = "hcc-demo"
# The test clock says Monday 23 November 2026, 09:00 in Hà Nội (02:00 UTC).
TODAY_0930 = datetime(2026, 11, 23, 2, 30, tzinfo=UTC)
# Wednesday 25/11, 09:30 local: a civil-status slot (15 minutes, two places). Tuesday is a
# public holiday (Ngày Văn hóa Việt Nam).
WEDNESDAY_0930 = datetime(2026, 11, 25, 2, 30, tzinfo=UTC)


def origin(hall: Hall) -> str:
    """The web instance's origin (redirects give paths)."""
    return f"http://127.0.0.1:{hall.port}"


def ask_code(
    hall: Hall,
    service: str = "ho-tich",
    slot: datetime | None = WEDNESDAY_0930,
    phone: str = "0912345678",
    headers: dict[str, str] | None = None,
    **form: str,
) -> httpx.Response:
    """Post the phone number for a slot (a remote number when `slot` is None)."""
    params = {"remote": "1"} if slot is None else {"slot": slot.isoformat()}
    return httpx.post(
        f"{hall.public_url}/book/{SITE}/{service}/phone",
        params=params,
        data={"phone": phone, **form},
        headers=headers,
    )


def code_address(hall: Hall, asked: httpx.Response) -> str:
    """The code page a phone number's post led to."""
    assert asked.status_code == 303, asked.text
    return origin(hall) + asked.headers["location"]


def request_of(address: str) -> str:
    """The booking request's reference in a code page's address."""
    return address.split("/code/", 1)[1].split("?", 1)[0]


def confirm(address: str, otp: str, headers: dict[str, str] | None = None) -> httpx.Response:
    """Post a one-time code on its page."""
    return httpx.post(address, data={"otp": otp}, headers=headers)


def citizen(address: str) -> dict[str, str]:
    """The headers of a citizen at `address` behind the (trusted, loopback) reverse proxy."""
    return {"x-forwarded-for": address}


def book(
    hall: Hall,
    phones: Phones,
    service: str = "ho-tich",
    slot: datetime | None = WEDNESDAY_0930,
    phone: str = "0912345678",
    headers: dict[str, str] | None = None,
) -> str:
    """Book through the pages; return the booking page's address."""
    address = code_address(hall, ask_code(hall, service, slot, phone, headers))
    done = confirm(address, phones.code(request_of(address)), headers)
    assert done.status_code == 303, done.text
    return origin(hall) + done.headers["location"].split("?", 1)[0]


def read_qr(png: bytes) -> list[str]:
    """The texts of the QR codes in a screenshot (zxing-cpp, as the kiosk's reader)."""
    import zxingcpp
    from PIL import Image

    image: Any = Image.open(BytesIO(png))
    return [result.text for result in zxingcpp.read_barcodes(image)]
