"""The documentation site builds with no broken link (MkDocs, strict), and the README stays a
front door: what Headway is, the two commands, the demo logins and links."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_docs_site_builds_strict_with_no_broken_link(tmp_path: Path) -> None:
    built = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert built.returncode == 0, built.stderr[-3000:]
    assert (tmp_path / "guides" / "agent" / "index.html").is_file()


def test_every_image_the_docs_show_is_in_the_repository() -> None:
    missing = [
        f"{page.relative_to(ROOT)}: {target}"
        for page in [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
        for target in re.findall(r"!\[[^\]]*\]\(([^)]+)\)", page.read_text(encoding="utf-8"))
        if not (page.parent / target).is_file()
    ]
    assert missing == []


def test_the_readme_is_a_front_door_of_at_most_200_lines() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= 200
    for must in ("make run", "make test", "agent@example.com", "headway-demo", "docs/"):
        assert must in readme
    linked = re.findall(r"\]\((docs/[^)#]+)", readme)
    assert linked and all((ROOT / target).is_file() for target in linked)
