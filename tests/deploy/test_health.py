"""/healthz and /metrics of a queue server running on a real broker, read with urllib."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

from server.daemon import QueueServer
from server.health import HealthServer
from shared.messaging import commands as c
from shared.messaging.client import CommandClient, new_request_id
from shared.messaging.paho_bus import PahoBus
from shared.messaging.topics import Topics

pytestmark = pytest.mark.integration
Connect = Callable[..., PahoBus]


@pytest.fixture
def endpoint(running_server: QueueServer) -> Iterator[str]:
    health = HealthServer(running_server, "127.0.0.1", 0).start()
    yield f"http://127.0.0.1:{health.port}"
    health.stop()


def get(url: str) -> tuple[int, str, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            body = response.read().decode("utf-8")
            return response.status, response.headers["Content-Type"], body
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers["Content-Type"], exc.read().decode("utf-8")


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of a Prometheus text page, keyed by name and sorted labels."""
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def serve_a_morning(bus_factory: Connect, topics: Topics) -> None:
    """Three tickets, one called and finished, one refused command."""
    kiosk = CommandClient(bus_factory("kiosk-1", "kiosk"), topics, "kiosk-1")
    for _ in range(3):
        assert kiosk.send(c.IssueTicket(request_id=new_request_id(), service="ho-tich")).ok
    refused = kiosk.send(c.IssueTicket(request_id=new_request_id(), service="no-such-service"))
    assert not refused.ok
    counter = CommandClient(bus_factory("q01", "counter"), topics, "q01")
    assert counter.send(c.OpenCounter(request_id=new_request_id(), officer_id="cb01")).ok
    assert counter.send(c.CallNext(request_id=new_request_id())).ok
    assert counter.send(c.StartServing(request_id=new_request_id())).ok
    assert counter.send(c.Finish(request_id=new_request_id())).ok


def test_healthz_reports_database_broker_and_commands_handled(
    endpoint: str, running_server: QueueServer, bus_factory: Connect, topics: Topics
) -> None:
    serve_a_morning(bus_factory, topics)
    # The count goes up just after the last reply is sent: wait for it, not for a time.
    deadline = time.monotonic() + 10
    while running_server.handled < 8 and time.monotonic() < deadline:
        time.sleep(0.01)
    status, content_type, body = get(endpoint + "/healthz")
    assert status == 200 and content_type == "application/json"
    report = json.loads(body)
    assert report["ok"] is True and report["database"] is True and report["broker"] is True
    assert report["site"] == "hcc-demo"
    assert report["commands_handled"] == running_server.handled == 8


def test_healthz_says_503_when_the_database_does_not_answer(
    endpoint: str, running_server: QueueServer
) -> None:
    working = running_server.sessions
    broken = create_engine("sqlite:////nonexistent-directory/motcua.db")
    running_server.sessions = sessionmaker(broken)
    try:
        status, _, body = get(endpoint + "/healthz")
    finally:
        running_server.sessions = working
        broken.dispose()
    assert status == 503
    report = json.loads(body)
    assert report["database"] is False and report["ok"] is False and report["broker"] is True


def test_metrics_count_commands_by_verb_errors_by_code_and_the_queue(
    endpoint: str, bus_factory: Connect, topics: Topics
) -> None:
    serve_a_morning(bus_factory, topics)
    status, content_type, body = get(endpoint + "/metrics")
    assert status == 200 and content_type.startswith("text/plain")
    found = samples(body)
    assert found[("motcua_command_seconds_count", (("verb", "issue_ticket"),))] == 4
    assert found[("motcua_command_seconds_count", (("verb", "call_next"),))] == 1
    assert found[("motcua_command_seconds_count", (("verb", "finish"),))] == 1
    errors = {k: v for k, v in found.items() if k[0] == "motcua_command_errors_total"}
    assert sum(errors.values()) == 1
    assert next(iter(errors))[1][1] == ("verb", "issue_ticket")
    assert found[("motcua_tickets_issued_total", ())] == 3
    assert found[("motcua_tickets_waiting", (("service", "ho-tich"),))] == 2
    assert found[("motcua_tickets_issued_today", (("service", "ho-tich"),))] == 3
    assert found[("motcua_batch_seconds_count", ())] >= 1
    assert get(endpoint + "/nothing-here")[0] == 404
