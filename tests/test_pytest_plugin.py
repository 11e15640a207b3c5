"""The pytest plugin: grammar coverage of a test session, off unless asked for."""

from __future__ import annotations

import json

import pytest

# loaded before any inline run: pytester unloads the modules a run imports, and numpy
# refuses to be loaded twice in one process (a worker may run these tests first)
import gramgen.strategies
import gramgen.testing  # noqa: F401

pytest_plugins = ["pytester"]

GRAMMAR = """\
start: "a" b | "c"
b: "x" | "y" | "z"   //@ w=[1,1,0]
"""

TESTS = """\
from pathlib import Path

from hypothesis import given, settings

from gramgen import testing
from gramgen.strategies import from_grammar

TEXTS = from_grammar(Path(__file__).with_name("g.lark"), parser="lalr")


@settings(max_examples=60, database=None, deadline=None)
@given(TEXTS)
def test_texts(text):
    assert text[0] in "ac"


def test_collector_state(request):
    opt = request.config.getoption
    wanted = opt("gramgen_cov") or opt("gramgen_cov_fail_under") is not None
    wanted = wanted or bool(opt("gramgen_cov_report"))
    assert (testing.collector() is not None) == wanted
"""


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makefile(".lark", g=GRAMMAR)
    pytester.makepyfile(test_g=TESTS)
    return pytester


def test_report_names_the_grammar_and_its_numbers(project: pytest.Pytester) -> None:
    result = project.runpytest("--gramgen-cov")
    assert result.ret == 0
    result.stdout.fnmatch_lines(
        [
            "*gramgen grammar coverage*",
            "*g.lark (start 'start', * derivations)",
            "*alternatives*4/5*80.0%",
            "*optionals*0/0*100.0%",
            "*repetitions*0/0*100.0%",
            "*missing (1):",
            "*g.lark:2:16: alt b#3",
        ]
    )


def test_fail_under_fails_the_run_naming_what_is_missing(project: pytest.Pytester) -> None:
    result = project.runpytest("--gramgen-cov-fail-under=100")
    assert result.ret != 0
    result.stdout.fnmatch_lines(
        [
            "*FAIL: gramgen grammar coverage of *g.lark (start 'start'): 80.0% of alternatives,"
            " under --gramgen-cov-fail-under=100",
            "*missing *g.lark:2:16: alternative b#3",
        ]
    )
    result.assert_outcomes(passed=2)  # the tests themselves passed


def test_fail_under_met_passes(project: pytest.Pytester) -> None:
    result = project.runpytest("--gramgen-cov-fail-under=75")
    assert result.ret == 0
    result.stdout.fnmatch_lines(["*every grammar reached 75% of its alternatives*"])


def test_json_report(project: pytest.Pytester) -> None:
    out = project.path / "reports" / "cov.json"
    result = project.runpytest(f"--gramgen-cov-report=json:{out}")
    assert result.ret == 0
    assert "gramgen grammar coverage -" not in result.stdout.str()  # json only: no table
    doc = json.loads(out.read_text(encoding="utf-8"))
    (grammar,) = doc["grammars"]
    assert grammar["grammar"].endswith("g.lark")
    assert grammar["summary"]["alt"] == {"covered": 4, "total": 5, "percent": 80.0}
    assert grammar["derivations"] >= 60


def test_bad_report_option_is_a_usage_error(project: pytest.Pytester) -> None:
    result = project.runpytest("--gramgen-cov-report=html")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--gramgen-cov-report must be 'term' or 'json:PATH'*"])


def test_xdist_workers_coverage_is_merged(project: pytest.Pytester) -> None:
    # each worker sees only its own tests' samples: the controller adds them up
    pytest.importorskip("xdist")
    project.makepyfile(test_h=TESTS.replace("def test_", "def test_again_"))
    out = project.path / "cov.json"
    result = project.runpytest_subprocess(
        "-n",
        "2",
        "--gramgen-cov-fail-under=75",
        f"--gramgen-cov-report=json:{out}",
        "--gramgen-cov-report=term",
    )
    assert result.ret == 0, result.stdout.str()
    result.stdout.fnmatch_lines(["*alternatives*4/5*", "*every grammar reached 75%*"])
    (grammar,) = json.loads(out.read_text())["grammars"]
    assert grammar["summary"]["alt"] == {"covered": 4, "total": 5, "percent": 80.0}
    assert grammar["derivations"] >= 120  # both files' samples, from whichever worker
    assert project.runpytest_subprocess("-n", "2", "--gramgen-cov-fail-under=100").ret == 1


def test_off_without_the_flag(project: pytest.Pytester) -> None:
    result = project.runpytest()
    assert result.ret == 0
    result.assert_outcomes(passed=2)  # test_collector_state: no collector
    assert "gramgen grammar coverage" not in result.stdout.str()


def test_the_entry_point_registers_the_plugin(project: pytest.Pytester) -> None:
    result = project.runpytest_subprocess("--gramgen-cov")
    assert result.ret == 0
    result.stdout.fnmatch_lines(["*gramgen grammar coverage*", "*alternatives*4/5*"])
