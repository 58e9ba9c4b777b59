"""The `headway` commands that work on files alone, with no database: the estimators of the growth,
calibration and customer-voice pages, and Erlang C staffing floors."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

from core.cli_io import EXIT_OK, _prefixed, _read_bytes, _read_rows_of, _write_json
from core.platform.errors import InvalidInput


def cmd_coaching_effect(args: argparse.Namespace) -> int:
    from core.growth.statistics import coaching_effects, read_notes_csv, read_observations_csv

    try:
        observations = read_observations_csv(_read_bytes(args.observations))
    except InvalidInput as exc:
        raise _prefixed(args.observations, exc) from exc
    try:
        notes = read_notes_csv(_read_bytes(args.notes))
    except InvalidInput as exc:
        raise _prefixed(args.notes, exc) from exc
    effects = coaching_effects(observations, notes, window=args.window)
    _write_json(args.output, {"window": args.window, "notes": [e.to_json() for e in effects]})
    verdicts: dict[str, int] = {}
    for effect in effects:
        verdicts[effect.verdict] = verdicts.get(effect.verdict, 0) + 1
    print(f"{len(effects)} notes: " + ", ".join(f"{n} {v}" for v, n in sorted(verdicts.items())))
    return EXIT_OK


def cmd_trend_flags(args: argparse.Namespace) -> int:
    from core.growth.statistics import read_observations_csv
    from core.growth.wording import trend_flags
    from core.models import METRICS

    if args.metric not in METRICS:
        raise InvalidInput(f"--metric {args.metric!r} is not one of {', '.join(METRICS)}")
    try:
        observations = read_observations_csv(_read_bytes(args.observations))
    except InvalidInput as exc:
        raise _prefixed(args.observations, exc) from exc
    flags = trend_flags(observations, metric=args.metric, as_of=args.as_of, window=args.window)
    _write_json(
        args.output,
        {
            "metric": args.metric,
            "as_of": args.as_of.isoformat(),
            "flagged": [f.to_json() for f in flags],
        },
    )
    print(f"{len(flags)} agent(s) flagged: {args.metric} getting worse over {args.window} days")
    return EXIT_OK


def cmd_evaluator_drift(args: argparse.Namespace) -> int:
    from core.quality.drift import evaluator_leniency, leniency_sentence, read_evaluations_csv

    # One input file: its bad rows are reported as the metrics import does, each line starting
    # "line N: " (no file name in front).
    evaluations = read_evaluations_csv(_read_bytes(args.input))
    results = evaluator_leniency(evaluations.evaluators, evaluations.agents, evaluations.scores)
    _write_json(args.output, {"evaluators": [r.to_json() for r in results]})
    for result in results:
        if result.verdict != "in line":
            print(leniency_sentence(result), file=sys.stderr)
    verdicts: dict[str, int] = {}
    for result in results:
        verdicts[result.verdict] = verdicts.get(result.verdict, 0) + 1
    print(
        f"{len(results)} evaluators: " + ", ".join(f"{n} {v}" for v, n in sorted(verdicts.items()))
    )
    return EXIT_OK


def cmd_contact_effect(args: argparse.Namespace) -> int:
    from core.voice.contacts_csv import read_changes_csv, read_contacts_csv
    from core.voice.effect import describe_effect, estimate_change_effects

    # Bad rows are reported as the imports do, each line starting "line N: "; the "error:"
    # line above them names the file.
    daily = _read_rows_of(args.contacts, read_contacts_csv)
    changes = _read_rows_of(args.changes, read_changes_csv)
    effects = estimate_change_effects(daily, changes)
    _write_json(args.output, {"changes": [e.to_json() for e in effects]})
    for effect in effects:
        print(f"{effect.reason}: {describe_effect(effect, reason_label=effect.reason)}")
    verdicts: dict[str, int] = {}
    for effect in effects:
        verdicts[effect.verdict] = verdicts.get(effect.verdict, 0) + 1
    print(f"{len(effects)} changes: " + ", ".join(f"{n} {v}" for v, n in sorted(verdicts.items())))
    return EXIT_OK


def cmd_staffing(args: argparse.Namespace) -> int:
    from core.staffing import Target, daily_floors, floors_json, read_forecast_csv

    forecast = read_forecast_csv(_read_bytes(args.forecast))
    level, seconds = args.service_level
    target = Target(
        service_level=level,
        seconds=seconds,
        shrinkage=args.shrinkage,
        max_occupancy=args.max_occupancy,
    )
    floors = daily_floors(forecast, target)
    _write_json(args.output, floors_json(floors))
    if forecast.ignored_columns:
        print("warning: ignored column(s): " + ", ".join(forecast.ignored_columns), file=sys.stderr)
    teams = len({f.team for f in floors})
    print(f"{len(floors)} team-days ({teams} teams) from {len(forecast)} intervals")
    return EXIT_OK


def _argument(read: Callable[[str], tuple[Any, str | None]], flag: str) -> Callable[[str], Any]:
    """An argument read by one of core's readers: its sentence is argparse's error (exit 1)."""

    def parse(value: str) -> Any:
        parsed, problem = read(value)
        if problem:
            raise argparse.ArgumentTypeError(problem)
        return parsed

    parse.__name__ = flag
    return parse
