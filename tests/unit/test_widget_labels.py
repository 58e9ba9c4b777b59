"""Widget labels built from what people wrote: shown as written, read as written.

Streamlit renders a label's inline markdown and also puts the label, as given, in the widget's
accessible name (aria-label). `plain()` escapes every punctuation mark, which a screen reader
and a browser test then read as backslashes (`customer\\'s`); `widget_label()` escapes only what
a label would read as markdown."""

from __future__ import annotations

import pytest
from markdown_it import MarkdownIt

from ui.text import widget_label

RENDER = MarkdownIt("commonmark").enable("strikethrough")


def shown(label: str) -> str:
    """The text a markdown renderer shows for `label` (tags removed)."""
    import re

    html = RENDER.renderInline(label)
    return (
        re.sub(r"<[^>]+>", "", html)
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", '"')
        .replace("\u2060", "")
    )


@pytest.mark.parametrize(
    "text",
    [
        "Acknowledged the customer's situation (and said so).",
        'Used the "three steps" - then checked 10.5% of calls',
        "Offered to check back in; no “good luck”?",
    ],
)
def test_everyday_punctuation_reaches_the_label_unescaped(text: str) -> None:
    assert widget_label(text) == text


@pytest.mark.parametrize(
    "text",
    [
        "[Log in again](http://evil.test)",
        "![x](http://evil.test/p.png) **bold** _it_ ~~gone~~ `code`",
        "<b>x</b> &amp; :red[alarm] :material/home: $x^2$",
        "a\\*b",
    ],
)
def test_what_a_label_reads_as_markdown_is_shown_as_written(text: str) -> None:
    assert shown(widget_label(text)) == text


@pytest.mark.parametrize("text", ["1. first", "12) twelve", "# heading", "- item", "> quote"])
def test_a_label_that_starts_like_a_block_keeps_its_start(text: str) -> None:
    escaped = widget_label(text)
    assert escaped != text and escaped.replace("\\", "", 1) == text
