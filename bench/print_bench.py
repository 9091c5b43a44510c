"""Time from 'print ticket' to the last byte arriving at a (fake, loopback) network printer.

Runs the real path: render → 1-bit raster → python-escpos bytes → status check (DLE EOT) →
socket. Prints p50/p99 per document and bytes per job. Target: ticket ≤ 30 ms and ≤ 25 KB.

    .venv/bin/python bench/print_bench.py [--tickets 200] [--slips 30]
"""

from __future__ import annotations

import argparse
import statistics
import time

from hw.printer.demo import demo_document
from hw.printer.fake_network import FakeNetworkPrinter
from hw.printer.service import ReceiptPrinter
from shared.config.printer import PrinterConfig


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def run(kind: str, count: int) -> None:
    with FakeNetworkPrinter() as fake:
        printer = ReceiptPrinter(
            PrinterConfig(id="bench", driver="network", host=fake.host, port=fake.port)
        )
        document = demo_document(kind)
        printer.print_document(document)  # warm up: fonts, profile, first connection
        latencies, render_times, sizes = [], [], []
        for _ in range(count):
            jobs_before = len(fake.jobs)
            start = time.perf_counter()
            result = printer.print_document(document)
            if not result.printed:
                raise SystemExit(f"{kind}: {result.message}")
            if not fake.wait_for_jobs(jobs_before + 1):
                raise SystemExit(f"{kind}: the fake printer never received the job")
            latencies.append((fake.last_byte_at[-1] - start) * 1000)
            sizes.append(result.bytes_sent)
            start = time.perf_counter()
            printer.encode(document)
            render_times.append((time.perf_counter() - start) * 1000)
        printer.close()
    print(
        f"{kind:<7} n={count:<4} to last byte: p50 {percentile(latencies, 0.5):6.1f} ms  "
        f"p99 {percentile(latencies, 0.99):6.1f} ms | render+encode p50 "
        f"{statistics.median(render_times):5.1f} ms | {statistics.mean(sizes) / 1024:6.1f} KB/job"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tickets", type=int, default=200)
    parser.add_argument("--slips", type=int, default=30)
    args = parser.parse_args()
    run("ticket", args.tickets)
    run("slip", args.slips)


if __name__ == "__main__":
    main()
