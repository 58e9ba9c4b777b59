"""No page or UI helper puts text people wrote into markdown unescaped: a scan of the source for
a markdown-reading Streamlit call (markdown, alerts, headers, captions, labels) whose text
interpolates a person's name, a team's name, a title or a body without `ui.text.plain()`.

The scan knows such values by their names (`mine.mentor`, `sample.team`, `item.body`…). Text
that is Headway's own under one of those names (a metric's label) is listed in OWN with why.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Streamlit calls whose first argument (or label) is read as markdown.
MARKDOWN_CALLS = frozenset(
    {
        "markdown",
        "info",
        "warning",
        "error",
        "success",
        "caption",
        "title",
        "header",
        "subheader",
        "write",
        "expander",
        "button",
        "radio",
        "checkbox",
        "toggle",
        "toast",
        "popover",
        "page_link",
        "link_button",
        "download_button",
        "form_submit_button",
        "metric",
    }
)
# Values people type, by the name they go by in Headway's read models.
TYPED = frozenset(
    {
        "name",
        "mentor",
        "agent",
        "author",
        "title",
        "team",
        "coach",
        "lead",
        "owner",
        "reviewer",
        "evaluator",
        "person",
        "host",
        "department",
        "manager",
        "proposed_by",
        "decided_by",
        "body",
        "text",
        "tags",
        "reason",
        "subject",
    }
)
# Headway's own words under such a name: file, expression → why it is safe.
OWN = {
    ("ui/analytics.py", "name"): "the table's name, chosen by the page",
    ("ui/conversation.py", "who"): "'you' or a name that went through plain() just above",
    ("pages/inbox.py", "title"): "the message's title through plain() the line before",
}


def _leaf(expression: ast.expr) -> str | None:
    if isinstance(expression, ast.Attribute):
        return expression.attr
    if isinstance(expression, ast.Name):
        return expression.id
    if isinstance(expression, ast.Subscript):
        return _leaf(expression.value)
    return None


def _typed(expression: ast.expr) -> bool:
    leaf = _leaf(expression)
    return leaf is not None and (leaf in TYPED or leaf.endswith("_name"))


def unescaped(source: str, path: str) -> list[str]:
    """`path:line: expression` for each typed value put raw into a markdown-reading call."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in MARKDOWN_CALLS
            and node.args
        ):
            continue
        text = node.args[0]
        values = [text] if _typed(text) else []
        for part in ast.walk(text):
            if isinstance(part, ast.FormattedValue) and part.format_spec is None:
                values.append(part.value)
            elif isinstance(part, ast.BinOp) and isinstance(part.op, ast.Add):
                values += [side for side in (part.left, part.right) if _typed(side)]
        for value in values:
            expression = ast.unparse(value)
            if _typed(value) and (path, expression) not in OWN:
                found.append(f"{path}:{value.lineno}: {expression}")
    return found


def _sources() -> list[Path]:
    return [
        ROOT / "streamlit_app.py",
        *sorted((ROOT / "pages").glob("*.py")),
        *sorted((ROOT / "ui").glob("*.py")),
    ]


def test_no_page_puts_a_name_or_text_people_wrote_into_markdown_unescaped() -> None:
    found = [
        hit
        for path in _sources()
        for hit in unescaped(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    ]
    assert found == [], "wrap these in ui.text.plain():\n" + "\n".join(found)


def test_the_scan_finds_the_patterns_it_is_for() -> None:
    source = (
        "st.info(f'Waiting for {mine.mentor} to co-sign.')\n"
        "st.success(f'{n} interactions of {sample.team}')\n"
        "st.markdown('**' + item.body + '**')\n"
        "st.caption(share.title)\n"
        "st.info(f'Waiting for {plain(mine.mentor)}')\n"
        "st.text(f'{item.body}')\n"
    )
    assert unescaped(source, "page.py") == [
        "page.py:1: mine.mentor",
        "page.py:2: sample.team",
        "page.py:3: item.body",
        "page.py:4: share.title",
    ]
