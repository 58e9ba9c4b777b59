"""Move core/'s flat modules into one package per domain and rewrite every import of the old
dotted names (issue 28). Idempotent: on a tree already moved it only rewrites stale references,
which is how a branch written against the old layout is brought up to date after a merge:

    python tools/reorganize.py          # move what is still at its old place, rewrite references
    python tools/reorganize.py --check  # list what it would change; exit 1 if anything

What it rewrites, in every text file under the folders below (and the loose files listed):
  `import core.x`, `from core.x import …`, `from core import x` (split per package, keeping the
  name with `as` when the module was renamed), dotted names in code and strings (`core.x.f` in
  mock.patch targets and the access matrix), and paths `core/x.py` in prose. A module whose old
  name is now its package (`core.quality` → `core.quality.evaluations`) is rewritten only where
  the old meaning is certain: `from core.quality import <not a submodule>`, `core.quality.<not a
  submodule>`, `import core.quality`, and `core.quality` passed as a value (`, ` or `)` after).

The worker's job references stored in the database ("core.jobs:daily_reminders_job") stay valid:
core/jobs.py does not move.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# old dotted module -> new dotted module (only core/'s flat modules move; packages stay).
MOVES: dict[str, str] = {
    # platform: used by every domain, uses none
    "core.clock": "core.platform.clock",
    "core.config": "core.platform.config",
    "core.db": "core.platform.db",
    "core.data_version": "core.platform.data_version",
    "core.errors": "core.platform.errors",
    "core.limits": "core.platform.limits",
    "core.logs": "core.platform.logs",
    "core.parsing": "core.platform.parsing",
    "core.csvio": "core.platform.csvio",
    "core.seasons": "core.platform.seasons",
    "core.calendar": "core.platform.calendar",
    # people: accounts, access and what the organisation keeps about a person
    "core.access": "core.people.access",
    "core.audit": "core.people.audit",
    "core.auth": "core.people.auth",
    "core.passwords": "core.people.passwords",
    "core.throttle": "core.people.throttle",
    "core.sso": "core.people.sso",
    "core.org": "core.people.org",
    "core.personal_data": "core.people.personal_data",
    "core.retention": "core.people.retention",
    # notify: the inbox and e-mail every domain sends through
    "core.notifications": "core.notify.notifications",
    "core.mailer": "core.notify.mailer",
    # quality: scorecards, evaluations and how far they are trusted
    "core.quality": "core.quality.evaluations",
    "core.disputes": "core.quality.disputes",
    "core.calibration": "core.quality.calibration",
    "core.calibration_sessions": "core.quality.calibration_sessions",
    "core.drift": "core.quality.drift",
    "core.sampling": "core.quality.sampling",
    "core.agreement": "core.quality.agreement",
    # coaching: notes, the conversation on them, follow-ups
    "core.coaching": "core.coaching.notes",
    "core.conversation": "core.coaching.conversation",
    "core.follow_ups": "core.coaching.follow_ups",
    # learning: shares, pledges, drafts of long texts
    "core.learning": "core.learning.shares",
    "core.pledges": "core.learning.pledges",
    "core.drafts": "core.learning.drafts",
    # metrics: the observations that come in
    "core.imports": "core.metrics.imports",
    "core.observations": "core.metrics.observations",
    # pd: PD days (their calendar exports too)
    "core.exports": "core.pd.exports",
}

# Names that left their module when it was split (module in the new layout -> name -> new module).
# `from <module> import <name>` and dotted `<module>.<name>` are rewritten; a module imported
# whole and used as `module.name` is not (there are none left on this branch).
SYMBOLS: dict[str, dict[str, str]] = {
    "core.platform.calendar": {
        name: "core.pd.closures"
        for name in ("ClosureRead", "list_closures", "add_closure", "remove_closure")
    },
    # disputes split along its seams: deciding, reading and rating, the agent's QA glance
    "core.quality.disputes": {
        **dict.fromkeys(("decide_dispute", "_tell_decision"), "core.quality.dispute_review"),
        **dict.fromkeys(
            (
                "EvaluatorDisputes",
                "MIN_DECIDED_FOR_RATE",
                "RATES_CSV_HEADER",
                "dispute_rates",
                "dispute_rates_csv",
                "disputes_decided_by",
                "disputes_of",
                "disputes_of_my_evaluations",
                "disputes_to_review",
                "open_dispute_counts",
            ),
            "core.quality.dispute_reads",
        ),
        **dict.fromkeys(("QaGlance", "RECENT_DAYS", "qa_glance"), "core.quality.glance"),
    },
    # My day, one read model per role (core/home.py became the package core/home/)
    "core.home": {
        **dict.fromkeys(
            (
                "GLANCE_DAYS",
                "MetricChange",
                "GlanceRow",
                "person_changes",
                "weekly_trend",
                "GLANCE_METRICS",
                "team_glance",
                "organisation_glance",
            ),
            "core.home.glance",
        ),
        **dict.fromkeys(
            ("CheckInAhead", "SignOffWaiting", "RotationTerm", "AgentDay", "agent_day"),
            "core.home.agent",
        ),
        **dict.fromkeys(("sign_offs_waiting",), "core.home.agent"),
        **dict.fromkeys(
            (
                "TeamDay",
                "DisputeToDecide",
                "CalibrationToScore",
                "CommentToAnswer",
                "REPLY_DAYS",
                "QaWork",
                "qa_work",
                "LeadDay",
                "lead_day",
            ),
            "core.home.lead",
        ),
        **dict.fromkeys(
            ("TeamAttention", "ManagerDay", "Falling", "manager_day"), "core.home.manager"
        ),
        **dict.fromkeys(("AdminDay", "STALE_IMPORT_DAYS", "admin_day"), "core.home.admin"),
    },
    # flags are sentences about trends: they left statistics to end its cycle with wording
    "core.growth.statistics": {
        name: "core.growth.wording" for name in ("TrendFlag", "flag_of", "trend_flags")
    },
}

# Where references are rewritten: folders, then loose files.
FOLDERS = ("core", "ui", "pages", "seed", "tests", "bench", "tools", "migrations", "docs")
FILES = (
    "streamlit_app.py",
    "README.md",
    "CONTRIBUTING.md",
    "Makefile",
    "pyproject.toml",
    "alembic.ini",
    ".pre-commit-config.yaml",
    "mkdocs.yml",
)
SUFFIXES = {".py", ".md", ".toml", ".ini", ".cfg", ".yaml", ".yml", ".txt", ".mako", ".sh"}
SELF = Path(__file__).resolve()

IDENT = r"[A-Za-z_][A-Za-z0-9_]*"


def path_of(module: str) -> Path:
    return ROOT / Path(*module.split(".")).with_suffix(".py")


def submodules(package: str) -> set[str]:
    """Names that are modules of `package` in the new layout (on disk or about to be moved)."""
    names = {new.rsplit(".", 1)[1] for new in MOVES.values() if new.rsplit(".", 1)[0] == package}
    folder = ROOT / Path(*package.split("."))
    if folder.is_dir():
        names |= {p.stem for p in folder.glob("*.py") if p.stem != "__init__"}
        names |= {p.name for p in folder.iterdir() if (p / "__init__.py").is_file()}
    return names


def ambiguous(old: str) -> bool:
    """The old module's name is now its package (core.quality -> core.quality.evaluations)."""
    return MOVES[old].startswith(old + ".")


