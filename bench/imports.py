"""Peak memory and time of a large metric import (core.metrics.imports), on SQLite in a temp directory
or on the database given: `python -m bench.imports --mb 50 [--database URL]`.

Prints the file size, the rows added, the import's wall time and the process's peak resident
memory above what it used before the import (the file is read line by line from disk, as the
CLI does; the upload page reads the uploaded file object the same way)."""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

from core.metrics.imports import import_metrics
from core.models import Person, Role, Team
from core.platform.db import make_engine, migrate, session_scope

AGENTS = 50


def write_csv(path: Path, megabytes: float) -> int:
    """A valid metrics CSV of about `megabytes`, one csat score per line; returns its rows."""
    target, rows = int(megabytes * 1_000_000), 0
    with path.open("w") as out:
        out.write("agent_email,date,metric,value,source,reference\n")
        while out.tell() < target:
            out.write(f"bench{rows % AGENTS}@example.com,2026-11-02,csat,4,survey,R{rows}\n")
            rows += 1
    return rows


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def run(megabytes: float, database: str | None = None) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        url = database or f"sqlite:///{tmp}/bench.db"
        engine = make_engine(url)
        migrate(engine)
        with session_scope(engine) as session:
            team = Team(name="Bench", site="Leeds", min_staffed=1)
            session.add(team)
            session.flush()
            for i in range(AGENTS):
                session.add(
                    Person(
                        name=f"Bench {i}",
                        email=f"bench{i}@example.com",
                        role=Role.AGENT.value,
                        team_id=team.id,
                    )
                )
        csv = Path(tmp) / "metrics.csv"
        rows = write_csv(csv, megabytes)
        size = csv.stat().st_size / 1_000_000
        before = peak_rss_mb()
        started = time.perf_counter()
        with csv.open("rb") as handle, session_scope(engine) as session:
            result = import_metrics(session, data=handle)
        seconds = time.perf_counter() - started
        grown = max(0.0, peak_rss_mb() - before)
        engine.dispose()
    figures = {"file_mb": size, "rows": rows, "added": result.added, "seconds": seconds}
    figures["peak_growth_mb"] = grown
    print(
        f"import of a {size:.1f} MB CSV ({rows:,} rows, {result.added:,} added): {seconds:.1f} s, "
        f"peak memory {grown:.0f} MB above the {before:.0f} MB before it",
        flush=True,
    )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mb", type=float, default=50)
    parser.add_argument("--database")
    args = parser.parse_args()
    run(args.mb, args.database)


if __name__ == "__main__":
    main()
