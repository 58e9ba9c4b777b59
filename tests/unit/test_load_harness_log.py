"""The load harness reads the servers' own page-run lines (`bench.load.page_runs`): the time a
run waited for a place, its time in the run and its CPU time, from where the level began."""

from __future__ import annotations

from pathlib import Path

from bench.load import page_runs


def test_page_runs_reads_only_the_lines_written_after_the_level_began(tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    before = (
        "2026-12-07 09:00:00,001 INFO headway.pages page=my_day person=3 ms=900 cpu_ms=900 "
        "outcome=ok queued_ms=900\n"
    )
    log.write_text(before)
    offset = log.stat().st_size
    with log.open("a") as handle:
        handle.write(
            "2026-12-07 09:00:01,001 INFO headway.pages page=my_day person=3 ms=100 cpu_ms=40 "
            "outcome=ok queued_ms=10\n"
            "2026-12-07 09:00:01,101 INFO headway.jobs job=daily-reminders ms=840 cpu_ms=1\n"
            "2026-12-07 09:00:01,201 INFO headway.pages page=team person=4 ms=300 cpu_ms=60 "
            "outcome=ok queued_ms=30\n"
            '2026-12-07 09:00:01,301 INFO headway.pages page=login person=- ms=5 cpu_ms=5 outcome="a b"\n'
        )
    runs = page_runs([log], [offset])
    assert runs["runs"] == 2  # the job line and the line without queued_ms are not page runs
    assert runs["queued_ms"]["p95"] == 30
    assert (runs["ms"]["p50"], runs["ms"]["p95"]) == (100, 300)
    assert runs["cpu_share_of_run"] == 0.25  # (40 + 60) / (100 + 300)


def test_page_runs_without_a_log_says_there_were_none(tmp_path: Path) -> None:
    assert page_runs([tmp_path / "absent.log"], [0]) == {"runs": 0}
