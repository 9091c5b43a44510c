"""Result transfers at the central index: notices checked, kept once, acknowledged, forwarded.

The index's batches are driven by hand (no worker thread) on the in-memory bus, on SQLite and
on PostgreSQL; ticks are handed to `handle_batch` as the timer would put them in the inbox.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from central.service import CentralIndex, Tick
from shared.domain.dossiers import DossierStatus
from shared.messaging.bus import Message
from shared.messaging.index import DOSSIER, HANDOVER, IndexEntry, ResultEvent, ResultHandover
from shared.messaging.memory import MemoryBroker, MemoryBus
from shared.storage.index_tables import CentralHandoverRow, CentralSiteRow
from tests.central.handover_parts import (
    CODE,
    HOLDER,
    HOLDER_BASE,
    NOW,
    OWNER,
    OWNER_BASE,
    PREFIXES,
    Recorder,
    handover_rows,
    message,
    notice,
    transferred,
)
from tests.helpers.clock import FakeClock
from tests.helpers.index_entries import entry

RESEND = 60


@dataclass
class Hub:
    """The index, not started, its broker's traffic recorded, its clock in the test's hands."""

    index: CentralIndex
    sessions: sessionmaker[Session]
    clock: FakeClock
    sent: Recorder

    def feed(self, *messages: Message | Tick) -> None:
        """One batch, as the worker would take it."""
        self.index.handle_batch(list(messages))

    def entry(self, item: IndexEntry, base: str = OWNER_BASE) -> None:
        """A branch's entry arrives."""
        self.feed(message(base, DOSSIER, item))

    def notice(self, item: ResultHandover, base: str = HOLDER_BASE) -> None:
        """The holding branch's notice arrives."""
        self.feed(message(base, HANDOVER, item))


@pytest.fixture
def hub(central_sessions: sessionmaker[Session]) -> Iterator[Hub]:
    broker = MemoryBroker()
    clock = FakeClock(NOW)
    recorder = Recorder(MemoryBus(broker, "monitor"))
    bus = MemoryBus(broker, "central")
    index = CentralIndex(
        central_sessions, bus, PREFIXES, clock=clock, handover_resend_seconds=RESEND
    )
    yield Hub(index, central_sessions, clock, recorder)
    bus.close()


def test_a_notice_is_acknowledged_and_forwarded_under_the_owners_own_prefix(hub: Hub) -> None:
    hub.entry(transferred(2))
    assert hub.sent.acks(OWNER_BASE) == [(CODE, 2)]
    arrived = notice()
    hub.notice(arrived)
    assert hub.sent.acks(HOLDER_BASE) == [(CODE, 1)]
    assert hub.sent.handed(OWNER_BASE) == [arrived]  # tinh/hcm/…, where hcc-a's entries came by
    assert hub.sent.on(f"motcua/v1/{OWNER}/index/handed") == []
    (row,) = handover_rows(hub.sessions)
    assert (row.code, row.version, row.site_id, row.owner_site_id) == (CODE, 1, HOLDER, OWNER)
    assert ResultHandover.model_validate_json(row.notice) == arrived
    assert (row.sent_at, row.applied_at) == (NOW, None)
    counts = hub.index.counts
    assert (counts.handovers_stored, counts.handovers_forwarded) == (1, 1)


def test_the_same_notice_twice_is_stored_once_and_acknowledged_again(hub: Hub) -> None:
    hub.entry(transferred(2))
    arrived = notice()
    hub.notice(arrived)
    hub.clock.advance(seconds=5)
    hub.notice(arrived)
    hub.feed(message(HOLDER_BASE, HANDOVER, arrived), message(HOLDER_BASE, HANDOVER, arrived))
    assert hub.sent.acks(HOLDER_BASE) == [(CODE, 1)] * 3  # one per batch
    assert len(handover_rows(hub.sessions)) == 1
    assert (hub.index.counts.handovers_stored, hub.index.counts.handovers_known) == (1, 3)
    # Not applied yet: the owner is told again (it takes a notice once).
    assert hub.sent.handed(OWNER_BASE) == [arrived] * 3


