"""Text that people wrote (names, titles, notes, message bodies) shown as text, never as markup.

Streamlit reads markdown in st.markdown, alerts, headers, and in labels (expanders, tabs, buttons,
radio options): a share title such as `![x](http://…)` would load a stranger's image in every
reader's browser, and `[Log in again](http://…)` would pose as a message from Headway. Everything
a user typed goes through `plain()` before it meets markdown, or is shown with st.text or in a
dataframe cell (neither reads markdown). Headway's own wording around it may still use markdown.
"""

from __future__ import annotations

import re
import string

# CommonMark lets any ASCII punctuation be escaped with a backslash, and then shows it as itself:
# escaping all of it also stops Streamlit's own syntax (:red[…], :material/…:, $…$).
_PUNCTUATION = re.compile("([" + re.escape(string.punctuation) + "])")
# Bare addresses (http://…, www.…, a@b.org) are turned into links after the escapes are read, so
# an invisible word joiner breaks them up: the text looks the same and nothing is linked.
_JOINER = "\u2060"
_BARE_LINK = re.compile(r"(?i)(?<=:)(?=//)|(?<=www)(?=\.)|(?=@)")


def plain(value: object) -> str:
    """`value` as text that markdown shows exactly as written (line breaks kept)."""
    return _PUNCTUATION.sub(r"\\\1", _BARE_LINK.sub(_JOINER, str(value)))


# What a widget label (radio, checkbox, text box, number box) reads as markdown: inline marks
# only (bold, italics, strikethrough, code, links, images, colours, icons, LaTeX; block syntax
# is unwrapped), and a line that starts like a block (`# `, `- `, `1. `) loses that start.
_INLINE = re.compile(r"([\\`*_~\[\]<>:$&|])")
_BLOCK_START = re.compile(r"^(\s*(?:\d+(?=[.)]))?)([#>+=.)-])", re.MULTILINE)


def widget_label(value: object) -> str:
    """`value` as a widget's label, shown exactly as written. Only what labels read as markdown
    is escaped: Streamlit also puts the label, as given, in the widget's accessible name (its
    aria-label), which screen readers and browser tests read, and there `plain()`'s escapes of
    every punctuation mark came out as literal backslashes (`customer\\'s`)."""
    text = _INLINE.sub(r"\\\1", _BARE_LINK.sub(_JOINER, str(value)))
    return _BLOCK_START.sub(r"\1\\\2", text)


def chart_text(value: object) -> str:
    """`value` as text in a Plotly chart (legend, axis label, hover, annotation). Plotly reads a
    few HTML tags in its text (`<a href>`, `<b>`, `<br>`…), so a name such as `<a href=…>` would
    become a link inside a chart: its `&`, `<` and `>` become entities, which Plotly shows as
    the characters themselves."""
    return str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