# --- the moves -------------------------------------------------------------------------------


def move_files(dry: bool) -> list[str]:
    done = []
    for old, new in MOVES.items():
        source, target = path_of(old), path_of(new)
        if not source.is_file() or target.is_file():
            continue
        done.append(f"git mv {source.relative_to(ROOT)} {target.relative_to(ROOT)}")
        if dry:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        init = target.parent / "__init__.py"
        if not init.exists():
            package = new.rsplit(".", 1)[0]
            init.write_text(f'"""The {package.rsplit(".", 1)[1]} domain."""\n', encoding="utf-8")
            subprocess.run(["git", "add", str(init)], cwd=ROOT, check=True)
        subprocess.run(["git", "mv", str(source), str(target)], cwd=ROOT, check=True)
    return done


# --- the rewrites ----------------------------------------------------------------------------

FROM_CORE = re.compile(
    r"^(?P<indent>[ \t]*)from core import (?:\((?P<group>[^)]*)\)|(?P<line>[^\n#]*?))"
    r"(?P<comment>[ \t]*#[^\n]*)?$",
    re.M,
)


def _rewrite_from_core(match: re.Match[str]) -> str:
    indent = match["indent"]
    body = match["group"] if match["group"] is not None else match["line"]
    names = [n.strip() for n in body.replace("\n", " ").split(",") if n.strip()]
    if not any(f"core.{n.split(' as ')[0].strip()}" in MOVES for n in names):
        return match[0]
    kept: list[str] = []
    moved: dict[str, list[str]] = {}
    for item in names:
        name, _, alias = (part.strip() for part in item.partition(" as "))
        old = f"core.{name}"
        if old not in MOVES:
            kept.append(item)
            continue
        package, leaf = MOVES[old].rsplit(".", 1)
        alias = alias or name
        moved.setdefault(package, []).append(leaf if leaf == alias else f"{leaf} as {alias}")
    lines = []
    if kept:
        lines.append(f"{indent}from core import {', '.join(kept)}")
    for package, leaves in moved.items():
        lines.append(f"{indent}from {package} import {', '.join(leaves)}")
    comment = match["comment"] or ""
    return "\n".join(lines) + comment


