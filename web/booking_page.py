"""The booking pages in plain words: phone numbers, days and times, a booking, the refusals.

Pure functions: the handlers (web.bookings) ask the queue server and hand its answers here.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from shared.domain.appointments import BookingKind, BookingState, normalise_phone
from shared.domain.errors import InvalidInput
from shared.domain.ticket_links import TicketLink, parse_link, ticket_url
from shared.messaging.appointment_views import BookingView, SlotsResult, SlotView
from shared.messaging.replies import ErrorCode, ErrorInfo
from web.wording import t

# Vietnamese mobile numbers: 10 digits, 03x, 05x, 07x, 08x or 09x (landlines start 02).
_MOBILE = re.compile(r"^0[35789]\d{8}$")
_ID_NUMBER = re.compile(r"^\d{12}$")
MAX_FIELD = 40
# What the server's refusals say, where the error code alone does not (see the report).
_TRIES_LEFT = re.compile(r"Còn (\d+) lần thử")


def mobile_number(text: str) -> str | None:
    """A Vietnamese mobile number as 10 digits ('+84 912 345 678' → '0912345678'), or None."""
    if not text.strip() or len(text) > MAX_FIELD:
        return None
    try:
        phone = normalise_phone(text)
    except InvalidInput:
        return None
    return phone if _MOBILE.match(phone) else None


def id_number(text: str) -> str | None:
    """An ID card number as 12 digits, '' when none was given, None when it is not one."""
    digits = re.sub(r"[\s.-]", "", text)
    if not digits:
        return ""
    return digits if len(text) <= MAX_FIELD and _ID_NUMBER.match(digits) else None


def day_words(day: date, lang: str) -> str:
    """A day as the pages say it: 'Thứ Tư, 25/11/2026', 'Wednesday 25/11/2026'."""
    weekday = t(f"weekday_{day.weekday()}", lang)
    separator = ", " if lang == "vi" else " "
    return f"{weekday}{separator}{day:%d/%m/%Y}"


def short_day(day: date, lang: str) -> str:
    """A day in a list of days: 'Thứ Tư 25/11'."""
    return f"{t(f'weekday_{day.weekday()}', lang)} {day:%d/%m}"


def local(at: datetime, timezone: str) -> datetime:
    """An instant in the centre's time zone."""
    return at.astimezone(ZoneInfo(timezone))


def when_words(at: datetime, timezone: str, lang: str) -> str:
    """A slot's start as people say it: '09:30, Thứ Tư, 25/11/2026'."""
    moment = local(at, timezone)
    return t("when_value", lang, time=f"{moment:%H:%M}", day=day_words(moment.date(), lang))


def wait_words(seconds: int, lang: str) -> str:
    """How long to wait, in the unit people use: 45 giây, 12 phút, 3 giờ."""
    if seconds < 120:
        return t("seconds", lang, n=max(1, seconds))
    if seconds < 2 * 3600:
        return t("minutes", lang, n=math.ceil(seconds / 60))
    return t("hours", lang, n=math.ceil(seconds / 3600))


def spaced_code(code: str) -> str:
    """A booking code in two groups of four, easier to read out and type: 'H7KQ 2MXA'."""
    return f"{code[:4]} {code[4:]}" if len(code) == 8 else code


# Refusals ---------------------------------------------------------------------------------------


class Step(StrEnum):
    """Which command the server refused."""

    REQUEST = "request_booking"
    CONFIRM = "confirm_booking"
    CANCEL = "cancel_booking"
    CHANGE = "change_booking"


class Then(StrEnum):
    """What the page offers after a refusal."""

    FORM = "form"  # the same form again
    SLOTS = "slots"  # choose another time
    START = "start"  # book again from the start
    BOOKING = "booking"  # back to the booking's page


@dataclass(frozen=True)
class Refusal:
    """A refusal worded for the citizen, with the HTTP status and what to do next."""

    kind: str
    status: int
    title: str
    message: str
    then: Then
    retry_after: int | None = None
    detail: str = ""


def _refusal(
    kind: str,
    status: int,
    then: Then,
    lang: str,
    text: str = "",
    detail: str = "",
    **values: object,
) -> Refusal:
    """A refusal titled `err_{kind}_title`, said by `err_{text or kind}`."""
    message = t(f"err_{text or kind}", lang, **values)
    return Refusal(kind, status, t(f"err_{kind}_title", lang), message, then, None, detail)


def input_refusal(kind: str, lang: str, **values: object) -> Refusal:
    """A form the page itself refused (bad_phone, bad_id, bad_code): shown with the form."""
    return Refusal(kind, 400, t(f"{kind}_title", lang), t(kind, lang, **values), Then.FORM)


