"""`make audit`: known vulnerabilities in the installed packages, reported honestly.

pip-audit says "No known vulnerabilities found" (exit 0) even when it audited nothing: behind a
package mirror without PyPI's JSON API every package is "not found on PyPI and could not be
audited". So this runs pip-audit (headway itself, installed editable, is skipped) against each
advisory source in turn and reads its JSON report:

- the first source that audits at least one package decides: any vulnerability, or any package
  it could not audit, fails the audit (exit 1), naming them;
- when no source audits anything (none reachable), one line says the audit was not run and what
  was tried, and the exit is 0 — an offline machine or CI runner is not broken, but nothing
  pretends the packages were checked.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import dataclass, field

SOURCES = (("pypi", "PyPI"), ("osv", "OSV"), ("esms", "ecosyste.ms"))
TIMEOUT_SECONDS = 600


@dataclass
class Report:
    source: str
    audited: list[str] = field(default_factory=list)  # "name version"
    vulnerable: list[str] = field(default_factory=list)  # "name version: ID (fixed in x)"
    not_audited: list[str] = field(default_factory=list)  # "name: reason"
    failure: str = ""  # why the source gave no report at all


def run_pip_audit(service: str, label: str) -> Report:
    command = [
        sys.executable,
        "-m",
        "pip_audit",
        "--vulnerability-service",
        service,
        "--format",
        "json",
        "--progress-spinner",
        "off",
        "--skip-editable",
    ]
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False
        )
    except subprocess.TimeoutExpired:
        return Report(label, failure=f"no answer within {TIMEOUT_SECONDS} s")
    try:
        data = json.loads(done.stdout)
    except json.JSONDecodeError:
        return Report(label, failure=_why(done.stderr))
    report = Report(label)
    for dependency in data.get("dependencies", []):
        name = f"{dependency['name']} {dependency.get('version', '')}".strip()
        if "skip_reason" in dependency:
            report.not_audited.append(f"{name}: {dependency['skip_reason']}")
            continue
        report.audited.append(name)
        for vulnerability in dependency.get("vulns", []):
            fixed = ", ".join(vulnerability.get("fix_versions", [])) or "no fix yet"
            report.vulnerable.append(f"{name}: {vulnerability['id']} (fixed in {fixed})")
    if not report.audited and report.not_audited:
        report.failure = f"answered 'not found' for all {len(report.not_audited)} packages"
    return report


def _why(stderr: str) -> str:
    """The cause of a pip-audit crash in a few words (it prints a traceback)."""
    host = re.search(r"Failed to resolve '([^']+)'", stderr)
    if host:
        return f"cannot resolve {host.group(1)}"
    refused = re.search(r"host='([^']+)'.*(?:refused|timed out)", stderr)
    if refused:
        return f"cannot connect to {refused.group(1)}"
    lines = [line for line in stderr.strip().splitlines() if line.strip()]
    return (lines[-1][:120] if lines else "pip-audit gave no report").rstrip(".")


def main() -> int:
    tried = []
    for service, label in SOURCES:
        report = run_pip_audit(service, label)
        if report.failure:
            tried.append(f"{label}: {report.failure}")
            continue
        return verdict(report)
    print(f"dependency audit not run: no advisory source reachable (tried {'; '.join(tried)})")
    return 0


def verdict(report: Report) -> int:
    if report.vulnerable:
        print(f"dependency audit FAILED: {len(report.vulnerable)} known vulnerabilities:")
        for line in report.vulnerable:
            print(f"  {line}")
    if report.not_audited:
        print(f"dependency audit FAILED: could not audit {len(report.not_audited)} packages:")
        for line in report.not_audited:
            print(f"  {line}")
    if report.vulnerable or report.not_audited:
        return 1
    print(
        f"dependency audit: {len(report.audited)} packages checked against {report.source}, "
        "no known vulnerabilities"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
