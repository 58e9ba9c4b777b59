"""tools/reorganize.py brings code written against the flat core/ up to date, and leaves code
already moved alone (the lead runs it again after merging branches)."""

from __future__ import annotations

from tools.reorganize import rewrite

OLD = """from core import audit, clock, models as m
from core.quality import Answer, score_answers
from core.calendar import add_closure, organisation_calendar
from core.disputes import decide_dispute, open_dispute
from core.home import agent_day
from core.growth.statistics import trend_flags
import core.learning

PATCHED = "core.coaching.write_note"
RULE = "core.disputes.disputes_of"
monkeypatch.setattr(core.learning, "write_share", locked)
# see core/access.py
"""

NEW = """from core import models as m
from core.people import audit
from core.platform import clock
from core.quality.evaluations import Answer, score_answers
from core.pd.closures import add_closure
from core.platform.calendar import organisation_calendar
from core.quality.dispute_review import decide_dispute
from core.quality.disputes import open_dispute
from core.home.agent import agent_day
from core.growth.wording import trend_flags
import core.learning.shares

PATCHED = "core.coaching.notes.write_note"
RULE = "core.quality.dispute_reads.disputes_of"
monkeypatch.setattr(core.learning.shares, "write_share", locked)
# see core/people/access.py
"""


def test_old_imports_dotted_names_and_paths_are_rewritten_to_the_new_packages() -> None:
    assert rewrite(OLD, ".py") == NEW


def test_code_already_moved_is_left_as_it_is() -> None:
    assert rewrite(NEW, ".py") == NEW
    moved = "from core.quality import disputes, evaluations\nfrom core.home import agent\n"
    assert rewrite(moved, ".py") == moved


def test_a_module_imported_whole_is_followed_to_where_its_names_went() -> None:
    old = "from core.quality import disputes\n\ndisputes.decide_dispute(s)\ndisputes.Decision\n"
    assert rewrite(old, ".py") == (
        "from core.quality import disputes\nfrom core.quality import dispute_review\n\n"
        "dispute_review.decide_dispute(s)\ndisputes.Decision\n"
    )
