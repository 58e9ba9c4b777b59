"""The locks in requirements/ are in step with pyproject.toml.

`make run` installs requirements/app.txt and `make test` requirements/test.txt, both written by
`make lock` from pyproject.toml (and requirements/build.in: pip, setuptools, uv). A dependency
added to, raised in or removed from pyproject.toml without relocking would be silently missing,
too old or still installed: these tests fail instead, with a sentence saying to run `make lock`.
"""

from __future__ import annotations

import copy
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
LOCKS = ROOT / "requirements"
RELOCK = "run `make lock` and commit requirements/"
PYPROJECT_REASON = "headway (pyproject.toml)"
BUILD_REASON = "-r requirements/build.in"
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)")


@dataclass
class Pin:
    version: str
    hashes: int = 0
    via: list[str] = field(default_factory=list)


def parse_lock(text: str) -> tuple[dict[str, Pin], list[str]]:
    """The pins of a lock written by uv, and any line that is neither a pin, a hash nor a comment."""
    pins: dict[str, Pin] = {}
    strays: list[str] = []
    current: Pin | None = None
    in_via = False
    for line in text.splitlines():
        pin = PIN.match(line)
        stripped = line.strip()
        if pin:
            current = pins[canonicalize_name(pin[1])] = Pin(pin[2])
            in_via = False
        elif stripped.startswith("--hash=sha256:") and current is not None:
            current.hashes += 1
        elif stripped == "# via":
            in_via = True
        elif stripped.startswith("# via ") and current is not None:
            current.via.append(stripped.removeprefix("# via ").strip())
            in_via = False
        elif in_via and stripped.startswith("#   ") and current is not None:
            current.via.append(stripped.removeprefix("#").strip())
        elif stripped and not stripped.startswith("#"):
            strays.append(stripped)
    return pins, strays


def read_locks() -> dict[str, dict[str, Pin]]:
    locks = {}
    for name in ("build.txt", "app.txt", "test.txt"):
        pins, strays = parse_lock((LOCKS / name).read_text())
        assert not strays, f"requirements/{name} has lines that are not pins: {strays}; {RELOCK}."
        locks[name] = pins
    return locks


def read_pyproject() -> dict[str, Any]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def read_build_in() -> list[str]:
    lines = (LOCKS / "build.in").read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def lock_problems(
    pyproject: dict[str, Any], build_in: list[str], locks: dict[str, dict[str, Pin]]
) -> list[str]:
    """One sentence per way the locks and what they are written from disagree (none if they agree)."""
    app = [("pyproject.toml", text) for text in pyproject["project"]["dependencies"]]
    tests = [("pyproject.toml", t) for t in pyproject["project"]["optional-dependencies"]["test"]]
    backend = [("pyproject.toml", text) for text in pyproject["build-system"]["requires"]]
    wanted = {
        "app.txt": app,
        "test.txt": app + tests,
        "build.txt": [("requirements/build.in", text) for text in build_in] + backend,
    }
    problems = []
    for lock, sources in wanted.items():
        pins = locks[lock]
        asked = {canonicalize_name(Requirement(text).name) for _, text in sources}
        for source, text in sources:
            requirement = Requirement(text)
            if requirement.marker is not None and not requirement.marker.evaluate():
                continue
            pin = pins.get(canonicalize_name(requirement.name))
            if pin is None:
                problems.append(
                    f"{source} asks for {requirement} but requirements/{lock} does not "
                    f"pin {requirement.name}: {RELOCK}."
                )
            elif not requirement.specifier.contains(pin.version, prereleases=True):
                problems.append(
                    f"{source} asks for {requirement} but requirements/{lock} pins "
                    f"{requirement.name} {pin.version}: {RELOCK}."
                )
        reason = BUILD_REASON if lock == "build.txt" else PYPROJECT_REASON
        for name, pin in sorted(pins.items()):
            if reason in pin.via and name not in asked:
                problems.append(
                    f"requirements/{lock} still pins {name} {pin.version} for "
                    f"{reason.removeprefix('-r ')}, which no longer asks for it: {RELOCK}."
                )
    for lock in ("app.txt", "test.txt"):
        for name, pin in sorted(locks[lock].items()):
            other = locks["test.txt" if lock == "app.txt" else "build.txt"].get(name)
            if other is not None and other.version != pin.version:
                problems.append(
                    f"requirements/{lock} pins {name} {pin.version} but the lock it is held to "
                    f"pins {other.version}: {RELOCK}."
                )
    return problems


