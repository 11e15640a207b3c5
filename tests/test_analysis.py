"""Analysis: minimum sizes, reachability, expected sizes, exact counts, enumeration."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from gramgen import Grammar, Sampler
from gramgen.analysis import INF, Analysis
from gramgen.counting import count, enumerate_derivations, uniform_derivation, unrank
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
    counts = s.analysis.counts(s.start, 11)
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
    assert Analysis(g).counts(g.start_symbol, 9) == [0, 0, 1, 0, 0, 1, 0, 0, 1, 0]


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
