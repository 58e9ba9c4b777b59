"""Import metrics (team lead, manager, admin): preview a CSV with its errors, then load it."""

import pandas as pd
import streamlit as st

from core.imports import check_metrics_csv, import_metrics
from ui.state import actor, db
from ui.text import plain

me = actor()
st.title("Import metrics")
st.markdown(
    "Columns: `agent_email, date, metric, value`, optionally `source, reference`, in any order. "
    "Metrics: qa_score (0–100), csat (1–5), fcr (0–1), repeat_contact_rate (0–1), aht_seconds, ces (1–7). "
    "Every line is checked first: nothing is written unless all lines are valid, and rows already "
    "stored are skipped."
)
upload = st.file_uploader("Metrics CSV", type=["csv"], key="import_file")
if upload is None:
    st.info("Choose a CSV export from your QA tool, survey platform or telephony system.")
    st.stop()
data = upload.getvalue()
with db() as session:
    check = check_metrics_csv(session, data=data, actor=me)
c1, c2, c3 = st.columns(3)
c1.metric("New rows", len(check.new_rows))
c2.metric("Already stored", check.already_present)
c3.metric("Lines with problems", len(check.problems))
if check.ignored_columns:
    st.warning("These columns are ignored: " + plain(", ".join(check.ignored_columns)))
if check.problems:
    st.error("Nothing can be imported until these lines are fixed:")
    st.dataframe(pd.DataFrame({"Problem": check.problems}), hide_index=True)
    st.stop()
st.dataframe(
    pd.DataFrame(
        check.new_rows[:200],
        columns=["person id", "date", "metric", "value", "source", "reference"],
    ),
    hide_index=True,
)
if st.button(
    f"Import {len(check.new_rows)} rows",
    type="primary",
    disabled=not check.new_rows,
    key="import_go",
):
    with db() as session:
        result = import_metrics(session, data=data, actor=me)
    st.success(f"Added {result.added}, already present {result.already_present}.")