def limited_refusal(wait: int, lang: str) -> Refusal:
    """This address asked for too many bookings (the web service's own bucket)."""
    message = t("err_rate", lang, wait=wait_words(wait, lang))
    return Refusal("rate_limited", 429, t("limited_title", lang), message, Then.FORM, wait)


def refusal(error: ErrorInfo, step: Step, lang: str) -> Refusal:
    """Word the server's refusal of a booking command (codes: docs/appointments.md)."""
    if error.code is ErrorCode.RATE_LIMITED:
        wait = error.retry_after or 60
        kind = "rate_phone" if "Số điện thoại" in error.message else "rate"
        message = t(f"err_{kind}", lang, wait=wait_words(wait, lang))
        return Refusal(kind, 429, t("limited_title", lang), message, Then.FORM, wait)
    worded = _code_refusal(error, lang) or _state_refusal(error, step, lang)
    return worded or _refusal("invalid", 400, Then.FORM, lang)


def _code_refusal(error: ErrorInfo, lang: str) -> Refusal | None:
    """The one-time code or the slot refused."""
    code, text = error.code, error.message
    if code is ErrorCode.WRONG_CODE:
        found = _TRIES_LEFT.search(text)
        if found:
            return _refusal("wrong_code", 400, Then.FORM, lang, n=found.group(1))
        return _refusal("wrong_code", 400, Then.FORM, lang, text="wrong_code_plain")
    if code is ErrorCode.CODE_EXPIRED:
        kind = "too_many_tries" if "quá số lần" in text else "code_expired"
        return _refusal(kind, 409, Then.START, lang)
    if code is ErrorCode.SLOT_FULL:
        kind = "slot_full" if "đủ người" in text else "slot_closed"
        return _refusal(kind, 409, Then.SLOTS, lang)
    return None


def _state_refusal(error: ErrorInfo, step: Step, lang: str) -> Refusal | None:
    """The booking, the phone's quota or the service refused."""
    code, text = error.code, error.message
    if code is ErrorCode.INVALID_STATE:
        if step is Step.CANCEL:
            return _refusal("cancel", 409, Then.BOOKING, lang)
        if step is Step.CHANGE:
            return _refusal("change", 409, Then.BOOKING, lang)
        return _refusal("phone_quota", 409, Then.START, lang)
    if code is ErrorCode.SERVICE_UNAVAILABLE:
        if "hết số" in text:
            return _refusal("day_cap", 409, Then.START, lang)
        if "không nhận" in text or "chưa nhận" in text:
            return _refusal("not_offered", 409, Then.START, lang)
        reason = text.split(": ", 1)[-1]
        return _refusal("remote_closed", 409, Then.START, lang, detail=reason)
    if code is ErrorCode.NOT_FOUND:
        kind = "no_request" if step is Step.CONFIRM else "not_offered"
        return _refusal(kind, 404, Then.START, lang)
    return None


# Days and times ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DayChoice:
    """One day in the list: its words, what it has left, and its link (None: nothing free)."""

    label: str
    note: str
    href: str | None
    selected: bool


@dataclass(frozen=True)
class SlotChoice:
    """One time of the chosen day: free ones link to the next step."""

    time: str
    note: str
    href: str | None
    current: bool = False


@dataclass(frozen=True)
class SlotsPage:
    """The days of a service and the times of the chosen day."""

    days: list[DayChoice] = field(default_factory=list)
    day: date | None = None
    day_label: str = ""
    times: list[SlotChoice] = field(default_factory=list)


def _free(slots: list[SlotView], current: datetime | None) -> int:
    return sum(1 for s in slots if s.free > 0 and s.start != current)


def _closed(reason: str, lang: str) -> str:
    """Why a day has no times: the server's reason in Vietnamese ('Ngày Văn hóa Việt Nam')."""
    if lang != "vi":
        return t("day_closed", lang)
    if reason.lower().startswith("không"):  # "Không nhận lịch hẹn vào thứ Bảy"
        return reason
    return f"{t('day_closed', lang)}: {reason}"


