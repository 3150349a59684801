"""tests/ci_skips.py: in CI a skip fails unless tests/skip-allowlist.txt names it.

Each case runs a throw-away pytest session (pytester, in-process) on a tiny test file with
the plugin loaded, with and without $CI."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

SKIPS = """
import pytest

def test_runs():
    pass

def test_skips_while_running():
    pytest.skip("the network is unreachable")

@pytest.mark.skip(reason="marked")
def test_marked():
    pass

@pytest.fixture(scope="session")
def tool():
    pytest.skip("the tool cannot be fetched")

@pytest.mark.parametrize("version", ["0.7", "0.10"])
def test_fixture_skips(tool, version):
    pass

@pytest.mark.xfail(reason="a known bug", strict=True)
def test_xfails():
    assert False
"""
MODULE_SKIP = """
import pytest
pytest.importorskip("no_such_module_for_ci_skips")

def test_never_collected():
    pass
"""


def run(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, ci: str | None,
        allowlist: str | None = None, source: str = SKIPS) -> pytest.RunResult:
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)
    # Only this plugin (and pytester's own): faster, and independent of what else is installed.
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    pytester.makeini("[pytest]\n")  # the root directory is pytester's
    pytester.mkdir("tests")
    pytester.path.joinpath("tests", "test_skips.py").write_text(source, encoding="utf-8")
    if allowlist is not None:
        pytester.path.joinpath("tests", "skip-allowlist.txt").write_text(allowlist, encoding="utf-8")
    # (-W: the plugin module is already imported by this session, so pytest cannot rewrite its asserts.)
    return pytester.runpytest("-p", "ci_skips", "-p", "no:cacheprovider", "-rs",
                              "-W", "ignore::pytest.PytestAssertRewriteWarning")


@pytest.mark.parametrize("ci", [None, "", "0", "false", "False", "no", "off"])
def test_outside_ci_a_skip_stays_a_skip(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch,
                                        ci: str | None):
    result = run(pytester, monkeypatch, ci)
    result.assert_outcomes(passed=1, skipped=4, xfailed=1)
    assert result.ret == pytest.ExitCode.OK


@pytest.mark.parametrize("ci", ["true", "1", "yes", "TRUE"])
def test_in_ci_each_skip_fails_with_its_reason(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch,
                                               ci: str):
    result = run(pytester, monkeypatch, ci)
    # pytest.skip while running: a failure; a skip marker or fixture skip (set-up): an error.
    result.assert_outcomes(passed=1, failed=1, errors=3, xfailed=1)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    output = result.stdout.str()
    for nodeid, reason in [("tests/test_skips.py::test_skips_while_running", "the network is unreachable"),
                           ("tests/test_skips.py::test_marked", "marked"),
                           ("tests/test_skips.py::test_fixture_skips[0.7]", "the tool cannot be fetched"),
                           ("tests/test_skips.py::test_fixture_skips[0.10]", "the tool cannot be fetched")]:
        assert nodeid in output
        assert f"skipped in CI: {reason}" in output
    assert "skip-allowlist.txt" in output


def test_in_ci_allowlisted_skips_stay_skips(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch):
    allowlist = ("# comment\n\n"
                 "tests/test_skips.py::test_skips_while_running # needs the network\n"
                 "tests/test_skips.py::test_fixture_skips[0.7] # the bracket is literal, not a character class\n"
                 "tests/test_skips.py::test_fix*[0.10] # a star matches any run of characters\n")
    result = run(pytester, monkeypatch, "true", allowlist)
    # test_marked is not on the list: it alone fails.
    result.assert_outcomes(passed=1, skipped=3, errors=1, xfailed=1)
    assert "tests/test_skips.py::test_marked" in result.stdout.str()


def test_an_allowlisted_module_names_its_tests(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch):
    result = run(pytester, monkeypatch, "true", "tests/test_skips.py # all of it\n")
    result.assert_outcomes(passed=1, skipped=4, xfailed=1)
    assert result.ret == pytest.ExitCode.OK


def test_a_pattern_names_only_what_it_matches(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch):
    # A prefix that is not a whole node id (test_fixture, not test_fixture_skips) names nothing.
    result = run(pytester, monkeypatch, "true", "tests/test_skips.py::test_fixture # not a node\n")
    result.assert_outcomes(passed=1, failed=1, errors=3, xfailed=1)


def test_in_ci_a_module_skip_is_a_collection_error(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch):
    result = run(pytester, monkeypatch, "true", source=MODULE_SKIP)
    result.assert_outcomes(errors=1)
    assert result.ret != pytest.ExitCode.OK
    assert "skipped in CI: could not import 'no_such_module_for_ci_skips'" in result.stdout.str()


def test_an_allowlisted_module_skip_stays_a_skip(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch):
    result = run(pytester, monkeypatch, "true", "tests/test_skips.py # an optional package\n", MODULE_SKIP)
    result.assert_outcomes(skipped=1)
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED


def test_outside_ci_a_module_skip_stays_a_skip(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch):
    result = run(pytester, monkeypatch, None, source=MODULE_SKIP)
    result.assert_outcomes(skipped=1)


def test_an_entry_needs_a_reason(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch):
    # Checked in every run, in CI or not.
    result = run(pytester, monkeypatch, None, "tests/test_skips.py::test_marked\n")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "skip-allowlist.txt:1: an entry is 'NODE-ID-PATTERN # REASON'" in result.stderr.str()


def test_the_repository_allowlist_parses():
    from ci_skips import read_allowlist
    from conftest import ROOT
    read_allowlist(ROOT / "tests" / "skip-allowlist.txt")
