"""Shared machinery of all sources: the text pipeline (AIM, cleaning, classify, repeat filter),
listeners, and a worker thread that reconnects by itself with back-off."""

from __future__ import annotations

import hashlib
import logging
import secrets
import threading
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import TypedDict, Unpack

from hw.scanner.aim import split_aim
from hw.scanner.events import (
    ConnectionState,
    ScanEvent,
    ScanListener,
    StateListener,
    Symbology,
)
from hw.scanner.framing import Framer, Framing
from shared.domain.codes import (
    DEFAULT_DOSSIER_PATTERN,
    MAX_CARD_SCAN_LENGTH,
    MAX_SCAN_LENGTH,
    CodeKind,
    ScannedCode,
    classify,
    clean_scan,
)

log = logging.getLogger(__name__)

Clock = Callable[[], float]
# Keys the repeat filter's fingerprint of an ID card QR: the filter must not keep the payload.
_FINGERPRINT_KEY = secrets.token_bytes(16)


def _fingerprint(text: str) -> str:
    return hashlib.blake2b(text.encode(), key=_FINGERPRINT_KEY, digest_size=16).hexdigest()


def _now() -> datetime:
    return datetime.now(UTC)


class RepeatFilter:
    """Report the same text once while it keeps being read within `window_s` seconds."""

    def __init__(self, window_s: float, clock: Clock = time.monotonic) -> None:
        self.window_s = window_s
        self._clock = clock
        self._last_seen: dict[str, float] = {}

    def accept(self, text: str) -> bool:
        """Return True if text should be reported now; remember that it was seen."""
        now = self._clock()
        if len(self._last_seen) > 64:
            self._last_seen = {k: t for k, t in self._last_seen.items() if now - t < self.window_s}
        last = self._last_seen.get(text)
        self._last_seen[text] = now
        return last is None or now - last >= self.window_s


class PipelineOptions(TypedDict, total=False):
    """Keyword options of the text pipeline every source accepts."""

    repeat_window_s: float
    parse_aim: bool
    dossier_pattern: str
    foreign_patterns: Sequence[str]
    clock: Clock


class ThreadOptions(PipelineOptions, total=False):
    """Keyword options of threaded sources: the pipeline's plus reconnect back-off."""

    reconnect_min_s: float
    reconnect_max_s: float


class ScannerBase:
    """Listeners, state and the text pipeline every source shares."""

    def __init__(
        self,
        scanner_id: str,
        *,
        repeat_window_s: float = 2.0,
        parse_aim: bool = True,
        dossier_pattern: str = DEFAULT_DOSSIER_PATTERN,
        foreign_patterns: Sequence[str] = (),
        clock: Clock = time.monotonic,
    ) -> None:
        self._id = scanner_id
        self._parse_aim = parse_aim
        self._dossier_pattern = dossier_pattern
        self._foreign_patterns = tuple(foreign_patterns)
        self._clock = clock
        self._repeats = RepeatFilter(repeat_window_s, clock)
        self._scan_listeners: list[ScanListener] = []
        self._state_listeners: list[StateListener] = []
        self._state = ConnectionState.STOPPED
        self._lock = threading.Lock()

    @property
    def id(self) -> str:
        """Return the scanner id from the site config."""
        return self._id

    @property
    def state(self) -> ConnectionState:
        """Return the current connection state."""
        return self._state

    def add_scan_listener(self, listener: ScanListener) -> None:
        """Call listener for every scan (from the source's thread)."""
        self._scan_listeners.append(listener)

    def add_state_listener(self, listener: StateListener) -> None:
        """Call listener on every connection-state change (from the source's thread)."""
        self._state_listeners.append(listener)

    def _set_state(self, state: ConnectionState) -> None:
        with self._lock:
            if state is self._state:
                return
            self._state = state
        for listener in list(self._state_listeners):
            try:
                listener(state)
            except Exception:
                log.exception("scanner %s: state listener failed", self._id)

    def deliver_text(
        self, raw: str, symbology: Symbology | None = None, *, aim: bool | None = None
    ) -> ScanEvent | None:
        """Run raw text through AIM parsing, cleaning, classify and the repeat filter; emit it."""
        raw = raw[: MAX_CARD_SCAN_LENGTH * 2]
        if self._parse_aim if aim is None else aim:
            aim_symbology, raw = split_aim(raw)
            symbology = aim_symbology or symbology
        text = clean_scan(raw, MAX_CARD_SCAN_LENGTH)
        if not text:
            return None
        code = self.classify(text)
        if code.kind is CodeKind.CITIZEN_ID:
            # An ID card's payload goes no further than this function: the event carries the
            # parsed fields and the masked ID number, the repeat filter a keyed fingerprint.
            if not self._repeats.accept(_fingerprint(text)):
                return None
            text = code.text
        else:
            text = text[:MAX_SCAN_LENGTH]  # what classify looked at
            if not self._repeats.accept(text):
                return None
        event = ScanEvent(text, symbology, self._id, _now(), self._clock(), code)
        for listener in list(self._scan_listeners):
            try:
                listener(event)
            except Exception:
                log.exception("scanner %s: scan listener failed", self._id)
        return event

    def classify(self, text: str) -> ScannedCode:
        """Recognise cleaned text with this source's dossier and foreign code patterns."""
        return classify(text, self._dossier_pattern, self._foreign_patterns)

    def deliver_bytes(self, frame: bytes, symbology: Symbology | None = None) -> ScanEvent | None:
        """Decode one frame of bytes (UTF-8, bad bytes replaced) and deliver it."""
        return self.deliver_text(frame.decode("utf-8", errors="replace"), symbology)

    def __enter__(self) -> ScannerBase:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        """Start reading."""
        raise NotImplementedError

    def stop(self) -> None:
        """Stop reading."""
        raise NotImplementedError


