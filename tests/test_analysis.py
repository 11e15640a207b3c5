"""Analysis: minimum sizes, reachability, expected sizes, exact counts, enumeration."""

from __future__ import annotations

import random
from collections import Counter

import numpy as np
import pytest

from gramgen import Grammar, Sampler
from gramgen.analysis import (
    INF,
    Analysis,
    on_cycle,
    repetition_distribution,
    repetition_mean,
)
from gramgen.counting import count, enumerate_derivations, uniform_derivation, unrank
from gramgen.counting import counts as count_by_size
from gramgen.grammar import Kind
from gramgen.lint import lint


def test_min_sizes_count_nodes() -> None:
    g = Grammar.from_string('start: a b?\na: "x" "y" | a "z"\nb: "q"\n')
    a = Analysis(g)
    # start(1) + a(1 + 2 tokens) + optional skipped(1)
    assert a.min_size[g.start_symbol] == 5
    assert a.min_size[g.rule_symbol("a")] == 3


def test_unreachable_and_unproductive_rules_are_found() -> None:
    g = Grammar.from_string('start: "a" | loop\nloop: "b" loop\nlost: "c"\n')
    a = Analysis(g)
    assert a.min_size[g.rule_symbol("loop")] >= INF
    assert not a.reachable[g.rule_symbol("lost")]
    codes = {(f.code, f.rule) for f in lint(g)}
    assert ("unreachable", "lost") in codes
    assert ("unproductive", "loop") in codes
    assert ("never-terminating", "start") in codes


def test_counts_match_brute_force_enumeration() -> None:
    g = Grammar.from_string('start: "a" start? | "(" start ")" | "b"+\n', parser="earley")
    s = Sampler(g, roundtrip=False)
    counts = count_by_size(s, 11)
    seen: Counter[int] = Counter()
    keys = set()
    for d in enumerate_derivations(s, max_size=11):
        seen[d.size] += 1
        keys.add(d.key)
    assert [seen[n] for n in range(12)] == counts
    assert len(keys) == sum(counts)  # every derivation once


def test_counts_by_hand_for_a_small_grammar() -> None:
    # start -> "x" (size 2) | "(" start ")" (size 3 + inner)
    g = Grammar.from_string('start: "(" start ")" | "x"\n')
    assert count_by_size(Sampler(g, roundtrip=False), 9) == [0, 0, 1, 0, 0, 1, 0, 0, 1, 0]


def test_enumeration_is_in_order_of_size_and_re_parses() -> None:
    g = Grammar.open("json", parser="lalr")
    s = Sampler(g)
    ds = list(enumerate_derivations(s, max_size=12))
    sizes = [d.size for d in ds]
    assert sizes == sorted(sizes)
    for d in ds:
        assert s.renderer.reparse(s.renderer.join(d.tokens), "start") is None


def test_uniform_sampling_is_uniform_over_derivations_of_a_size() -> None:
    g = Grammar.from_string('start: "a" start? | "(" start ")" | "b"+\n')
    s = Sampler(g, roundtrip=False)
    n = 9
    total = count(s, n)
    assert total > 5
    rng = random.Random(0)
    draws = Counter(uniform_derivation(s, n, rng).key for _ in range(300 * total))
    assert len(draws) == total
    expected = 300
    chi2 = sum((c - expected) ** 2 / expected for c in draws.values())
    assert chi2 < 3 * total + 30  # loose bound on a chi-square with total-1 degrees of freedom


def test_unrank_rejects_bad_ranks() -> None:
    from gramgen import InvalidArgument

    s = Sampler(Grammar.from_string('start: "a"'), roundtrip=False)
    with pytest.raises(InvalidArgument, match="rank must be in"):
        unrank(s, 2, 5)
    with pytest.raises(InvalidArgument, match="no derivation of exactly 3"):
        uniform_derivation(s, 3, random.Random(0))


def test_expected_size_matches_simulation() -> None:
    g = Grammar.from_string('start: "a" start  //@ w=1\n | "b"  //@ w=2\n', parser="lalr")
    a = Analysis(g)
    crit = a.criticality()
    assert not crit.supercritical
    s = Sampler(g, roundtrip=False, max_size=10_000)
    sizes = [smp.derivation.size for smp in s.sample(20000, seed=1)]
    assert abs(sum(sizes) / len(sizes) - crit.expected_size) < 0.1 * crit.expected_size


def test_supercritical_weights_are_detected() -> None:
    g = Grammar.from_string('start: start start  //@ w=3\n | "x"\n')
    crit = Analysis(g).criticality()
    assert crit.supercritical
    assert crit.spectral_radius > 1
    assert any(f.code == "supercritical" and f.severity == "warning" for f in lint(g))


# -- damping -----------------------------------------------------------------------------

# a statement list on no cycle, around supercritical expressions (2 of 4 alternatives branch)
TOP_AND_RECURSION = """\
start: (";" | stmt)*
stmt: expr ";" | "{" stmt* "}"
expr: expr "+" expr | expr "*" expr | "(" expr ")" | NAME
NAME: /[a-z]/
%ignore " "
"""


