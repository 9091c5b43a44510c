"""The simulated hall of `motcua demo`: citizens who take numbers, officers who serve them.

Officers serve at a human pace sped up `speed` times (a service lasts its configured average
divided by `speed`, give or take), call the next number only when done, and answer an empty
queue a moment after someone arrives. Citizens arrive at random for the services those
officers can serve now, at `load` of what they can serve, so queues stay level instead of
growing for the whole demo. Every line printed says why: the service of each call and, when a
priority ticket passes the others, the priority.
"""

from __future__ import annotations

import heapq
import json
import math
import random
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from admin.demo_scanner import ScanDesk, say
from hw.printer.documents.ticket import wait_text
from shared.demo_dossiers import officer_id
from shared.domain.availability import unavailable_reason
from shared.domain.site import Site
from shared.messaging import commands as c
from shared.messaging.bus import Bus, Message
from shared.messaging.client import CommandClient, new_request_id
from shared.messaging.dossier_commands import OfficerLogin
from shared.messaging.replies import Reply
from shared.messaging.topics import Topics
from shared.runtime import utc_now

SPREAD = 0.35  # sigma of the lognormal service times around the average
NO_SHOW_SHARE = 0.04
PRIORITY_SHARE = 0.12
SCAN_EVERY = 9.0  # seconds between two citizens scanning a ticket or a slip, on average
KIOSKS = 3

Printer = Callable[[str], None]


@dataclass
class Desk:
    """One staffed counter: its officer's client and the ticket at the desk."""

    counter_id: str
    label: str
    services: tuple[str, ...]
    client: CommandClient
    number: str = ""
    recalls: int = 0
    idle: bool = True
    turn: int = 0  # the officer's next action; an older scheduled one is dropped


