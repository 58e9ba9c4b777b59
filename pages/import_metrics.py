"""Import metrics (team lead, manager, admin): preview a CSV with its errors, then load it."""

import hashlib

import pandas as pd
import streamlit as st

from core.metrics.imports import MetricsCheck, check_metrics_csv, import_metrics
from core.platform.csvio import MAX_COLUMNS, MAX_UPLOAD_MB
from ui.admission import unmetered
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
upload = st.file_uploader(
    f"Metrics CSV (up to {MAX_UPLOAD_MB} MB and {MAX_COLUMNS} columns)",
    type=["csv"],
    key="import_file",
    help="A larger file can be split, or imported with `headway import metrics` on the server.",
)
if upload is None:
    st.info(
        f"Choose a CSV export (up to {MAX_UPLOAD_MB} MB) from your QA tool, survey platform or "
        "telephony system."
    )
    st.stop()

# The file's check runs once per file (keyed by its content's hash), not on every rerun.
file = upload
digest = hashlib.sha256()
file.seek(0)
for chunk in iter(lambda: file.read(1 << 20), b""):
    digest.update(chunk)
key = (digest.hexdigest(), me.id)
checked: dict[tuple[str, int], MetricsCheck] = st.session_state.setdefault("import_checked", {})
if key not in checked:
    checked.clear()  # one file's check at a time
    with unmetered(), db() as session:  # a long read: other pages run meanwhile
        checked[key] = check_metrics_csv(session, data=upload, actor=me)
check = checked[key]
c1, c2, c3 = st.columns(3)
c1.metric("New rows", check.new_count)
c2.metric("Already stored", check.already_present)
c3.metric("Lines with problems", len(check.problems))
if check.ignored_columns:
    st.warning("These columns are ignored: " + plain(", ".join(check.ignored_columns)))
if check.problems:
    st.error("Nothing can be imported until these lines are fixed:")
    st.dataframe(pd.DataFrame({"Problem": check.problems}), hide_index=True)
    st.stop()
if check.new_count > len(check.new_rows):
    st.markdown(f"The first {len(check.new_rows)} of {check.new_count} new rows:")
st.dataframe(
    pd.DataFrame(
        check.new_rows,
        columns=["person id", "date", "metric", "value", "source", "reference"],
    ),
    hide_index=True,
)
if st.button(
    f"Import {check.new_count} rows",
    type="primary",
    disabled=not check.new_count,
    key="import_go",
):
    checked.clear()  # the stored rows changed: a new look at the same file checks afresh
    with unmetered(), db() as session:
        result = import_metrics(session, data=upload, actor=me)
    st.success(f"Added {result.added}, already present {result.already_present}.")
