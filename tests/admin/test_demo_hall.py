"""`motcua demo`'s hall: officers on both floors at a human pace, lines that say why a number
is called, windows side by side, and a scan example that works as printed."""

from __future__ import annotations

import json
import os
import re
import subprocess
import threading
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from admin.demo import scaled_config, scan_example, window_layout
from admin.demo_bot import HallBot
from admin.demo_scanner import ScanDesk
from admin.demo_seed import seed_demo
from server.daemon import QueueServer
from shared.domain.site import Site
from shared.messaging.memory import MemoryBroker, MemoryBus
from shared.messaging.topics import Topics
from shared.runtime import utc_now
from tests.helpers.clock import FakeClock
from tests.helpers.memory_server import Hall
from tests.helpers.sites import demo_config


def test_the_hall_bot_staffs_both_floors_and_says_why_each_number_is_called(
    demo_site: Site, sessions: sessionmaker[Session]
) -> None:
    broker = MemoryBroker()
    topics = Topics(demo_site.id)
    server = QueueServer(demo_site, sessions, MemoryBus(broker, "server"), utc_now)
    server.rollover()
    server.publish_all()
    broker.subscribe(topics.commands(), server.handle)
    lines: list[str] = []
    counters = [c.id for c in demo_site.counters]
    bot = HallBot(
        demo_site, MemoryBus(broker, "bot"), counters, speed=400, seed=3, out=lines.append
    )
    stop = threading.Event()
    worker = threading.Thread(target=bot.run, args=(stop,))
    worker.start()
    stop.wait(4)
    stop.set()
    worker.join(10)
    for counter in demo_site.counters:
        state = json.loads(broker.retained[topics.counter(counter.id)].payload)
        assert state["status"] == "open", f"{counter.id} ({counter.zone}) was never staffed"
    calls = [line for line in lines if "→ mời số" in line]
    issued = [line for line in lines if "kiosk  → số" in line]
    assert len(calls) >= 5 and len(issued) >= 5
    zones = {c.label: c.zone for c in demo_site.counters}
    called_at = {zones[line.split()[1]] for line in calls}
    assert called_at == {"tang-1", "tang-2"}, "both floors call numbers"
    names = {s.name for s in demo_site.services}
    assert all(line.split(" · ")[1] in names for line in calls), "each call names its service"
    priorities = {p.name.lower() for p in demo_site.priorities}
    for line in lines:
        for reason in re.findall(r"ưu tiên: ([^)·]+?)(?:\)| ·)", line):
            assert reason in priorities, line
    assert not any("khoảng 0 phút" in line for line in lines)
    queues = json.loads(broker.retained[topics.queues()].payload)["services"]
    assert sum(s["waiting"] for s in queues) <= 2 * len(counters), "queues stay level"


def test_the_scan_example_works_with_what_setup_installs(
    demo_site: Site,
    sessions: sessionmaker[Session],
    clock: FakeClock,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    config = demo_config().model_copy(update={"data_dir": str(tmp_path / "data")})
    seed = seed_demo(sessions, config, clock())
    hall = Hall(demo_site, sessions, clock)
    desk = ScanDesk(hall.device("scan-desk"), config.dossiers.code_regex())
    desk.start()
    try:
        command = scan_example(desk.port, seed)
        assert "YYYYMMDD" not in command and "nc " not in command
        subprocess.run(["bash", "-c", command], cwd=os.getcwd(), check=True, timeout=60)
        lines: list[str] = []
        for _ in range(100):
            lines += [x for x in capsys.readouterr().out.splitlines() if "quét" in x]
            if lines:
                break
            threading.Event().wait(0.05)
    finally:
        desk.stop()
    code = seed.slips[0][0]
    assert lines and f"hồ sơ {code} (Trần T** H**): Đã tiếp nhận" in lines[0]


def test_windows_are_placed_side_by_side_without_overlap() -> None:
    layout = window_layout((0, 0, 1920, 1080), ["tang-1", "tang-2"], True, ["q07"])
    assert set(layout) == {"tang-1", "tang-2", "kiosk", "q07", "q07-pad"}
    boxes = []
    for geometry in layout.values():
        size, x, y = geometry.split("+")
        width, height = (int(v) for v in size.split("x"))
        boxes.append((int(x), int(y), int(x) + width, int(y) + height))
    for i, a in enumerate(boxes):
        assert 0 <= a[0] < a[2] <= 1920 and 0 <= a[1] < a[3] <= 1080
        for b in boxes[i + 1 :]:
            assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1], (a, b)
    assert layout["kiosk"].startswith("480x1080+1440+0"), "the kiosk stands portrait on the right"


def test_the_demo_server_expects_the_demo_pace_before_measuring_any() -> None:
    config = demo_config()
    fast = scaled_config(config, 10)
    assert [s.average_minutes * 10 for s in fast.services] == [
        s.average_minutes for s in config.services
    ]
    assert scaled_config(config, 1) is config