def _rewrite_from_module(text: str) -> str:
    """`from core.x import a, b` for every moved x; an ambiguous x only when what is imported
    is not one of its package's modules."""
    for old, new in MOVES.items():
        pattern = re.compile(rf"(?<![\w.])from {re.escape(old)} import (\(?)\s*({IDENT})")
        subs = submodules(old) if ambiguous(old) else set()

        def repl(m: re.Match[str], old: str = old, new: str = new, subs: set[str] = subs) -> str:
            if m[2] in subs:
                return m[0]
            return m[0].replace(f"from {old} import", f"from {new} import", 1)

        text = pattern.sub(repl, text)
    return text


def _rewrite_dotted(text: str) -> str:
    for old, new in sorted(MOVES.items(), key=lambda kv: -len(kv[0])):
        if not ambiguous(old):
            text = re.sub(rf"(?<![\w.]){re.escape(old)}(?![\w])", new, text)
            continue
        subs = submodules(old)

        # core.quality.<attribute> where the attribute is not one of the package's modules
        def attribute(m: re.Match[str], new: str = new, subs: set[str] = subs) -> str:
            return m[0] if m[1] in subs else f"{new}.{m[1]}"

        text = re.sub(rf"(?<![\w.]){re.escape(old)}\.({IDENT})", attribute, text)
        # `import core.quality` and core.quality passed as a value
        text = re.sub(
            rf"^(\s*)import {re.escape(old)}(?![\w.])", rf"\1import {new}", text, flags=re.M
        )
        text = re.sub(rf"(?<![\w.]){re.escape(old)}(?=\s*[,)])", new, text)
    return text