def slots_page(
    result: SlotsResult,
    wanted: date | None,
    lang: str,
    day_href: Callable[[date], str],
    slot_href: Callable[[SlotView], str],
    current: datetime | None = None,
) -> SlotsPage:
    """Word a service's days and the chosen day's times (the first day with room by default)."""
    open_days = [d for d in result.days if _free(d.slots, current)]
    chosen = next((d for d in result.days if d.day == wanted), None)
    if chosen is None:
        chosen = open_days[0] if open_days else None
    days: list[DayChoice] = []
    for day in result.days:
        free = _free(day.slots, current)
        if day.closed:
            note = _closed(day.closed, lang)
        elif free == 0:
            note = t("day_full", lang)
        else:
            note = t("day_free_one", lang) if free == 1 else t("day_free", lang, n=free)
        selected = chosen is not None and day.day == chosen.day
        href = day_href(day.day) if free else None
        days.append(DayChoice(short_day(day.day, lang), note, href, selected))
    if chosen is None:
        return SlotsPage(days)
    times: list[SlotChoice] = []
    for slot in chosen.slots:
        if slot.start == current:
            times.append(SlotChoice(slot.time, t("slot_current", lang), None, current=True))
        elif slot.free <= 0:
            times.append(SlotChoice(slot.time, t("slot_full", lang), None))
        else:
            note = (
                t("slot_places_one", lang)
                if slot.free == 1
                else t("slot_places", lang, n=slot.free)
            )
            times.append(SlotChoice(slot.time, note, slot_href(slot)))
    return SlotsPage(days, chosen.day, day_words(chosen.day, lang), times)


# A booking --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fact:
    """One line of the booking's facts."""

    label: str
    value: str


@dataclass(frozen=True)
class BookingPage:
    """Everything a booking's page says, already worded."""

    heading: str
    title: str
    state: str
    tone: str
    facts: list[Fact]
    remote: bool
    code: str
    code_spaced: str
    number: str
    ticket_path: str
    how: list[str]
    qr_label: str
    show_qr: bool
    can_change: bool
    changes_left: str
    can_cancel: bool
    cancel_label: str
    ended: bool


_TONES = {
    BookingState.BOOKED: "good",
    BookingState.CHECKED_IN: "good",
    BookingState.CALLED: "good",
    BookingState.NO_SHOW: "bad",
    BookingState.CANCELLED: "bad",
}


def ticket_path(qr: str) -> str:
    """The path of a ticket's live page from its QR text ('' when it is not a link)."""
    link = parse_link(qr)
    if not isinstance(link, TicketLink):
        return ""
    return ticket_url("", link.site_id, link.service_day, link.number, link.token)


def state_words(view: BookingView, lang: str) -> str:
    """Where the booking stands, in the page's language."""
    remote = view.kind is BookingKind.REMOTE
    if view.state is BookingState.BOOKED and remote:
        return t("state_booked_remote", lang)
    return t(f"state_{view.state.value}", lang)


def booking_page(view: BookingView, service_name: str, timezone: str, lang: str) -> BookingPage:
    """Word a booking for its page."""
    remote = view.kind is BookingKind.REMOTE
    state = view.state
    facts = [Fact(t("fact_service", lang), service_name)]
    how: list[str] = []
    if remote:
        facts.append(Fact(t("fact_day", lang), day_words(view.service_day, lang)))
    elif view.slot is not None:
        facts.append(Fact(t("fact_when", lang), when_words(view.slot, timezone, lang)))
    if view.phone_masked:
        facts.append(Fact(t("fact_phone", lang), view.phone_masked))
    waiting = state is BookingState.BOOKED
    show_qr = waiting and not remote and view.slot is not None and bool(view.qr)
    if show_qr and view.slot is not None:
        start = local(view.slot, timezone)
        how.append(
            t(
                "how",
                lang,
                time=f"{start:%H:%M}",
                day=day_words(start.date(), lang),
                code=view.code,
            )
        )
        if view.check_in_until is not None:
            until = local(view.check_in_until, timezone)
            how.append(t("how_late", lang, until=f"{until:%H:%M}"))
        how.append(t("how_keep", lang))
    number = view.ticket.number if view.ticket is not None else ""
    path = ticket_path(view.ticket.qr) if view.ticket is not None else ""
    if remote and number and waiting:
        how.append(t("remote_how", lang))
    heading = t("remote_booking_heading" if remote else "booking_heading", lang)
    can_cancel = state in (BookingState.BOOKED, BookingState.CHECKED_IN)
    can_change = not remote and waiting and view.changes_left > 0
    return BookingPage(
        heading=heading,
        title=t("booking_page_title", lang, code=view.code),
        state=state_words(view, lang),
        tone=_TONES.get(state, "good"),
        facts=facts,
        remote=remote,
        code=view.code,
        code_spaced=spaced_code(view.code),
        number=number,
        ticket_path=path,
        how=how,
        qr_label=t("qr_label", lang, code=view.code),
        show_qr=show_qr,
        can_change=can_change,
        changes_left=t("changes_left", lang, n=view.changes_left) if can_change else "",
        can_cancel=can_cancel,
        cancel_label=t("cancel_remote" if remote else "cancel", lang),
        ended=state in (BookingState.CANCELLED, BookingState.NO_SHOW),
    )