def test_the_locks_agree_with_pyproject() -> None:
    problems = lock_problems(read_pyproject(), read_build_in(), read_locks())
    assert not problems, "\n".join(problems)


def test_every_pin_has_hashes_and_a_reason_in_its_lock() -> None:
    for lock, pins in read_locks().items():
        assert pins, f"requirements/{lock} pins nothing: {RELOCK}."
        for name, pin in pins.items():
            assert pin.hashes, f"requirements/{lock} pins {name} without a hash: {RELOCK}."
            reasons = [reason for reason in pin.via if not reason.startswith("-c ")]
            assert reasons, f"requirements/{lock} pins {name} for no reason: {RELOCK}."
            for reason in reasons:
                if reason in (PYPROJECT_REASON, BUILD_REASON):
                    continue
                required_by = canonicalize_name(re.sub(r"\[.*\]$", "", reason))
                assert required_by in pins, (
                    f"requirements/{lock} pins {name} for {reason}, which it does not pin: "
                    f"{RELOCK}."
                )


def test_the_app_lock_holds_no_test_tool() -> None:
    app = read_locks()["app.txt"]
    for tool in read_pyproject()["project"]["optional-dependencies"]["test"]:
        name = canonicalize_name(Requirement(tool).name)
        assert name not in app, f"`make run` would install the test tool {name}."


def test_a_dependency_added_without_relocking_fails_with_the_instruction() -> None:
    pyproject, locks = read_pyproject(), read_locks()
    added = copy.deepcopy(pyproject)
    added["project"]["dependencies"].append("left-pad-for-python>=1")
    assert lock_problems(added, read_build_in(), locks) == [
        f"pyproject.toml asks for left-pad-for-python>=1 but requirements/{lock} does not pin "
        f"left-pad-for-python: {RELOCK}."
        for lock in ("app.txt", "test.txt")
    ]


def test_a_raised_floor_or_a_removed_dependency_fails_with_the_instruction() -> None:
    pyproject, locks = read_pyproject(), read_locks()
    pinned = locks["app.txt"]["plotly"].version
    raised = copy.deepcopy(pyproject)
    dependencies = raised["project"]["dependencies"]
    dependencies[:] = [d for d in dependencies if not d.startswith("plotly")] + ["plotly>=999"]
    assert lock_problems(raised, read_build_in(), locks) == [
        f"pyproject.toml asks for plotly>=999 but requirements/{lock} pins plotly {pinned}: "
        f"{RELOCK}."
        for lock in ("app.txt", "test.txt")
    ]

    removed = copy.deepcopy(pyproject)
    tests = removed["project"]["optional-dependencies"]["test"]
    tests[:] = [d for d in tests if not d.startswith("hypothesis")]
    version = locks["test.txt"]["hypothesis"].version
    assert lock_problems(removed, read_build_in(), locks) == [
        f"requirements/test.txt still pins hypothesis {version} for headway (pyproject.toml), "
        f"which no longer asks for it: {RELOCK}."
    ]


def test_parse_lock_reads_uvs_format() -> None:
    pins, strays = parse_lock(
        "# This file was autogenerated by uv via the following command:\n"
        "#    make lock\n"
        "alembic==1.20.1 \\\n"
        "    --hash=sha256:aa \\\n"
        "    --hash=sha256:bb\n"
        "    # via\n"
        "    #   -c requirements/test.txt\n"
        "    #   headway (pyproject.toml)\n"
        "Mako==1.3.0 \\\n"
        "    --hash=sha256:cc\n"
        "    # via alembic\n"
        "requests>=2\n"
    )
    assert pins == {
        "alembic": Pin("1.20.1", 2, ["-c requirements/test.txt", "headway (pyproject.toml)"]),
        "mako": Pin("1.3.0", 1, ["alembic"]),
    }
    assert strays == ["requests>=2"]
