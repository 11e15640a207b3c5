"""The Hypothesis strategy, its chooser, and the test-suite helpers of gramgen.testing."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import lark
import pytest
from hypothesis import find, given, settings
from hypothesis import strategies as st

from gramgen import Grammar, InvalidArgument, Sampler, testing
from gramgen.strategies import (
    GrammarSample,
    HypothesisChooser,
    _Config,
    _texts,
    from_grammar,
)

LARK_GRAMMAR = Path(lark.__file__).parent / "grammars" / "lark.lark"
FAST = settings(max_examples=150, database=None, deadline=None)


def lark_parser(name_or_path: str | Path) -> lark.Lark:
    g = Grammar.open(name_or_path, parser="lalr")
    return lark.Lark(g.text, parser="lalr", start=g.starts)


# -- texts --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["arith", "json"])
def test_texts_reparse_with_the_grammars_own_parser(name: str) -> None:
    parser = lark_parser(name)
    seen: list[str] = []

    @FAST
    @given(from_grammar(name, parser="lalr"))
    def check(text: str) -> None:
        parser.parse(text)
        seen.append(text)

    check()
    assert len(set(seen)) > 50  # varied, not one text over and over


def test_lark_grammar_texts_reparse() -> None:
    parser = lark_parser(LARK_GRAMMAR)

    @settings(max_examples=60, database=None, deadline=None)
    @given(from_grammar(LARK_GRAMMAR, parser="lalr"))
    def check(text: str) -> None:
        parser.parse(text)

    check()


def test_grammar_text_path_and_grammar_object_are_accepted(tmp_path: Path) -> None:
    text = 'start: "a" | "b" start'
    path = tmp_path / "ab.lark"
    path.write_text(text, encoding="utf-8")
    for source in (text, path, str(path), Grammar.from_string(text, parser="lalr")):
        out = find(from_grammar(source), lambda t: t.count("b") >= 2)
        assert out == "bba"


def test_the_strategy_shows_as_from_grammar() -> None:
    s = from_grammar("arith", parser="lalr", max_size=50)
    assert repr(s).startswith("from_grammar(")
    assert "arith.lark" in repr(s) and "max_size=50" in repr(s)


# -- weights ------------------------------------------------------------------------------------


def _letters(strategy: object, n: int = 300) -> Counter[str]:
    counts: Counter[str] = Counter()

    @settings(max_examples=n, database=None, deadline=None)
    @given(strategy)
    def collect(text: str) -> None:
        counts.update(text)

    collect()
    return counts


def test_weights_shape_the_distribution() -> None:
    g = 'start: item+\nitem: "a" | "b"   //@ w=[1,9]\n'
    counts = _letters(from_grammar(g, parser="lalr"))
    share = counts["b"] / (counts["a"] + counts["b"])
    assert 0.75 < share < 0.97, counts


def test_weight_overrides_shape_the_distribution() -> None:
    g = 'start: item+\nitem: "a" | "b"\n'
    counts = _letters(from_grammar(g, parser="lalr", weights={"item#1": 9, "item#2": 1}))
    share = counts["a"] / (counts["a"] + counts["b"])
    assert 0.75 < share < 0.97, counts


def test_weights_on_a_grammar_object_do_not_change_it() -> None:
    g = Grammar.from_string('start: "a" | "b"  //@ w=[1,3]', parser="lalr")
    from_grammar(g, weights={"start#1": 5})
    assert [a.weight for a in g.symbols[g.start_symbol].alts] == [1.0, 3.0]


def test_zero_weight_alternatives_are_never_drawn() -> None:
    g = 'start: item+\nitem: "a" | "b" | "c"  //@ w=[1,1,0]\n'
    counts = _letters(from_grammar(g, parser="lalr"))
    assert counts["c"] == 0 and counts["a"] and counts["b"]


# -- shrinking ----------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_shrinks_to_a_minimal_text(seed: int) -> None:
    strategy = from_grammar("arith", parser="lalr")
    found = find(
        strategy, lambda t: "*" in t, settings=settings(database=None), random=random.Random(seed)
    )
    assert found == "0*0"


def test_a_failing_given_reports_the_minimal_text() -> None:
    tried: list[str] = []

    @settings(database=None, deadline=None, max_examples=500)
    @given(from_grammar("arith", parser="lalr"))
    def no_products(text: str) -> None:
        tried.append(text)
        assert "*" not in text

    with pytest.raises(AssertionError):
        no_products()
    assert tried[-1] == "0*0"  # Hypothesis runs the falsifying example last


def test_public_draw_path_shrinks_too() -> None:
    sampler = Sampler(Grammar.open("arith", parser="lalr"))
    public = _texts(_Config(sampler, False, fast=False))
    found = find(public, lambda t: "*" in t, settings=settings(database=None))
    assert found == "0*0"


def test_shrinks_structure_in_json() -> None:
    found = find(
        from_grammar("json", parser="lalr"),
        lambda t: "[" in t and "{" in t,
        settings=settings(database=None, max_examples=2000),
        random=random.Random(0),
    )
    assert len(found) <= 16, found  # [{}] or {"":[]} mostly


# -- samples and trees --------------------------------------------------------------------------


def test_trees_give_samples_with_derivations_and_trees() -> None:
    sampler = Sampler(Grammar.open("arith", parser="lalr"))

    @FAST
    @given(from_grammar(sampler, trees=True))
    def check(s: GrammarSample) -> None:
        assert isinstance(s, GrammarSample)
        assert s.derivation.size <= sampler.max_size
        assert sampler.renderer.join(s.derivation.tokens) in (s.text, s.text.replace(" ", ""))
        tree = s.tree
        assert tree.sym == sampler.start
        leaves = [n for n in tree.walk() if n.token >= 0]
        assert [n.token for n in leaves] == list(range(len(s.derivation.tokens)))
        assert "GrammarSample(text=" in repr(s)

    check()


# -- the chooser --------------------------------------------------------------------------------


def _desyncs(sampler: Sampler) -> st.SearchStrategy[int]:
    @st.composite
    def probe(draw: st.DrawFn) -> int:
        chooser = HypothesisChooser(sampler.engine, draw, start=sampler.start)
        Sampler.from_chooser(sampler, chooser)
        chooser.finish()
        return chooser.desyncs

    return probe()


@pytest.mark.parametrize(
    "source",
    ["arith", "json", LARK_GRAMMAR, "tests/grammars/templates.lark", "tests/grammars/glue.lark"],
)
def test_the_span_mirror_follows_the_engine(source: str | Path) -> None:
    root = Path(__file__).parent.parent
    path = root / source if str(source).startswith("tests/") else source
    sampler = Sampler(Grammar.open(path, parser="lalr"), max_size=60)

    @settings(max_examples=100, database=None, deadline=None)
    @given(_desyncs(sampler))
    def check(desyncs: int) -> None:
        assert desyncs == 0

    check()


def test_chooser_with_st_data_draws_through_the_public_api() -> None:
    sampler = Sampler(Grammar.open("json", parser="lalr"))
    parser = lark_parser("json")

    @FAST
    @given(st.data())
    def check(data: st.DataObject) -> None:
        chooser = HypothesisChooser(sampler.engine, data)
        smp = Sampler.from_chooser(sampler, chooser)
        assert smp is not None
        parser.parse(smp.text)

    check()


def test_all_zero_draws_give_the_smallest_derivation() -> None:
    sampler = Sampler(Grammar.open("json", parser="lalr"))

    class Zeros:
        def draw_integer(self, lo: int, hi: int) -> int:
            return lo

    smp = Sampler.from_chooser(sampler, HypothesisChooser(sampler.engine, Zeros()))
    assert smp is not None
    assert smp.derivation.size == sampler.analysis.min_size[sampler.start]


def test_chooser_rejects_what_cannot_draw() -> None:
    sampler = Sampler(Grammar.open("arith", parser="lalr"))
    with pytest.raises(InvalidArgument, match="draw"):
        HypothesisChooser(sampler.engine, 42)


# -- invalid arguments --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"grammar": 42}, "grammar must be a gramgen Grammar"),
        ({"grammar": b"start: 'a'"}, "grammar must be a gramgen Grammar"),
        ({"grammar": "arith", "max_size": 0}, "max_size must be >= 1"),
        ({"grammar": "arith", "max_size": "3"}, "max_size must be an int"),
        ({"grammar": "arith", "max_size": True}, "max_size must be an int"),
        ({"grammar": "arith", "max_size": 1}, "below the smallest derivation"),
        ({"grammar": "arith", "trees": "yes"}, "trees must be True or False"),
        ({"grammar": "arith", "weights": {"nope#1": 2}}, "no such alternative"),
        ({"grammar": "arith", "weights": [1, 2]}, "weights must be a mapping"),
        ({"grammar": "no-such-grammar"}, "no grammar file or bundled grammar"),
    ],
)
def test_invalid_arguments_raise_invalid_argument(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidArgument, match=message):
        from_grammar(**kwargs)  # type: ignore[arg-type]


def test_start_picks_any_rule_of_a_loaded_grammar() -> None:
    assert find(from_grammar("arith", start="atom", parser="lalr"), lambda t: "(" in t) == "(0)"
    g = Grammar.open("arith", parser="lalr")
    with pytest.raises(InvalidArgument, match="not one of the grammar's start rules"):
        from_grammar(g, start="atom")


def test_grammar_options_with_a_compiled_grammar_are_an_error() -> None:
    g = Grammar.open("arith", parser="lalr")
    with pytest.raises(InvalidArgument, match="already compiled"):
        from_grammar(g, parser="earley")
    with pytest.raises(InvalidArgument, match="already configured"):
        from_grammar(Sampler(g), max_size=50)


# -- health checks ------------------------------------------------------------------------------


@pytest.mark.parametrize("source", ["arith", "json", LARK_GRAMMAR])
def test_no_health_check_fails_with_default_settings(source: str | Path) -> None:
    seen = []

    # every health check on, even where a profile (Hypothesis' "ci" profile, chosen when
    # CI is set) suppresses some by default
    @settings(database=None, suppress_health_check=())
    @given(from_grammar(source, parser="lalr"))
    def check(text: str) -> None:
        seen.append(text)

    check()
    assert seen


# -- coverage collection ------------------------------------------------------------------------


def _run(strategy: object, n: int = 40) -> None:
    @settings(max_examples=n, database=None, deadline=None)
    @given(strategy)
    def check(_: object) -> None:
        pass

    check()


def test_strategy_reports_derivations_to_the_active_collector() -> None:
    col = testing.Collector()
    previous = testing.activate(col)
    try:
        _run(from_grammar("arith", parser="lalr"))
        _run(from_grammar("arith", parser="lalr", max_size=40))  # same grammar: one coverage
        _run(from_grammar("json", parser="lalr"))
    finally:
        testing.activate(previous)
    covs = col.coverages()
    assert [c.sampler.start_name for c in covs] == ["start", "start"]
    arith = covs[0]
    assert arith.derivations >= 80
    assert arith.summary()["alt"][0] >= 6


def test_nothing_is_collected_without_a_collector() -> None:
    assert testing.collector() is None
    col = testing.Collector()
    _run(from_grammar("arith", parser="lalr"))
    assert col.coverages() == []


def test_track_opts_a_sampler_in() -> None:
    sampler = testing.track(Sampler(Grammar.open("json", parser="lalr")))
    assert testing.track(sampler) is sampler  # idempotent
    list(sampler.sample(5))  # not collected: no collector yet
    col = testing.Collector()
    previous = testing.activate(col)
    try:
        list(sampler.sample(20, seed=1))
    finally:
        testing.activate(previous)
    (cov,) = col.coverages()
    assert cov.derivations == 20
    assert col.coverage(sampler) is cov


# -- assert_coverage ----------------------------------------------------------------------------


def test_assert_coverage_passes_and_returns_the_coverage() -> None:
    cov = testing.assert_coverage("arith", n=500, parser="lalr")
    assert cov.percent(("alt",)) == 100.0
    assert cov.derivations < 500  # stops as soon as the target is met


def test_assert_coverage_fails_with_the_missing_items_located(
    write_grammar: Callable[[str, str], Path],
) -> None:
    path = write_grammar('start: "a" b\nb: "x" | "y" | "z"   //@ w=[1,1,0]\n', "w.lark")
    with pytest.raises(AssertionError) as info:
        testing.assert_coverage(path, n=200, guided=False, parser="lalr")
    message = str(info.value)
    assert "below 100%" in message
    assert f"{path}:2:16: alt b#3" in message
    # guided sampling reaches the alternative the weights never pick
    testing.assert_coverage(path, n=200, parser="lalr")


def test_assert_coverage_other_kinds_and_thresholds() -> None:
    testing.assert_coverage("json", n=300, kinds=("alt", "opt", "rep"), parser="lalr")
    testing.assert_coverage("json", n=50, min_percent=50, guided=False, parser="lalr")
    with pytest.raises(InvalidArgument, match="kinds"):
        testing.assert_coverage("json", kinds=("nope",))
    with pytest.raises(InvalidArgument, match="min_percent"):
        testing.assert_coverage("json", min_percent=101)
    with pytest.raises(InvalidArgument, match="n must be"):
        testing.assert_coverage("json", n=0)
