"""Coverage over the author's productions: counts by hand, steering, reports, CLI."""

from __future__ import annotations

import json
import random
from collections import Counter

import pytest

from gramgen import Grammar, RandomChooser, Sampler
from gramgen.cli import main
from gramgen.coverage import Coverage, CoverageChooser, report_json, report_text, run
from gramgen.grammar import Kind, bundled_grammars

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


# ------------------------------------------------------------------------------------------
# Recording and steering: the replay, what add() reports, determinism, tight budgets


def _nested_grammar() -> str:
    """Rules of one alternative nested deeper and wider than the replay writes out,
    optionals and repetitions around such rules and terminals, a literal alternation."""
    chain = "\n".join(f"c{i}: c{i + 1}" for i in range(40))
    wide = " ".join(f'"w{i}"' for i in range(70))
    return f"""\
start: top
top: c0 wide item* [tail] pick+ WORD? | "k"
{chain}
c40: "z" | "y" single
wide: {wide}
item: single | "q" -> q
single: inner "s"
inner: WORD
tail: "t" single?
pick: "m" | "n" | "o"
WORD: "x" | "v"
%ignore " "
"""


def _reference_items(cov: Coverage, d: object) -> Counter[tuple[object, ...]]:
    """The items of a derivation, read off its rebuilt tree node by node."""
    out: Counter[tuple[object, ...]] = Counter()
    syms = cov.grammar.symbols
    tokens = d.tokens  # type: ignore[attr-defined]
    for node in cov.engine.tree(d).walk():  # type: ignore[arg-type]
        s = syms[node.sym]
        if s.kind is Kind.RULE:
            out["alt", node.sym, node.choice] += 1
        elif s.kind is Kind.OPT:
            out["opt", node.sym, node.choice] += 1
        elif s.kind is Kind.REP:
            c = node.choice
            out["rep", node.sym, "0" if c == 0 else "1" if c == 1 else "many"] += 1
        else:
            out["term", node.sym] += 1
            gen = cov.engine.terminals.get(node.sym)
            if gen is not None and gen.literals:
                out["lit", node.sym, tokens[node.token][1]] += 1
    return out


@pytest.mark.parametrize("name", ["nested", "json", "arith"])
def test_recorded_items_are_those_of_the_derivation_tree(name: str) -> None:
    g = (
        Grammar.from_string(_nested_grammar(), parser="lalr")
        if name == "nested"
        else Grammar.open(name, parser="lalr")
    )
    s = Sampler(g, roundtrip=False)
    cov = Coverage(s, k=())
    chooser = CoverageChooser(cov, random.Random(2))
    for i in range(40):
        d = s.derive(chooser) if i % 2 else s.derive(RandomChooser(s.engine, random.Random(i)))
        assert cov.items_of(d) == _reference_items(cov, d)
        cov.add(d)
        chooser.refresh()
    assert cov.complete(("alt",))


def test_add_returns_what_is_hit_for_the_first_time_and_counts_everything() -> None:
    s = Sampler(Grammar.open("json", parser="lalr"), roundtrip=False)
    for k in ((), (2,)):
        cov = Coverage(s, k=k)
        total: Counter[tuple[object, ...]] = Counter()
        for smp in s.sample(30, seed=6):
            items = cov.items_of(smp.derivation)
            new = cov.add(smp.derivation)
            assert new == Counter({i: n for i, n in items.items() if not total[i]})
            total.update(items)
            assert cov.hits == total
        assert cov.derivations == 30


@pytest.mark.parametrize("k", [(), (2, 3)])
def test_guided_sampling_is_deterministic(k: tuple[int, ...]) -> None:
    def texts() -> list[str]:
        s = Sampler(Grammar.open("json", parser="lalr"))
        cov = Coverage(s, k=k)
        chooser = CoverageChooser(cov, random.Random(11))
        out = []
        for i in range(12):
            smp = s.from_chooser(chooser, index=i, seed=11)
            assert smp is not None
            out.append(smp.text)
            cov.add(smp.derivation)
            chooser.refresh()
        return out

    assert texts() == texts()


def test_guided_choices_keep_to_a_tight_budget() -> None:
    s = Sampler(Grammar.open("arith", parser="lalr"), max_size=10)
    cov = Coverage(s, k=())
    chooser = CoverageChooser(cov, random.Random(4))
    for _ in range(300):
        smp = s.from_chooser(chooser)
        assert smp is not None and smp.derivation.size <= 10
        cov.add(smp.derivation)
        chooser.refresh()
        if cov.complete(("alt",)):
            break
    assert cov.complete(("alt",))


@pytest.mark.parametrize(("name", "samples"), [("arith", 1), ("json", 3)])
def test_guided_mode_covers_every_alternative_in_a_few_samples(name: str, samples: int) -> None:
    # one derivation takes each uncovered alternative it meets once, as new: arith's ten
    # fit in one text, json's sixteen in three
    s = Sampler(Grammar.open(name, parser="lalr"))
    for seed in range(20):
        assert run(s, samples, seed=seed, guided=True, k=()).complete(("alt",)), seed
