"""Evaluator drift (managers): does the score depend on who picked the call?"""

import datetime as dt

import streamlit as st

from core.platform.clock import today
from core.quality.calibration import drift_csv, evaluator_drift
from core.quality.drift import MIN_EVALUATIONS
from ui.drift import drift_figure, drift_table
from ui.state import actor, db
from ui.text import plain
from ui.widgets import choose, day_text

me = actor()
st.title("Evaluator drift")
st.markdown(
    "Does an agent's score depend on who picked their call? For each evaluator: how many points "
    "they score above or below the average evaluator **on the same agents** — adjusted for who "
    "they happened to score, so the lead of a strong team is not counted as scoring high. Each "
    "sentence gives the range the difference most likely lies in: when all of it is higher (or "
    "all lower), the difference is real; when it reaches both sides, the evaluator scores in "
    "line with colleagues."
)
months = choose(
    "Evaluations of the last",
    {3: "3 months", 6: "6 months", 12: "12 months"},
    key="drift_months",
    index=1,
)
end = today()
start = end - dt.timedelta(days=30 * months)
with db() as session:
    report = evaluator_drift(session, actor=me, start=start, end=end)
if not report.rows:
    st.info(
        f"No QA evaluations between {day_text(start)} and {day_text(end)}. They appear here once "
        "leads record evaluations on Quality → QA evaluations."
    )
    st.stop()
st.markdown(
    f"{report.evaluations:,} evaluations by {len(report.rows)} evaluators, "
    f"{day_text(start)} to {day_text(end)}."
)
if report.flagged:
    st.subheader("Who scores differently")
    for row in report.flagged:
        st.markdown("- " + plain(row.sentence))
    st.markdown(
        "A calibration session (everyone scores the same calls, then compares) is the usual next "
        "step; the coaching conversations with their agents may need the difference in mind."
    )
    st.page_link(
        "pages/calibration.py",
        label="Run a calibration session",
        icon=":material/group_work:",
    )
else:
    st.success(
        "Every evaluator with enough data scores in line with colleagues on the same agents."
    )
others = [r for r in report.rows if r not in report.flagged]
if others:
    with st.expander(f"Everyone else ({len(others)})", expanded=not report.flagged):
        for row in others:
            st.markdown("- " + plain(row.sentence))
st.page_link(
    "pages/evaluations.py",
    label="Dispute and overturn rates per evaluator (QA evaluations, last 90 days)",
    icon=":material/gavel:",
    query_params={"show": "rates"},
)
with st.expander("The numbers"):
    st.plotly_chart(drift_figure(report.rows))
    st.dataframe(drift_table(report.rows), hide_index=True)
    st.text(
        "Likely at least / at most: the range the difference most likely lies in (a 95 % "
        f"interval). Evaluators with fewer than {MIN_EVALUATIONS} evaluations, or whose agents "
        "nobody else scores, have no figures: there is nothing fair to compare them with yet."
    )
st.download_button(
    "Download evaluator drift (CSV)",
    drift_csv(report.rows),
    f"evaluator-drift-{end.isoformat()}.csv",
    "text/csv",
    key="drift_csv",
)