def test_damping_leaves_choices_on_no_cycle_as_written() -> None:
    g = Grammar.from_string(TOP_AND_RECURSION, parser="lalr")
    a = Analysis(g)
    assert a.criticality().supercritical
    s = Sampler(g)
    assert 0 < s.damping < 1
    undamped = a.tuning(1.0)
    damped = s.engine
    rep = g.symbol(g.start_symbol).alts[0].items[0]
    group = g.symbol(rep).inner
    assert not a.cyclic[rep] and not a.cyclic[group]
    assert damped.rep_q[rep] == undamped.rep_q[rep] == 0.5
    assert damped.weights[group] == undamped.alt[group] == [1.0, 1.0]
    # every choice on no cycle keeps its weights; the recursive ones are damped
    for sym in g.symbols:
        if not a.cyclic[sym.id]:
            assert damped.weights[sym.id] == undamped.alt[sym.id]
            assert damped.p_take[sym.id] == undamped.p_take[sym.id]
    expr = g.rule_symbol("expr")
    assert a.cyclic[expr]
    assert damped.weights[expr][0] < undamped.alt[expr][0]


def test_damping_keeps_the_top_of_a_grammar_fed() -> None:
    # undamped, a sample holds a statement with probability 1/3 (the repetition's count is
    # geometric with mean 1, each item a statement half the time); damping must not starve it
    g = Grammar.from_string(TOP_AND_RECURSION, parser="lalr")
    texts = [smp.text for smp in Sampler(g).sample(600, seed=0)]
    with_stmt = sum(any(c.isalpha() or c == "{" for c in t) for t in texts)
    assert 0.27 < with_stmt / len(texts) < 0.40


def test_damping_for_is_the_largest_damping_within_the_aim() -> None:
    g = Grammar.from_string(TOP_AND_RECURSION, parser="lalr")
    a = Analysis(g)
    start = g.start_symbol
    base = a.expected_sizes(0.0, tokens=True)
    assert base is not None
    aim = base[start] + 10
    d = a.damping_for(start, 10)
    assert 0 < d < 1
    at = a.expected_sizes(d, tokens=True)
    assert at is not None and at[start] <= aim
    above = a.expected_sizes(d + 2**-12, tokens=True)
    assert above is None or above[start] > aim
    assert not a.criticality(d).supercritical


def test_damping_for_a_subcritical_grammar_is_one() -> None:
    g = Grammar.from_string('start: "a" start? | "b"\n', parser="lalr")
    assert Analysis(g).damping_for(g.start_symbol, 24) == 1.0
    assert Sampler(g).damping == 1.0


@pytest.mark.parametrize(("lo", "hi"), [(0, -1), (2, -1), (0, 3), (1, 1), (3, 40)])
@pytest.mark.parametrize("q", [0.0, 0.1, 0.5, 0.9, 0.9995])
def test_repetition_mean_is_the_mean_of_the_distribution(lo: int, hi: int, q: float) -> None:
    dist = repetition_distribution(lo, hi, q, cap=lo + 2000)
    mean = sum((lo + k) * p for k, p in enumerate(dist))
    assert repetition_mean(lo, hi, q, cap=lo + 2000) == pytest.approx(mean, rel=1e-9, abs=1e-12)


MEAN_MATRIX = """\
start: a maybe c~2..5 more | d  //@ w=[1, 0]
maybe: b?  //@ opt=0.8
more: c*  //@ rep=2
a: "x" a* | "y" | never
b: a a
c: "z" | "(" start ")"
d: "w"
never: "n" never
"""


def test_mean_matrix_is_the_expected_number_of_each_child() -> None:
    g = Grammar.from_string(MEAN_MATRIX)
    a = Analysis(g)
    for damping in (1.0, 0.5):
        m, idx = a.mean_matrix(damping)
        tuning = a.tuning(damping)
        where = {sid: k for k, sid in enumerate(idx)}
        expected = np.zeros_like(m)
        for sid in idx:
            s = g.symbol(sid)
            if s.kind is Kind.RULE:
                ws = tuning.alt[sid]
                for alt, w in zip(s.alts, ws, strict=True):
                    for i in alt.items if w > 0 else ():
                        expected[where[sid], where[i]] += w / sum(ws)
            elif s.kind is Kind.OPT:
                expected[where[sid], where[s.inner]] += tuning.p_take[sid]
            elif s.kind is Kind.REP:
                dist = repetition_distribution(s.lo, s.hi, tuning.rep_q[sid], cap=s.lo + 2000)
                expected[where[sid], where[s.inner]] += sum(
                    (s.lo + k) * p for k, p in enumerate(dist)
                )
        assert np.allclose(m, expected, rtol=1e-12, atol=1e-15)
    assert g.rule_symbol("never") not in idx


def test_on_cycle_finds_symbols_that_occur_inside_themselves() -> None:
    # 0 -> 1 -> 0 is a cycle, 2 loops on itself and feeds it, 3 and 4 are on none
    assert on_cycle([[1], [0, 3], [2, 0], [], [0, 3]]) == [True, True, True, False, False]
    g = Grammar.from_string('start: item+\nitem: "(" item ")" | "x"\n')
    a = Analysis(g)
    assert a.cyclic[g.rule_symbol("item")]
    assert not a.cyclic[g.start_symbol]
