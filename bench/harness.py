"""A tiny harness: named scenarios, each run in its own process, reported as one table."""

from __future__ import annotations

import json
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Scenario:
    name: str
    size: str
    run: Callable[[], object]
    repeat: int = 5
    setup: Callable[[], object] | None = None
    note: str = ""


def measure(scenario: Scenario) -> dict[str, object]:
    """Run one scenario in this process; timings in seconds and peak resident memory in MB."""
    if scenario.setup is not None:
        scenario.setup()
    times = []
    for _ in range(scenario.repeat):
        started = time.perf_counter()
        scenario.run()
        times.append(time.perf_counter() - started)
    # The PD planner solves teams in worker processes: count the largest process, too.
    peak_mb = (
        max(
            resource.getrusage(who).ru_maxrss
            for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
        )
        / 1024
    )
    return {
        "name": scenario.name,
        "size": scenario.size,
        "times": times,
        "peak_mb": peak_mb,
        "note": scenario.note,
    }


def run_isolated(name: str) -> dict[str, object]:
    result = subprocess.run(
        [sys.executable, "-m", "bench.one", name], capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        return {"name": name, "error": (result.stderr.strip().splitlines() or ["failed"])[-1]}
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def p95(values: list[float]) -> float:
    if len(values) < 2:
        return values[0]
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


def print_table(rows: list[dict[str, object]]) -> None:
    header = f"{'scenario':<34} {'size':<28} {'median':>9} {'p95':>9} {'peak MB':>8}  target"
    print(header)
    print("-" * len(header))
    for row in rows:
        if "error" in row:
            print(f"{row['name']:<34} error: {row['error']}")
            continue
        times = list(row["times"])  # type: ignore[call-overload]
        print(
            f"{row['name']:<34} {row['size']!s:<28} {statistics.median(times):>8.3f}s "
            f"{p95(times):>8.3f}s {row['peak_mb']:>8.0f}  {row['note']}"
        )
