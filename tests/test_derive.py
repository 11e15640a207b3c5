"""The derivation engine: termination, weights, determinism, trees."""

from __future__ import annotations

import hashlib
import os
import random
import statistics
import subprocess
import sys
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gramgen import Grammar, InvalidArgument, Sampler, item_seed
from gramgen.grammar import Kind
from gramgen.seeds import Draws, below

DEEP = 'start: "(" start ")" | "x"\n'


def test_every_derivation_fits_the_budget_and_terminates() -> None:
    g = Grammar.from_string('start: start start | start "+" start | "x"', parser="earley")
    s = Sampler(g, max_size=60, roundtrip=False, damping=1.0)
    sizes = [smp.derivation.size for smp in s.sample(300, seed=1)]
    assert max(sizes) <= 60
    assert s.stats.derivations == 300  # no discarded draws


def test_very_deep_derivations_need_no_python_recursion() -> None:
    g = Grammar.from_string(DEEP, parser="lalr", weights={"start#2": 0})
    s = Sampler(g, max_size=9_002, roundtrip=False)
    smp = next(s.sample(1, seed=3))
    depth = smp.text.count("(")
    assert depth == 3000 > sys.getrecursionlimit()
    assert smp.text == "(" * depth + "x" + ")" * depth
    tree = s.engine.tree(smp.derivation)
    assert sum(1 for _ in tree.walk()) == smp.derivation.size


def test_weights_mean_what_they_say() -> None:
    g = Grammar.from_string('start: "a"  //@ w=1\n | "b"  //@ w=3\n', parser="lalr")
    s = Sampler(g, roundtrip=False)
    counts = Counter(smp.text for smp in s.sample(8000, seed=11))
    share = counts["b"] / 8000
    assert abs(share - 0.75) < 0.02


def test_optional_probability_and_repetition_mean_are_honoured() -> None:
    g = Grammar.from_string('start: ["a"] "b"~0..1000  //@ opt=0.2 rep=3', parser="lalr")
    s = Sampler(g, roundtrip=False, max_size=100_000)
    texts = [smp.text for smp in s.sample(6000, seed=5)]
    take = sum(t.startswith("a") for t in texts) / len(texts)
    mean_b = sum(t.count("b") for t in texts) / len(texts)
    assert abs(take - 0.2) < 0.02
    assert abs(mean_b - 3.0) < 0.15


def test_zero_weight_alternatives_are_never_chosen_unless_forced_by_the_budget() -> None:
    g = Grammar.from_string('start: "a" | "b"  //@ w=[1,0]', parser="lalr")
    s = Sampler(g, roundtrip=False)
    assert {smp.text for smp in s.sample(300, seed=2)} == {"a"}


def test_same_seed_same_output_and_items_independent_of_how_a_run_is_split() -> None:
    g = Grammar.open("json", parser="lalr")
    whole = [smp.text for smp in Sampler(g).sample(40, seed=9)]
    again = [smp.text for smp in Sampler(g).sample(40, seed=9)]
    assert whole == again
    tail = [smp.text for smp in Sampler(g).sample(15, seed=9, first=25)]
    assert tail == whole[25:]
    other = [smp.text for smp in Sampler(g).sample(40, seed=10)]
    assert other != whole


def test_output_does_not_depend_on_hash_seed() -> None:
    code = (
        "from gramgen import Grammar, Sampler\n"
        "g = Grammar.open('json', parser='lalr')\n"
        "print('\\n'.join(s.text for s in Sampler(g).sample(30, seed=4)))\n"
    )
    outs = set()
    for hs in ("0", "1", "12345"):
        env = dict(os.environ, PYTHONHASHSEED=hs)
        outs.add(
            subprocess.run(
                [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
            ).stdout
        )
    assert len(outs) == 1


def test_item_seeds_are_distinct_and_stable() -> None:
    seeds = {item_seed(0, i) for i in range(10000)}
    assert len(seeds) == 10000
    assert item_seed(1, 2) == item_seed(1, 2) != item_seed(2, 1)


def test_tree_replay_matches_tokens_and_choices() -> None:
    g = Grammar.open("arith", parser="lalr")
    s = Sampler(g)
    for smp in s.sample(100, seed=3):
        tree = s.engine.tree(smp.derivation)
        leaves = [n for n in tree.walk() if g.symbol(n.sym).kind is Kind.TERM]
        assert [n.token for n in leaves] == list(range(len(smp.derivation.tokens)))
        assert [n.sym for n in leaves] == [sym for sym, _ in smp.derivation.tokens]


def test_unannotated_supercritical_grammar_is_damped_to_a_sensible_size() -> None:
    g = Grammar.from_string('start: start "+" start | start "*" start | "(" start ")" | "x"')
    s = Sampler(g, roundtrip=False)
    assert s.damping < 1.0
    sizes = [smp.derivation.size for smp in s.sample(500, seed=1)]
    assert sum(sizes) / len(sizes) < s.max_size / 2


def test_written_weights_are_not_damped() -> None:
    g = Grammar.from_string('start: start start  //@ w=5\n | "x"\n')
    s = Sampler(g, roundtrip=False, max_size=50)
    assert s.engine.weights[g.start_symbol][0] == 5.0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"max_size": 0}, "max_size must be >= 1"),
        ({"max_size": "10"}, "max_size must be an int"),
        ({"max_size": 2}, "below the smallest derivation"),
        ({"start": "nosuch"}, "not one of the grammar's start rules"),
        ({"damping": 0}, "damping must be a number in"),
    ],
)
def test_bad_sampler_arguments(kwargs: dict[str, object], message: str) -> None:
    g = Grammar.from_string('start: "a" "b" "c"')
    with pytest.raises(InvalidArgument, match=message):
        Sampler(g, **kwargs)  # type: ignore[arg-type]


