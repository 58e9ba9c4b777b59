"""Import metrics (team lead, manager, admin): preview a CSV with its errors, then load it."""

import hashlib
from functools import partial

import pandas as pd
import streamlit as st

from core.metrics.imports import (
    MetricsCheck,
    MetricsImport,
    check_metrics_csv,
    import_metrics,
    refused_rows_csv,
)
from core.platform.csvio import MAX_COLUMNS, MAX_UPLOAD_MB
from ui.admission import unmetered
from ui.state import actor, db
from ui.text import plain

me = actor()
st.title("Import metrics")
st.markdown(
    "Columns: `agent_email, date, metric, value`, optionally `source, reference`, in any order. "
    "Metrics: qa_score (0–100), csat (1–5), fcr (0–1), repeat_contact_rate (0–1), aht_seconds, ces (1–7). "
    "Commas, semicolons or tabs between columns. Every line is checked first: nothing is written "
    "unless all lines are valid, or you choose to import the good rows and take the refused "
    "lines away to fix. Rows already stored are skipped."
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
done: MetricsImport | None = st.session_state.get("import_done", {}).get(key)
if done is not None:  # this file was just imported: say what happened, offer its refused lines
    st.success(
        f"Added {done.added}, already present {done.already_present}"
        + (f"; {len(done.refused)} line(s) refused and not imported." if done.refused else ".")
    )
    if done.refused:
        st.download_button(
            f"Download the {len(done.refused)} refused line(s) with their reasons (CSV)",
            partial(refused_rows_csv, file, done.refused),  # made when clicked
            "refused-lines.csv",
            "text/csv",
            key="import_refused_after",
            on_click="ignore",
        )
    st.stop()
checked: dict[tuple[str, int], MetricsCheck] = st.session_state.setdefault("import_checked", {})
if key not in checked:
    checked.clear()  # one file's check at a time
    with unmetered(), db() as session:  # a long read: other pages run meanwhile
        checked[key] = check_metrics_csv(session, data=upload, actor=me)
check = checked[key]
c1, c2, c3 = st.columns(3)
c1.metric("New rows", check.new_count)
c2.metric("Already stored", check.already_present)
c3.metric("Lines with problems", check.refused_lines)
if check.ignored_columns:
    st.warning("These columns are ignored: " + plain(", ".join(check.ignored_columns)))
if check.problems:
    st.error(
        "These lines are refused. Fix them and upload the file again (nothing is imported"
        + (
            f"), or import the {check.new_count} good row(s) now and fix the refused lines in "
            "the file you can download."
            if check.good_rows_importable
            else ")."
        )
    )
    st.dataframe(pd.DataFrame({"Problem": check.problems}), hide_index=True)
    if not check.good_rows_importable:
        st.stop()
if check.new_count > len(check.new_rows):
    st.markdown(f"The first {len(check.new_rows)} of {check.new_count} new rows:")
st.dataframe(
    pd.DataFrame(
        check.preview,
        columns=["line", "agent e-mail", "date", "metric", "value", "source", "reference"],
    ),
    hide_index=True,
)
if check.problems:
    label = f"Import the {check.new_count} good rows and refuse the {check.refused_lines} others"
    st.download_button(
        f"Download the {check.refused_lines} refused line(s) with their reasons (CSV)",
        partial(refused_rows_csv, file, check.problems),  # made when clicked
        "refused-lines.csv",
        "text/csv",
        key="import_refused",
        on_click="ignore",
    )
else:
    label = f"Import {check.new_count} rows"
if st.button(label, type="primary", disabled=not check.new_count, key="import_go"):
    checked.clear()  # the stored rows changed: a new look at the same file checks afresh
    with unmetered(), db() as session:
        result = import_metrics(
            session, data=upload, actor=me, good_rows=check.new_count if check.problems else None
        )
    st.session_state["import_done"] = {key: result}
    st.rerun()