class ThreadedScanner(ScannerBase):
    """A source read by its own worker thread: connect, serve until error, back off, retry."""

    def __init__(
        self,
        scanner_id: str,
        *,
        reconnect_min_s: float = 0.5,
        reconnect_max_s: float = 5.0,
        **kwargs: Unpack[PipelineOptions],
    ) -> None:
        super().__init__(scanner_id, **kwargs)
        self.reconnect_min_s = reconnect_min_s
        self.reconnect_max_s = reconnect_max_s
        self.last_error = ""
        self._stop_event = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def stopping(self) -> bool:
        """Return True once stop() was called."""
        return self._stop_event.is_set()

    def start(self) -> None:
        """Start the worker thread (no-op when it already runs)."""
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop_event.clear()
        self._thread = threading.Thread(target=self._run, name=f"scanner-{self.id}", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Ask the worker to stop, wait for it, and report STOPPED."""
        self._stop_event.set()
        self._interrupt()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        self._set_state(ConnectionState.STOPPED)

    def wait(self, seconds: float | None = None) -> bool:
        """Sleep up to seconds (without: until stop()); return True early when stopping."""
        return self._stop_event.wait(seconds)

    def _run(self) -> None:
        delay = self.reconnect_min_s
        while not self.stopping:
            self._set_state(ConnectionState.CONNECTING)
            try:
                self._connect()
            except Exception as exc:
                self._note_error(exc)
                self._set_state(ConnectionState.DISCONNECTED)
                self.wait(delay)
                delay = min(delay * 2, self.reconnect_max_s)
                continue
            self._set_state(ConnectionState.CONNECTED)
            delay = self.reconnect_min_s
            try:
                self._serve()
            except Exception as exc:
                self._note_error(exc)
            finally:
                self._safe_disconnect()
            if not self.stopping:
                self._set_state(ConnectionState.DISCONNECTED)
                self.wait(delay)

    def _note_error(self, exc: BaseException) -> None:
        message = f"{type(exc).__name__}: {exc}"
        if message != self.last_error:
            log.warning("scanner %s: %s", self.id, message)
        self.last_error = message

    def _safe_disconnect(self) -> None:
        try:
            self._disconnect()
        except Exception:
            log.debug("scanner %s: error while closing", self.id, exc_info=True)

    def _connect(self) -> None:
        """Open the device; raise when it is not there."""
        raise NotImplementedError

    def _serve(self) -> None:
        """Read until stopping (return) or the device fails (raise)."""
        raise NotImplementedError

    def _disconnect(self) -> None:
        """Close the device."""

    def _interrupt(self) -> None:
        """Wake a blocked read so stop() is prompt (optional)."""


class StreamScanner(ThreadedScanner):
    """A threaded source whose device sends framed bytes (serial readers, the simulator)."""

    def __init__(
        self, scanner_id: str, *, framing: Framing = Framing.AUTO, **kwargs: Unpack[ThreadOptions]
    ) -> None:
        super().__init__(scanner_id, **kwargs)
        self.framer = Framer(framing)

    def feed(self, data: bytes) -> list[ScanEvent]:
        """Frame received bytes and deliver every complete scan; return the events emitted."""
        events = []
        for frame in self.framer.feed(data):
            event = self.deliver_bytes(frame)
            if event is not None:
                events.append(event)
        return events

    def _safe_disconnect(self) -> None:
        self.framer.reset()  # a line cut by the disconnect is never completed
        super()._safe_disconnect()