def _rewrite_symbols(text: str) -> str:
    for module, names in SYMBOLS.items():
        for name, new in names.items():
            text = re.sub(rf"(?<![\w.]){re.escape(module)}\.{name}(?![\w])", f"{new}.{name}", text)
        statement = re.compile(
            rf"^(?P<indent>[ \t]*)from {re.escape(module)} import "
            r"(?:\((?P<group>[^)]*)\)|(?P<line>[^\n#(]*?))[ \t]*$",
            re.M,
        )

        def split(m: re.Match[str], module: str = module, names: dict[str, str] = names) -> str:
            body = m["group"] if m["group"] is not None else m["line"]
            items = [i.strip() for i in body.replace("\n", " ").split(",") if i.strip()]
            if not any(i.split(" as ")[0].strip() in names for i in items):
                return m[0]
            targets: dict[str, list[str]] = {}
            for item in items:
                target = names.get(item.split(" as ")[0].strip(), module)
                targets.setdefault(target, []).append(item)
            return "\n".join(
                f"{m['indent']}from {target} import {', '.join(listed)}"
                for target, listed in targets.items()
            )

        text = statement.sub(split, text)
        text = _rewrite_module_attributes(text, module, names)
    return text


def _rewrite_module_attributes(text: str, module: str, names: dict[str, str]) -> str:
    """`disputes.decide_dispute` where `from core.quality import disputes` (or `... as x`):
    use the new module's name, and import it beside the old one."""
    parent, leaf = module.rsplit(".", 1)
    statements = re.finditer(
        rf"^(?P<indent>[ \t]*)from {re.escape(parent)} import "
        r"(?:\((?P<group>[^)]*)\)|(?P<line>[^\n#(]*))",
        text,
        re.M,
    )
    for found in statements:
        body = found["group"] if found["group"] is not None else found["line"]
        items = [i.strip() for i in body.replace("\n", " ").split(",") if i.strip()]
        aliases = [i.partition(" as ")[2].strip() or leaf for i in items if i.split()[0] == leaf]
        if aliases:
            break
    else:
        return text
    alias, indent, statement = aliases[0], found["indent"], found[0]
    needed: set[str] = set()
    for name, new in names.items():
        pattern = rf"(?<![\w.]){re.escape(alias)}\.{name}(?![\w])"
        if re.search(pattern, text):
            new_parent, new_leaf = new.rsplit(".", 1)
            text = re.sub(pattern, f"{new_leaf}.{name}", text)
            needed.add(f"{indent}from {new_parent} import {new_leaf}")
    missing = [line for line in sorted(needed) if line not in text]
    if missing:
        end = text.index(statement) + len(statement)
        text = text[:end] + "\n" + "\n".join(missing) + text[end:]
    return text


def _rewrite_paths(text: str) -> str:
    for old, new in MOVES.items():
        old_path = old.replace(".", "/") + ".py"
        new_path = new.replace(".", "/") + ".py"
        text = re.sub(rf"(?<![\w/]){re.escape(old_path)}\b", new_path, text)
    return text


def rewrite(text: str, suffix: str) -> str:
    if suffix == ".py":
        text = FROM_CORE.sub(_rewrite_from_core, text)
    text = _rewrite_from_module(text)
    text = _rewrite_dotted(text)
    text = _rewrite_symbols(text)
    return _rewrite_paths(text)


def files() -> list[Path]:
    found = [ROOT / name for name in FILES if (ROOT / name).is_file()]
    for folder in FOLDERS:
        base = ROOT / folder
        if base.is_dir():
            found += [
                p
                for p in base.rglob("*")
                if p.is_file() and p.suffix in SUFFIXES and ".venv" not in p.parts
            ]
    return sorted(p for p in found if p.resolve() != SELF)


def rewrite_files(dry: bool) -> list[str]:
    changed = []
    for path in files():
        text = path.read_text(encoding="utf-8")
        new = rewrite(text, path.suffix)
        if new != text:
            changed.append(str(path.relative_to(ROOT)))
            if not dry:
                path.write_text(new, encoding="utf-8")
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if stale")
    args = parser.parse_args(argv)
    moved = move_files(dry=args.check)
    changed = rewrite_files(dry=args.check)
    for line in moved:
        print(line)
    for name in changed:
        print(f"{'would rewrite' if args.check else 'rewrote'} {name}")
    if args.check:
        return 1 if moved or changed else 0
    print(f"{len(moved)} modules moved, {len(changed)} files rewritten")
    return 0


if __name__ == "__main__":
    sys.exit(main())
