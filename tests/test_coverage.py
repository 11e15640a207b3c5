"""Coverage over the author's productions: counts by hand, steering, reports, CLI."""

from __future__ import annotations

import json
import random

import pytest

from gramgen import Grammar, Sampler
from gramgen.cli import main
from gramgen.coverage import Coverage, CoverageChooser, report_json, report_text, run
from gramgen.grammar import bundled_grammars

SMALL = """\
start: greeting NAME? "!"*
greeting: "hi" -> hi
        | "hello" -> hello
        | "hey"
NAME: "bob" | "amy"
unused: "x" | "y"
%ignore " "
"""


def test_universe_counted_by_hand() -> None:
    s = Sampler(Grammar.from_string(SMALL, parser="lalr"))
    cov = Coverage(s, k=(2,))
    summary = cov.summary()
    # start (1 alternative) + greeting (3); unused is unreachable, not missing
    assert summary["alt"] == (0, 4)
    assert summary["opt"] == (0, 2)  # NAME? taken and skipped
    assert summary["rep"] == (0, 3)  # "!"* zero, one, many
    # terminals: NAME, HI, HELLO, HEY, BANG, plus the two strings of NAME
    assert summary["term"] == (0, 7)
    unreachable = [e for e in cov.entries() if not e.reachable]
    assert {e.key for e in unreachable if e.kind == "alt"} == {"unused#1", "unused#2"}


def test_one_derivation_hits_exactly_its_productions() -> None:
    s = Sampler(Grammar.from_string(SMALL, parser="lalr"))
    cov = Coverage(s, k=(2,))
    smp = next(smp for smp in s.sample(200, seed=1) if smp.text == "hellobob!!")
    cov.add(smp.derivation)
    assert cov.summary()["alt"] == (2, 4)  # start#1, greeting->hello
    assert cov.summary()["opt"] == (1, 2)
    assert cov.summary()["rep"] == (1, 3)  # many
    hit = {e.key for e in cov.entries(("term",)) if e.hits}
    assert hit == {"NAME", "NAME 'bob'", "HELLO", "BANG"}
    missing = {cov.describe(i) for i in cov.missing(("alt",))}
    assert missing == {"greeting->hi", "greeting#3"}


def test_alternatives_are_keyed_to_source_positions() -> None:
    s = Sampler(Grammar.from_string(SMALL, parser="lalr"))
    cov = Coverage(s, k=())
    where = {e.key: (e.line, e.column) for e in cov.entries(("alt",))}
    assert where["greeting->hi"] == (2, 11)
    assert where["greeting->hello"] == (3, 11)
    assert where["greeting#3"] == (4, 11)


@pytest.mark.parametrize("name", bundled_grammars())
def test_guided_mode_reaches_full_coverage_on_every_bundled_grammar(name: str) -> None:
    s = Sampler(Grammar.open(name, parser="lalr"))
    cov = run(s, 500, seed=0, guided=True, stop_when_full=True, k=())
    assert cov.complete()
    assert cov.derivations < 100


def test_guided_needs_fewer_samples_than_random() -> None:
    s = Sampler(Grammar.open("json", parser="lalr"))
    guided = [
        run(s, 2000, seed=i, guided=True, stop_when_full=True, k=()).derivations for i in range(9)
    ]
    rand = [run(s, 2000, seed=i, stop_when_full=True, k=()).derivations for i in range(9)]
    assert sorted(guided)[4] * 3 < sorted(rand)[4]


def test_guided_output_still_re_parses() -> None:
    s = Sampler(Grammar.open("json", parser="lalr"))
    cov = Coverage(s, k=())
    import random

    from gramgen.coverage import CoverageChooser

    ch = CoverageChooser(cov, random.Random(3))
    for _ in range(50):
        smp = s.from_chooser(ch)
        assert smp is not None
        assert s.renderer.reparse(smp.text, "start") is None
        cov.add(smp.derivation)
        ch.refresh()


def test_k_paths_count_chains_of_nested_symbols() -> None:
    s = Sampler(Grammar.from_string('start: a\na: B | "(" a ")"\nB: "b"\n', parser="lalr"))
    cov = Coverage(s, k=(2,))
    # start>a, a>B, a>a, a>LPAR, a>RPAR
    assert cov.summary()["kpath"] == (0, 5)
    cov.add(next(smp for smp in s.sample(100, seed=2) if smp.text == "(b)").derivation)
    assert cov.summary()["kpath"] == (5, 5)


def test_reports(capsys) -> None:
    s = Sampler(Grammar.from_string(SMALL, parser="lalr"))
    cov = run(s, 3, seed=0, k=(2,))
    text = report_text(cov)
    assert "alternatives" in text and "unreachable from 'start'" in text
    data = report_json(cov)
    assert data["derivations"] == 3
    assert {i["kind"] for i in data["items"]} == {"alt", "opt", "rep", "term", "kpath"}
    json.dumps(data)


def test_cli_coverage_and_fail_under(capsys) -> None:
    code = main(
        [
            "coverage",
            "json",
            "-n",
            "300",
            "--guided",
            "--stop-when-full",
            "--format",
            "json",
            "--parser",
            "lalr",
        ]
    )
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert out["summary"]["alt"]["percent"] == 100.0
    code = main(["coverage", "json", "-n", "1", "--fail-under", "90"])
    err = capsys.readouterr().err
    assert code == 1
    assert "under --fail-under 90" in err


def test_guided_mode_steers_toward_uncovered_pairs_of_nested_rules() -> None:
    s = Sampler(Grammar.open("json", parser="lalr"))

    def samples_to_full(guided: bool, seed: int) -> int:
        cov = Coverage(s, k=(2,))
        chooser = CoverageChooser(cov, random.Random(seed)) if guided else None
        for n in range(1, 3000):
            smp = s.from_chooser(chooser) if chooser else s.item(seed, n)
            if smp is not None:
                cov.add(smp.derivation)
            if chooser is not None:
                chooser.refresh()
            if cov.complete(("alt", "opt", "rep", "kpath")):
                return n
        return 3000

    guided = sorted(samples_to_full(True, i) for i in range(7))
    rand = sorted(samples_to_full(False, i) for i in range(7))
    assert guided[3] * 4 < rand[3]