class HallBot:
    """Simulated citizens take numbers and officers serve them, so the system can be watched."""

    def __init__(
        self,
        site: Site,
        bus: Bus,
        counters: Sequence[str],
        *,
        speed: float = 10.0,
        load: float = 0.85,
        desk: ScanDesk | None = None,
        seed: int = 7,
        pin: str = "",
        slips: tuple[str, ...] = (),
        out: Printer = say,
    ) -> None:
        self.site = site
        self.topics = Topics(site.id)
        self.speed = speed
        self.load = load
        self.scan_desk = desk
        self.random = random.Random(seed)
        self.pin = pin
        self.slips = slips
        self.out = out
        # A hall has several kiosks; each keeps under the server's per-kiosk ticket rate.
        self.kiosks = [
            CommandClient(bus, self.topics, f"demo-kiosk-{n}") for n in range(1, KIOSKS + 1)
        ]
        positions = {counter.id: i for i, counter in enumerate(site.counters)}
        self.desks = {
            cid: Desk(
                cid,
                site.counter(cid).label,
                site.counter(cid).services,
                CommandClient(bus, self.topics, cid),
            )
            for cid in counters
        }
        self.officers = {cid: officer_id(positions[cid]) for cid in counters}
        self.issued: list[str] = []
        self.waiting_now = 0
        self._events: list[tuple[float, int, str, str]] = []
        self._sequence = 0
        bus.subscribe(self.topics.queues(), self._on_queues)

    # Rates ------------------------------------------------------------------------------

    def service_seconds(self, code: str) -> float:
        """The average time an officer of the demo spends on a citizen of a service."""
        return self.site.service(code).default_service_seconds / self.speed

    def arrival_rates(self, at: datetime) -> dict[str, float]:
        """Citizens per second for each service the staffed counters can serve now."""
        rates: dict[str, float] = {}
        for desk in self.desks.values():
            open_now = [
                code
                for code in desk.services
                if unavailable_reason(self.site.service(code), at, self.site.rules.timezone, 0)
                is None
            ]
            for code in open_now:
                share = 1 / len(open_now) / self.service_seconds(code)
                rates[code] = rates.get(code, 0.0) + self.load * share
        return rates

    # Events -----------------------------------------------------------------------------

    def _at(self, delay: float, kind: str, subject: str = "") -> None:
        self._sequence += 1
        when = time.monotonic() + delay
        heapq.heappush(self._events, (when, self._sequence, kind, subject))

    def _next(self, desk: Desk, delay: float, kind: str) -> None:
        """Schedule the officer's next action, replacing any one already planned."""
        desk.turn += 1
        self._at(delay, kind, f"{desk.counter_id}#{desk.turn}")

    def run(self, stop: threading.Event) -> None:
        """Staff the counters, let a few citizens in, then run the hall until stopped."""
        self.open_counters()
        rates = self.arrival_rates(utc_now())
        self.first_citizens(rates)
        for code, rate in rates.items():
            self._at(self.random.expovariate(rate), "arrive", code)
        for desk in self.desks.values():
            desk.idle = False
            self._next(desk, self.random.uniform(1.0, 3.0), "call")
        if self.scan_desk is not None:
            self._at(self.random.uniform(2.0, 4.0), "scan")  # soon, so a short run shows one
        while self._events and not stop.is_set():
            when, _, kind, subject = self._events[0]
            delay = when - time.monotonic()
            if delay > 0:
                stop.wait(delay)
                continue
            heapq.heappop(self._events)
            self.handle(kind, subject, rates)

    def handle(self, kind: str, subject: str, rates: dict[str, float]) -> None:
        """Do one thing of the hall."""
        if kind == "arrive":
            self._at(self.random.expovariate(rates[subject]), "arrive", subject)
            self.take_number(subject)
        elif kind == "first":
            self.take_number(subject)
        elif kind in ("call", "recall"):
            counter_id, _, turn = subject.partition("#")
            desk = self.desks[counter_id]
            if int(turn) != desk.turn:
                return
            if kind == "call":
                self.call_next(desk)
            else:
                self.recall(desk)
        elif kind == "scan":
            self._at(self.random.expovariate(1 / SCAN_EVERY), "scan")
            self.scan()

    # Officers ---------------------------------------------------------------------------

    def open_counters(self) -> None:
        """Log the demo officers in at their counters (or just open them without accounts)."""
        for counter_id, desk in self.desks.items():
            officer = self.officers[counter_id]
            if self.pin:
                reply = desk.client.send(
                    OfficerLogin(request_id=new_request_id(), officer_id=officer, password=self.pin)
                )
            else:
                reply = desk.client.send(
                    c.OpenCounter(request_id=new_request_id(), officer_id=officer)
                )
            if not reply.ok and reply.error:
                self.out(f"  quầy {desk.label:>2} ✗ {reply.error.message}")

    def call_next(self, desk: Desk) -> None:
        """The officer is done with the citizen at the desk and calls the next number."""
        reply = desk.client.send(c.CallNext(request_id=new_request_id()))
        ticket = reply.result.get("ticket") if reply.ok else None
        if ticket is None:
            desk.number, desk.idle = "", True
            return
        desk.number, desk.recalls, desk.idle = ticket["number"], 0, False
        self.out(f"  quầy {desk.label:>2} → mời số {ticket['number']} · {self.why(ticket)}")
        if self.random.random() < NO_SHOW_SHARE:
            self._next(desk, 8.0, "recall")
            return
        mean = self.service_seconds(ticket["service"])
        self._next(desk, self.random.lognormvariate(math.log(mean) - SPREAD**2 / 2, SPREAD), "call")

    def recall(self, desk: Desk) -> None:
        """Nobody came: call the number once more, then mark it absent and call the next."""
        if desk.recalls >= 1:
            reply = desk.client.send(c.NoShow(request_id=new_request_id()))
            if reply.ok:
                self.out(f"  quầy {desk.label:>2} ✗ số {desk.number} vắng mặt sau 2 lần mời")
            self.call_next(desk)
            return
        reply = desk.client.send(c.Recall(request_id=new_request_id()))
        if reply.ok:
            desk.recalls += 1
            self.out(f"  quầy {desk.label:>2} ↻ mời lại số {desk.number}")
        self._next(desk, 8.0, "recall")

    def why(self, ticket: dict[str, object]) -> str:
        """Say why this number now: its service, its priority, and how long it waited."""
        parts = [str(ticket["service_name"])]
        priority = ticket.get("priority")
        if isinstance(priority, str):
            parts.append(f"ưu tiên: {self.site.priority(priority).name.lower()}")
        issued = datetime.fromisoformat(str(ticket["issued_at"]))
        waited = int((utc_now() - issued).total_seconds() // 60)
        parts.append(f"đã chờ {waited} phút" if waited else "đã chờ dưới 1 phút")
        return " · ".join(parts)

    # Citizens ---------------------------------------------------------------------------

    def first_citizens(self, rates: dict[str, float]) -> None:
        """A few citizens came before the doors opened (unless people already wait)."""
        wanted = max(0, round(len(self.desks) * 1.2) - self.waiting_now)
        codes = list(rates)
        if not codes or not wanted:
            return
        weights = [rates[code] for code in codes]
        for n, code in enumerate(self.random.choices(codes, weights, k=wanted)):
            self._at(0.25 * n, "first", code)

    def take_number(self, code: str) -> None:
        """A citizen takes a number for a service; an idle officer serving it notices."""
        priority = None
        if self.site.priorities and self.random.random() < PRIORITY_SHARE:
            priority = self.random.choice(self.site.priorities).id
        kiosk = self.random.choice(self.kiosks)
        reply = kiosk.send(
            c.IssueTicket(request_id=new_request_id(), service=code, priority=priority)
        )
        if not reply.ok:
            if reply.error:
                self.out(f"  kiosk  ✗ {reply.error.message}")
            return
        self.out(f"  kiosk  → {self.describe_ticket(reply)}")
        ticket = reply.result["ticket"]
        if not self.issued and str(ticket["qr"]).startswith(("http://", "https://")):
            self.out(f"  trang của số {ticket['number']} trên điện thoại: {ticket['qr']}")
        self.issued.append(ticket["qr"])
        for desk in self.desks.values():
            if desk.idle and code in desk.services:
                desk.idle = False
                self._next(desk, self.random.uniform(1.0, 3.0), "call")

    def describe_ticket(self, reply: Reply) -> str:
        """Say what the kiosk printed: number, service, priority, people ahead, estimate."""
        ticket = reply.result["ticket"]
        number = ticket["number"]
        priority = ticket.get("priority")
        if priority:
            number += f" (ưu tiên: {self.site.priority(priority).name.lower()})"
        ahead = int(ticket["people_ahead"])
        minutes = int(ticket["estimated_wait_minutes"])
        if minutes == 0:
            wait = "được mời ngay"
        elif ahead:
            wait = f"{ahead} người chờ trước, {wait_text(minutes)}"
        else:
            wait = f"không ai chờ trước, {wait_text(minutes)} (các quầy đang bận)"
        return f"số {number} · {ticket['service_name']} · {wait}"

    def scan(self) -> None:
        """A citizen checks their ticket, or the progress of their dossier, at the scanner."""
        if self.scan_desk is None or not self.issued:
            return
        if self.slips and self.random.random() < 0.4:
            self.scan_desk.scan(self.random.choice(self.slips))
        else:
            self.scan_desk.scan(self.random.choice(self.issued[-10:]))

    def _on_queues(self, message: Message) -> None:
        try:
            services = json.loads(message.payload)["services"]
            self.waiting_now = sum(int(s["waiting"]) for s in services)
        except (ValueError, KeyError, TypeError):
            return


def watch_board(bus: Bus, site: Site, out: Printer = say) -> None:
    """Print a zone's board as the hall display shows it, each time it changes."""
    topics = Topics(site.id)
    shown: dict[str, str] = {}

    def show(message: Message) -> None:
        """Print a board whose served numbers changed."""
        board = json.loads(message.payload)
        serving = " · ".join(
            f"Q{line['label']} {line['number']}" for line in board["counters"] if line["number"]
        )
        if shown.get(board["zone"]) == serving:
            return
        shown[board["zone"]] = serving
        if serving:
            out(f"  bảng {board['zone_name']}: {serving}")

    for zone in site.zones:
        bus.subscribe(topics.board(zone.id), show)


def wait_for_displays(bus: Bus, site: Site, timeout: float, stop: threading.Event) -> bool:
    """Wait until the hall display of every zone is online (so the first calls are heard)."""
    topics = Topics(site.id)
    online: set[str] = set()
    ready = threading.Event()
    wanted = {f"display-{zone.id}" for zone in site.zones}

    def seen(message: Message) -> None:
        """Note a display that came online."""
        try:
            status = json.loads(message.payload)
        except ValueError:
            return
        if status.get("state") == "online":
            online.add(str(status.get("client_id")))
        if wanted <= online:
            ready.set()

    for client in wanted:
        bus.subscribe(topics.status(client), seen)
    deadline = time.monotonic() + timeout
    while not ready.is_set() and not stop.is_set() and time.monotonic() < deadline:
        ready.wait(0.2)
    return ready.is_set()
