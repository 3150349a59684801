"""In CI a skipped test is a failed test, unless `tests/skip-allowlist.txt` names it.

A skip in CI means something was not tested (a reference package missing, a download that
failed) while the run still reads green. So when the environment variable `CI` is set to a
truthy value (anything but empty, `0`, `false`, `no`, `off`; CI services set `CI=true`, and
`.ci/run` sets it too), every skip that the allow-list does not name is turned into a
failure of that test, with the skip's reason in the message:

- a test skipped at set-up (a skip marker, a fixture calling `pytest.skip`) or while
  running fails (reported as an error at set-up, or a failure);
- a module skipped while collecting (`pytest.importorskip` at module level) becomes a
  collection error.

xfail is not a skip and is left alone. Outside CI nothing changes.

The allow-list, `tests/skip-allowlist.txt` under the root directory: one entry a line,
`NODE-ID-PATTERN # REASON` (a reason is required); blank lines and lines starting with
`#` are comments. A pattern is a pytest node id (`tests/core/test_x.py::test_y[param]`)
in which `*` matches any run of characters and everything else is literal (`[` included);
it names that node and every node under it (a module names its tests).

`tests/conftest.py` imports these hooks; `tests/test_ci_skips.py` loads this module as a
plugin (`-p ci_skips`) in throw-away pytest runs.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

ALLOWLIST = Path("tests") / "skip-allowlist.txt"
FALSY = {"", "0", "false", "no", "off"}
ENTRIES = pytest.StashKey[list[tuple[re.Pattern[str], str]]]()


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in FALSY


def read_allowlist(path: Path) -> list[tuple[re.Pattern[str], str]]:
    """The allow-list's entries as (compiled pattern, reason); a line without a reason is an error."""
    if not path.is_file():
        return []
    entries = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        pattern, _, reason = line.partition(" # ")
        pattern, reason = pattern.strip(), reason.strip()
        if not pattern or not reason:
            raise pytest.UsageError(f"{path}:{number}: an entry is 'NODE-ID-PATTERN # REASON', got {raw!r}")
        literal = ".*".join(re.escape(part) for part in pattern.split("*"))
        entries.append((re.compile(rf"(?:{literal})(?:::.*)?", re.DOTALL), reason))
    return entries


def allowlisted(config: pytest.Config, nodeid: str) -> bool:
    entries = config.stash[ENTRIES]
    return any(pattern.fullmatch(nodeid) for pattern, _ in entries)


def skip_reason(report: pytest.TestReport | pytest.CollectReport) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        reason = str(longrepr[2])
        return reason.removeprefix("Skipped: ")
    return str(longrepr)


def failure_message(report: pytest.TestReport | pytest.CollectReport) -> str:
    return (f"skipped in CI: {skip_reason(report)}\n"
            f"A skip fails the run when $CI is set ({os.environ.get('CI')!r}); if this skip is expected "
            f"in CI, name {report.nodeid} in {ALLOWLIST} with the reason ('NODE-ID-PATTERN # REASON').")


def fail_unless_allowed(config: pytest.Config, report: pytest.TestReport | pytest.CollectReport) -> None:
    if (report.skipped and not hasattr(report, "wasxfail") and in_ci()
            and not allowlisted(config, report.nodeid)):
        report.longrepr = failure_message(report)
        report.outcome = "failed"


def pytest_configure(config: pytest.Config) -> None:
    # Read (and check) the list in every run, in CI or not, so that a malformed entry shows at once.
    config.stash[ENTRIES] = read_allowlist(config.rootpath / ALLOWLIST)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    report = yield
    fail_unless_allowed(item.config, report)
    return report


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(collector: pytest.Collector):
    report = yield
    fail_unless_allowed(collector.config, report)
    return report
