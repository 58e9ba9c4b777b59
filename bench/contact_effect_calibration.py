"""`python -m bench.contact_effect_calibration [SETS] [WANDER ...]`: how honest the contact-effect
estimator is on simulated files with planted effects (tests/unit/simulate_contacts.py), printed
as one line per kind of wander: coverage of the 95 % intervals, changes of 20 %+ found with the
right sign, no-effect changes flagged, thin changes read as "not enough data", and the median
interval width. Default: 100 sets of each of white, walk and ar (the figures in
docs/contact-effect.md); seeds 1000 on, so a run is repeatable."""

from __future__ import annotations

import statistics
import sys
import time

from core.voice.effect import estimate_change_effects
from tests.unit.simulate_contacts import contact_world


def calibrate(sets: int, wander: str, *, uneven: bool = False, surge_spread: float = 0.0) -> str:
    covered = scored = found = clear = flagged = neutral = thin = thin_ok = 0
    widths: list[float] = []
    by_size: dict[float, list[int]] = {}
    started = time.perf_counter()
    for seed in range(1000, 1000 + sets):
        world = contact_world(seed, wander=wander, uneven=uneven, surge_spread=surge_spread)
        for planted, result in zip(
            world.changes, estimate_change_effects(world.daily, world.change_list), strict=True
        ):
            if planted.thin:
                thin += 1
                thin_ok += result.verdict == "not enough data"
                continue
            assert result.low_pct is not None and result.high_pct is not None
            scored += 1
            hit = result.low_pct <= planted.effect_pct <= result.high_pct
            covered += hit
            by_size.setdefault(planted.effect_pct, []).append(hit)
            widths.append(result.high_pct - result.low_pct)
            if abs(planted.effect_pct) >= 20:
                clear += 1
                found += result.verdict == ("fewer" if planted.effect_pct < 0 else "more")
            if planted.effect_pct == 0:
                neutral += 1
                flagged += result.verdict in ("fewer", "more")
    sizes = " ".join(
        f"{size:+.0f}:{sum(hits) / len(hits):.2f}" for size, hits in sorted(by_size.items())
    )
    name = wander + (" uneven" if uneven else "") + (" surge-spread" if surge_spread else "")
    return (
        f"{name:<20} {sets:>4} sets  coverage {covered / scored:.3f} ({scored} changes)  "
        f"found {found / clear:.3f}  flagged {flagged / neutral:.3f}  "
        f"thin {thin_ok}/{thin}  median width {statistics.median(widths):.1f} points  "
        f"({time.perf_counter() - started:.0f} s)\n    coverage by planted effect: {sizes}"
    )


def main(argv: list[str]) -> None:
    sets = int(argv[0]) if argv else 100
    kinds = argv[1:] or ["white", "walk", "ar"]
    for kind in kinds:
        wander, _, option = kind.partition("+")
        print(
            calibrate(
                sets,
                wander,
                uneven=option == "uneven",
                surge_spread=0.3 if option == "spread" else 0.0,
            ),
            flush=True,
        )


if __name__ == "__main__":
    main(sys.argv[1:])
