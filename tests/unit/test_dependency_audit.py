"""`make audit` fails on a vulnerability or an unaudited package, and says plainly when no
advisory source could be reached instead of reporting a clean bill of health."""

from __future__ import annotations

import json
import subprocess
from typing import Any

import pytest

from tools import audit_dependencies as audit

NOT_FOUND = {
    "name": "absl-py",
    "skip_reason": "Dependency not found on PyPI and could not be audited",
}
CLEAN = {"name": "pandas", "version": "3.0.1", "vulns": []}
VULNERABLE = {
    "name": "urllib3",
    "version": "1.0",
    "vulns": [{"id": "GHSA-xxxx", "fix_versions": ["2.5.0"]}],
}


def answers(monkeypatch: pytest.MonkeyPatch, by_service: dict[str, Any]) -> list[str]:
    """pip-audit answering per service: a list of dependencies (its JSON), or a crash text."""
    asked: list[str] = []

    def run(command: list[str], **_: object) -> subprocess.CompletedProcess[str]:
        service = command[command.index("--vulnerability-service") + 1]
        asked.append(service)
        answer = by_service[service]
        if isinstance(answer, str):
            return subprocess.CompletedProcess(command, 1, "", answer)
        return subprocess.CompletedProcess(
            command, 0, json.dumps({"dependencies": answer, "fixes": []}), ""
        )

    monkeypatch.setattr(audit.subprocess, "run", run)
    return asked


UNRESOLVED = (
    "Traceback ...\nrequests.exceptions.ConnectionError: Failed to resolve '{}' ([Errno -2])"
)


def test_no_reachable_source_is_one_honest_line_and_does_not_fail(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    asked = answers(
        monkeypatch,
        {
            "pypi": [NOT_FOUND, NOT_FOUND],
            "osv": UNRESOLVED.format("api.osv.dev"),
            "esms": UNRESOLVED.format("advisories.ecosyste.ms"),
        },
    )
    assert audit.main() == 0 and asked == ["pypi", "osv", "esms"]
    out = capsys.readouterr().out
    assert out == (
        "dependency audit not run: no advisory source reachable (tried PyPI: answered "
        "'not found' for all 2 packages; OSV: cannot resolve api.osv.dev; "
        "ecosyste.ms: cannot resolve advisories.ecosyste.ms)\n"
    )


def test_packages_that_could_not_be_audited_fail_the_audit(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    answers(monkeypatch, {"pypi": [CLEAN, NOT_FOUND]})
    assert audit.main() == 1
    assert "dependency audit FAILED: could not audit 1 packages" in capsys.readouterr().out


def test_a_known_vulnerability_fails_the_audit_naming_the_fix(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    answers(monkeypatch, {"pypi": UNRESOLVED.format("pypi.org"), "osv": [CLEAN, VULNERABLE]})
    assert audit.main() == 1
    assert "urllib3 1.0: GHSA-xxxx (fixed in 2.5.0)" in capsys.readouterr().out


def test_a_clean_audit_says_how_many_packages_were_checked_and_where(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    answers(monkeypatch, {"pypi": [CLEAN]})
    assert audit.main() == 0
    assert capsys.readouterr().out == (
        "dependency audit: 1 packages checked against PyPI, no known vulnerabilities\n"
    )