def test_unproductive_start_is_reported_with_its_location() -> None:
    from gramgen import GrammarError

    g = Grammar.from_string('start: a\na: "x" a\n')
    with pytest.raises(GrammarError, match="can never finish") as err:
        Sampler(g)
    assert err.value.rule == "start"
    assert err.value.line == 1


@given(st.integers(0, 2**32), st.lists(st.integers(1, 2**70), min_size=1, max_size=20))
def test_below_draws_what_randrange_draws(seed: int, sizes: list[int]) -> None:
    """Problems' numbers, names and words are drawn with ``below``: the same draws as
    ``randrange`` (so outputs did not change when it replaced it), from any state."""
    ours, theirs = random.Random(seed), random.Random(seed)
    draw = below(ours)
    assert [draw(n) for n in sizes] == [theirs.randrange(n) for n in sizes]
    assert ours.getstate() == theirs.getstate()


def _words(root: int, index: int, block: int) -> list[int]:
    """Block ``block`` of item ``index``'s draws, worked out from their definition."""
    key = root.to_bytes(8, "little") + index.to_bytes(8, "little")
    key += block.to_bytes(8, "little") if block else b""
    digest = hashlib.blake2b(key, person=b"gramgen draws").digest()
    return [int.from_bytes(digest[i : i + 4], "little") for i in range(0, 64, 4)]


@given(st.integers(0, 2**64 - 1), st.integers(0, 2**64 - 1))
def test_an_items_draws_are_the_words_of_its_seeds_hash_blocks(root: int, index: int) -> None:
    """An item's draws are BLAKE2b blocks of its run's seed and its index, read as
    32-bit words, the same on every platform and build: getrandbits takes a word's
    top bits (a word per 32 bits), random a double from two words as CPython's
    generator makes one."""
    words = _words(root, index, 0) + _words(root, index, 1) + _words(root, index, 2)
    d = Draws(root, index)
    assert d.getrandbits(32) == words[0]
    assert d.getrandbits(5) == words[1] >> 27
    assert d.random() == ((words[2] >> 5) * 67108864.0 + (words[3] >> 6)) / 2**53
    assert d.getrandbits(40) == words[4] | (words[5] >> 24) << 32
    for k in range(6, 15):
        assert d.getrandbits(32) == words[k]
    # a double across the end of a block, and on into the next
    assert d.random() == ((words[15] >> 5) * 67108864.0 + (words[16] >> 6)) / 2**53
    assert [d.getrandbits(32) for _ in range(15)] == words[17:32]
    assert d.getrandbits(64) == words[32] | words[33] << 32
    assert d.getrandbits(0) == 0


def test_draws_are_spread_evenly() -> None:
    """Seeds next to each other give unrelated draws, spread evenly over their range."""
    firsts = [Draws(1, i).random() for i in range(20_000)]
    assert abs(statistics.mean(firsts) - 0.5) < 0.01
    assert all(0.0 <= x < 1.0 for x in firsts)
    counts = Counter(below(Draws(7, i))(6) for i in range(12_000))
    assert sorted(counts) == [0, 1, 2, 3, 4, 5]
    assert all(1_800 < c < 2_200 for c in counts.values()), counts  # 2,000 each; 9 sigma
    d = Draws(3)
    bits = [d.getrandbits(1) for _ in range(10_000)]
    assert 4_800 < sum(bits) < 5_200
    assert len({Draws(s, 0).getrandbits(32) for s in range(10_000)}) > 9_980
    assert Draws(-1, 5).random() == Draws(2**64 - 1, 5).random() != Draws(5, -1).random()


def test_draws_refuse_negative_bits() -> None:
    with pytest.raises(ValueError, match="non-negative"):
        Draws(1).getrandbits(-1)


def test_below_refuses_an_empty_range() -> None:
    with pytest.raises(InvalidArgument, match="nothing to draw from: 0 choices"):
        below(random.Random(1))(0)
