"""Domain errors become one message where the page stopped (ui.errors.run_page)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def _page_raising(kind: str) -> None:
    from core.platform.errors import InvalidInput, StaleEdit
    from ui.errors import run_page

    class Page:
        def run(self) -> None:
            import streamlit as st

            st.markdown("Before the refusal")
            if kind == "stale":
                raise StaleEdit("version 3 is not 2")
            raise InvalidInput("Two lines are wrong.", ["line 2: no email", "line 5: no team"])

    run_page(Page())


def test_a_stale_edit_reads_as_someone_changed_this_meanwhile() -> None:
    at = AppTest.from_function(_page_raising, args=("stale",)).run()
    assert not at.exception
    assert at.markdown[0].value == "Before the refusal"
    assert at.error[0].value.startswith("Someone changed this while you were looking at it")


def test_a_refusal_shows_its_sentence_and_each_faulty_line() -> None:
    at = AppTest.from_function(_page_raising, args=("invalid",)).run()
    assert not at.exception
    assert at.error[0].value == "Two lines are wrong."
    assert list(at.dataframe[0].value["Problem"]) == ["line 2: no email", "line 5: no team"]
