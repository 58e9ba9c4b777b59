"""Hypothesis strategies for CSV files as people and machines write them, good and broken."""

from __future__ import annotations

from hypothesis import strategies as st

CELLS = st.one_of(
    st.sampled_from(
        [
            "agent@example.com",
            "A1",
            "N1",
            "2026-10-01",
            "0001-01-01",
            "9999-12-31",
            "20261001",
            "2026-W40-1",
            "qa_score",
            "csat",
            "aht_seconds",
            "3_0_0",
            "nan",
            "inf",
            "-inf",
            "1e400",
            "1e308",
            "87.5",
            "-0",
            "٣",
            "",
            "=cmd()",
            '"',
            '""',
            "a,b",
            "\r",
            "\n",
            "\x00",
            "\ufeff",
            "x" * 10_001,
        ]
    ),
    st.text(max_size=12),
)
HEADERS = st.sampled_from(
    [
        "agent_email,date,metric,value",
        "agent_email,date,metric,value,source,reference",
        "agent,date,metric,value",
        "note,agent,date,metric",
        "value,metric,date,agent_email,agent",
        "",
    ]
)


@st.composite
def csv_texts(draw: st.DrawFn) -> bytes:
    header = draw(HEADERS)
    rows = draw(st.lists(st.lists(CELLS, max_size=6), max_size=6))
    ending = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    text = ending.join([header, *(",".join(row) for row in rows)])
    return draw(st.sampled_from(["", "\ufeff"])).encode() + text.encode("utf-8", "surrogatepass")


CSV_BYTES = st.one_of(st.binary(max_size=300), csv_texts())
