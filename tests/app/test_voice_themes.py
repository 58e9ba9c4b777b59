"""Customer themes as a team lead sees them: a merge is chosen on purpose, confirmed, and never
joins insights about different things."""

from __future__ import annotations

import os
import re
from collections import defaultdict

from sqlmodel import Session, col, func, select

from core.models import Insight
from core.platform.db import make_engine
from tests.app.conftest import submit, texts

THEMES = "pages/voice_themes.py"


def _merged() -> int:
    with Session(make_engine(os.environ["DATABASE_URL"])) as session:
        return session.exec(
            select(func.count()).where(col(Insight.merged_into_id).is_not(None))
        ).one()


def _pairs(options: list[str]) -> tuple[tuple[int, int], tuple[int, int]]:
    """From the picker's options ("#12 · Refund status · Billing: …"): two insights about the
    same thing, and two about different things."""
    about: dict[str, list[int]] = defaultdict(list)
    for option in options:
        found = re.match(r"#(\d+) · (.+?) · (.+?): ", option)
        assert found, option
        about[f"{found[2]} · {found[3]}"].append(int(found[1]))
    same = next(ids for ids in about.values() if len(ids) >= 2)
    first, second = (ids[0] for ids in list(about.values())[:2])
    return (same[0], same[1]), (first, second)


def test_a_merge_is_chosen_on_purpose_confirmed_and_never_across_reasons(app_as) -> None:
    at = app_as("lead@example.com", THEMES)
    keep, other = (at.selectbox(key=f"themes_merge__0:{k}") for k in ("keep", "other"))
    assert keep.value is None and other.value is None  # nothing chosen for the lead
    before = _merged()

    at = submit(at, "themes_merge", "Merge")
    assert "Choose the two insights to merge" in texts(at)
    (same_a, same_b), (diff_a, diff_b) = _pairs(at.selectbox(key="themes_merge__0:keep").options)

    at.selectbox(key="themes_merge__0:keep").set_value(same_a)
    at.selectbox(key="themes_merge__0:other").set_value(same_b)
    at = submit(at, "themes_merge", "Merge")
    assert "Tick “They say the same thing” to merge them." in texts(at)
    assert _merged() == before

    at.selectbox(key="themes_merge__0:keep").set_value(diff_a)
    at.selectbox(key="themes_merge__0:other").set_value(diff_b)
    at.checkbox(key="themes_merge__0:sure").check()
    at = submit(at, "themes_merge", "Merge")
    assert "merge only insights with the same contact reason and department" in texts(at)
    assert _merged() == before

    at.selectbox(key="themes_merge__0:keep").set_value(same_a)
    at.selectbox(key="themes_merge__0:other").set_value(same_b)
    at = submit(at, "themes_merge", "Merge")
    assert "contacts now; nothing was lost" in texts(at)
    assert _merged() == before + 1