@pytest.mark.parametrize(
    ("base", "sent", "owner_entry"),
    [
        # hcc-c's bridge sends a notice in hcc-b's name.
        ("motcua/v1/hcc-c", notice(), transferred(2)),
        # A dossier the index never heard of.
        (HOLDER_BASE, notice(code="000.00.17.H97-261207-0999"), transferred(2)),
        # The dossier is not hcc-c's: the notice names the wrong owner.
        (HOLDER_BASE, notice(owner_site_id="hcc-c"), transferred(2)),
        # The result was sent to another branch, or to none.
        (HOLDER_BASE, notice(), transferred(2, to="hcc-d")),
        (HOLDER_BASE, notice(), transferred(2, to=None)),
    ],
    ids=["wrong-sender", "unknown-code", "wrong-owner", "other-branch", "not-transferred"],
)
def test_a_notice_the_index_cannot_vouch_for_is_refused_and_not_acknowledged(
    hub: Hub,
    base: str,
    sent: ResultHandover,
    owner_entry: IndexEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    hub.entry(owner_entry)
    hub.sent.clear()
    hub.notice(sent, base)
    assert hub.sent.messages == []  # no ack, nothing forwarded
    assert handover_rows(hub.sessions) == []
    assert hub.index.counts.handovers_rejected == 1
    assert any(r.levelname == "ERROR" and "refused" in r.getMessage() for r in caplog.records)


def test_a_malformed_notice_is_counted_and_ignored(hub: Hub) -> None:
    hub.entry(transferred(2))
    hub.sent.clear()
    hub.feed(Message(f"{HOLDER_BASE}/index/{HANDOVER}", b'{"type": "result_handover"}'))
    assert hub.sent.messages == [] and handover_rows(hub.sessions) == []
    assert hub.index.counts.rejected == 1


def test_the_owners_next_entries_mark_the_notices_applied(hub: Hub) -> None:
    hub.entry(transferred(2))
    hub.notice(notice())
    hub.clock.advance(minutes=1)
    # Another branch's entry, or the owner's not showing the arrival, changes nothing.
    hub.entry(transferred(3))
    hub.entry(entry("000.00.17.H97-261207-0002", 9, site=OWNER, result_arrived=True))
    assert [r.applied_at for r in handover_rows(hub.sessions)] == [None]
    hub.entry(transferred(4, result_arrived=True))
    applied_at = hub.clock()
    assert [(r.version, r.applied_at) for r in handover_rows(hub.sessions)] == [(1, applied_at)]
    returned = notice(ResultEvent.RETURNED)
    hub.notice(returned)
    assert hub.sent.handed(OWNER_BASE) == [notice(), returned]
    hub.clock.advance(minutes=1)
    # A late resend of the owner's older entry (KNOWN) shows no more than it did.
    hub.entry(transferred(3))
    hub.entry(transferred(5, result_arrived=True, status=DossierStatus.RETURNED))
    rows = handover_rows(hub.sessions)
    assert [(r.version, r.applied_at) for r in rows] == [(1, applied_at), (2, hub.clock())]
    assert hub.index.counts.handovers_applied == 2


def test_a_notice_the_owner_already_shows_is_acknowledged_not_forwarded(hub: Hub) -> None:
    hub.entry(transferred(4, result_arrived=True))
    hub.notice(notice())
    assert hub.sent.acks(HOLDER_BASE) == [(CODE, 1)]
    assert hub.sent.handed(OWNER_BASE) == []
    assert [r.applied_at for r in handover_rows(hub.sessions)] == [NOW]


def test_an_unapplied_notice_is_sent_again_after_the_interval(hub: Hub) -> None:
    hub.entry(transferred(2))
    hub.notice(notice())
    hub.sent.clear()
    hub.clock.advance(seconds=RESEND - 1)
    hub.feed(Tick.RESEND_DUE)
    assert hub.sent.messages == []  # sent a moment ago
    hub.clock.advance(seconds=2)
    hub.feed(Tick.RESEND_DUE)
    assert hub.sent.handed(OWNER_BASE) == [notice()]
    (row,) = handover_rows(hub.sessions)
    assert row.sent_at == hub.clock()
    hub.feed(Tick.RESEND_DUE, Tick.RESEND_DUE)  # several ticks in one batch: one resend
    assert len(hub.sent.messages) == 1
    # Applied: never sent again.
    hub.entry(transferred(3, result_arrived=True))
    hub.sent.clear()
    hub.clock.advance(seconds=RESEND * 10)
    hub.feed(Tick.RESEND_DUE, Tick.RESEND_ALL)
    assert hub.sent.messages == []
    assert hub.index.counts.handovers_resent == 1


def test_at_start_every_unapplied_notice_is_sent_again(hub: Hub) -> None:
    hub.entry(transferred(2))
    hub.notice(notice())
    hub.sent.clear()
    hub.clock.advance(seconds=1)
    hub.feed(Tick.RESEND_ALL)  # what start() puts first in the inbox
    assert hub.sent.handed(OWNER_BASE) == [notice()]


def test_a_notice_never_sent_goes_at_the_next_tick(hub: Hub) -> None:
    """Stored, then the index stopped before forwarding it: sent_at is empty."""
    hub.entry(transferred(2))
    hub.notice(notice())
    with hub.sessions.begin() as session:
        session.execute(update(CentralSiteRow).values(base=""))  # stored before `base` existed
        session.execute(update(CentralHandoverRow).values(sent_at=None))
    hub.sent.clear()
    hub.feed(Tick.RESEND_DUE)
    # No prefix known for the owner: its usual topics.
    assert hub.sent.handed(f"motcua/v1/{OWNER}") == [notice()]
    assert handover_rows(hub.sessions)[0].sent_at == NOW


def test_the_index_records_the_prefix_each_branch_comes_by(hub: Hub) -> None:
    hub.entry(transferred(2))
    hub.entry(entry("000.00.17.H98-261207-0001", 1, site=HOLDER), HOLDER_BASE)
    with hub.sessions() as session:
        rows = session.execute(select(CentralSiteRow.site_id, CentralSiteRow.base))
        bases = {site: base for site, base in rows}
    assert bases == {OWNER: OWNER_BASE, HOLDER: HOLDER_BASE}
