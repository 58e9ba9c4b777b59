"""Which pages each role sees, grouped in navigation sections."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import streamlit as st

from core.models import Role

PAGES_DIR = Path(__file__).resolve().parent.parent / "pages"

# (section, file, title, icon, url path, roles); section "" is a top-level link (the inbox,
# whose title carries the unread count, stays in sight).
PAGE_TABLE: tuple[tuple[str, str, str, str, str, frozenset[Role]], ...] = (
    ("", "inbox.py", "Inbox", ":material/inbox:", "inbox", frozenset(Role)),
    ("Me", "home.py", "My day", ":material/today:", "home", frozenset(Role)),
    (
        "Me",
        "my_pd_days.py",
        "My PD days",
        ":material/event:",
        "my_pd_days",
        frozenset({Role.AGENT}),
    ),
    (
        "Me",
        "my_rotation.py",
        "My rotation",
        ":material/handshake:",
        "my_rotation",
        frozenset({Role.AGENT}),
    ),
    (
        "Me",
        "growth.py",
        "Growth",
        ":material/trending_up:",
        "growth",
        frozenset({Role.AGENT, Role.TEAM_LEAD, Role.MANAGER}),
    ),
    ("Me", "pledge.py", "My pledge", ":material/volunteer_activism:", "pledge", frozenset(Role)),
    ("Me", "account.py", "My account", ":material/key:", "account", frozenset(Role)),
    ("Me", "api_tokens.py", "API tokens", ":material/vpn_key:", "api_tokens", frozenset(Role)),
    (
        "Development",
        "learning.py",
        "Learning shares",
        ":material/lightbulb:",
        "learning",
        frozenset(Role),
    ),
    (
        "Customer voice",
        "voice.py",
        "Customer voice",
        ":material/campaign:",
        "voice",
        frozenset(Role),
    ),
    (
        "Customer voice",
        "voice_themes.py",
        "Customer themes",
        ":material/forum:",
        "voice_themes",
        frozenset({Role.TEAM_LEAD, Role.MANAGER}),
    ),
    (
        "Customer voice",
        "voice_setup.py",
        "Contact reasons & volumes",
        ":material/list_alt:",
        "voice_setup",
        frozenset({Role.TEAM_LEAD, Role.MANAGER, Role.ADMIN}),
    ),
    (
        "Quality",
        "coaching.py",
        "Coaching",
        ":material/record_voice_over:",
        "coaching",
        frozenset({Role.TEAM_LEAD, Role.MANAGER}),
    ),
    (
        "Quality",
        "evaluations.py",
        "QA evaluations",
        ":material/fact_check:",
        "evaluations",
        frozenset({Role.TEAM_LEAD, Role.MANAGER}),
    ),
    (
        "Quality",
        "drift.py",
        "Evaluator drift",
        ":material/balance:",
        "drift",
        frozenset({Role.MANAGER}),
    ),
    (
        "Quality",
        "calibration.py",
        "Calibration sessions",
        ":material/group_work:",
        "calibration",
        frozenset({Role.TEAM_LEAD, Role.MANAGER}),
    ),
    (
        "Quality",
        "sampling.py",
        "Fair sampling",
        ":material/shuffle:",
        "sampling",
        frozenset({Role.TEAM_LEAD, Role.MANAGER}),
    ),
    (
        "Quality",
        "team_growth.py",
        "Team growth",
        ":material/insights:",
        "team_growth",
        frozenset({Role.TEAM_LEAD, Role.MANAGER}),
    ),
    (
        "Quality",
        "import_metrics.py",
        "Import metrics",
        ":material/upload_file:",
        "import_metrics",
        frozenset({Role.TEAM_LEAD, Role.MANAGER, Role.ADMIN}),
    ),
    (
        "Development",
        "pd_planner.py",
        "PD day planner",
        ":material/event_available:",
        "pd_planner",
        frozenset({Role.TEAM_LEAD, Role.MANAGER}),
    ),
    (
        "Development",
        "rotation_planner.py",
        "Rotation planner",
        ":material/swap_horiz:",
        "rotation_planner",
        frozenset({Role.TEAM_LEAD, Role.MANAGER}),
    ),
    (
        "Development",
        "programme.py",
        "Ambassador programme",
        ":material/hub:",
        "programme",
        frozenset({Role.MANAGER}),
    ),
    (
        "My team",
        "team.py",
        "Team at a glance",
        ":material/groups:",
        "team",
        frozenset({Role.TEAM_LEAD}),
    ),
    (
        "Organisation",
        "organisation.py",
        "Teams overview",
        ":material/domain:",
        "organisation",
        frozenset({Role.MANAGER, Role.ADMIN}),
    ),
    (
        "Administration",
        "admin_people.py",
        "People",
        ":material/badge:",
        "people",
        frozenset({Role.ADMIN}),
    ),
    (
        "Administration",
        "admin_teams.py",
        "Teams",
        ":material/diversity_3:",
        "teams",
        frozenset({Role.ADMIN}),
    ),
    (
        "Administration",
        "admin_calendar.py",
        "Calendar",
        ":material/calendar_month:",
        "calendar",
        frozenset({Role.ADMIN}),
    ),
    (
        "Administration",
        "admin_departments.py",
        "Departments",
        ":material/apartment:",
        "departments",
        frozenset({Role.ADMIN}),
    ),
    (
        "Administration",
        "admin_connections.py",
        "Chat and webhooks",
        ":material/webhook:",
        "connections",
        frozenset({Role.ADMIN}),
    ),
    (
        "Administration",
        "audit.py",
        "Audit trail",
        ":material/policy:",
        "audit",
        frozenset({Role.ADMIN}),
    ),
)


LOGIN_PAGE = "login.py"


def pages_for(
    role: Role | None,
    *,
    titles: dict[str, str] | None = None,
    me: str = "Me",
    log_out: Callable[[], None] | None = None,
) -> dict[str, list[st.Page]]:
    """The navigation of `role`; `titles` replaces some pages' titles (by url path), such as the
    inbox with its unread count. The "Me" section is named `me` (the person's name: who is
    signed in, without a sidebar) and ends with "Log out", which runs `log_out`.

    Logged out (None): the login page first and default, then every other page, so that a deep
    link resolves to its page; the app remembers it and shows the login page instead.
    Logged in, My day is the root page, and /home (typed, bookmarked) opens it too.
    """
    sections: dict[str, list[st.Page]] = (
        {"Headway": [login_page(), _after_log_out()]}
        if role is None
        else {"": [st.Page(_open_my_day, title="My day", url_path="home", visibility="hidden")]}
    )
    for section, file, title, icon, url_path, roles in PAGE_TABLE:
        if role is None or role in roles:
            my_day = role is not None and file == "home.py"
            page = st.Page(
                PAGES_DIR / file,
                title=(titles or {}).get(url_path, title),
                icon=icon,
                # My day is the root page; its own address (/home) is the hidden entry above.
                url_path="my_day" if my_day else url_path,
                default=my_day,
            )
            sections.setdefault(me if section == "Me" else section, []).append(page)
    if role is not None and log_out is not None:
        sections[me].append(
            st.Page(log_out, title="Log out", icon=":material/logout:", url_path="logout")
        )
    return sections


_SESSION_PAGES = "_navigation_pages"


def session_pages(
    role: Role | None,
    *,
    titles: dict[str, str] | None = None,
    me: str = "Me",
    log_out: Callable[[], None] | None = None,
) -> dict[str, list[st.Page]]:
    """`pages_for`, built once per browser session while the role, titles and name stay the
    same. Making a page from its file checks the file on disk (a handful of system calls per
    page, two dozen pages on every rerun of every session); Streamlit marks which page may run
    on each navigation, so the same pages serve every rerun of the one session that owns them
    (never shared between sessions)."""
    key = (role, tuple(sorted((titles or {}).items())), me, log_out)
    kept = st.session_state.get(_SESSION_PAGES)
    if kept is None or kept[0] != key:
        kept = (key, pages_for(role, titles=titles, me=me, log_out=log_out))
        st.session_state[_SESSION_PAGES] = kept
    pages: dict[str, list[st.Page]] = kept[1]
    return pages


def _after_log_out() -> st.Page:
    """Logged out, the address of "Log out" (still in the browser) shows the login page."""
    return st.Page(_open_login, title="Log in", url_path="logout", visibility="hidden")


def _open_login() -> None:
    st.switch_page(login_page())


def _open_my_day() -> None:
    st.switch_page(PAGES_DIR / "home.py")


def login_page() -> st.Page:
    return st.Page(PAGES_DIR / LOGIN_PAGE, title="Log in", url_path="login", default=True)


def page_for(role: Role, url_path: str) -> str | None:
    """The script path of the page at `url_path` if `role` may open it, else None."""
    for _, file, _, _, path, roles in PAGE_TABLE:
        if path == url_path and role in roles:
            return str(PAGES_DIR / file)
    return None


def page_file(url_path: str) -> str:
    """The script path (for st.switch_page) of the page served at `url_path`."""
    for _, file, _, _, path, _ in PAGE_TABLE:
        if path == url_path:
            return str(PAGES_DIR / file)
    return str(PAGES_DIR / "home.py")
