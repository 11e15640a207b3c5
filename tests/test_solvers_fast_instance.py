"""The sampler's fast path agrees with the full ``Skeleton.instantiate``.

``Skeleton.exact_instance`` and ``Skeleton.exact_solver`` take the known values
exact and in order, skipping what ``instantiate`` checks and converts; a
``Sampler`` whose construction verifies makes its sample from ``exact_solver``
alone and otherwise falls back to the general path. Each must give the same
values (in the same order), verdict and reason as ``instantiate`` and, for a
sampler, the same samples, rejection reasons and random draws as a sampler that
takes every try through ``instantiate``.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from fractions import Fraction as F
from typing import Any

import pytest

from gramgen.solvers import (
    POSITIVE,
    POSITIVE_WHOLE,
    WHOLE,
    Domain,
    GenerationCollapsed,
    Instance,
    Sampler,
    Skeleton,
)
from gramgen.solvers.exact import Exact, norm
from gramgen.solvers.verdict import VERIFIED

EACH = Skeleton.of(
    ["each = total / n"], ["total", "n"], ["each"], {"each": WHOLE, "n": POSITIVE_WHOLE}
)
CHAIN = Skeleton.of(
    ["total = a*b", "left = total - c", "each = left / d"],
    ["a", "b", "c", "d"],
    ["total", "left", "each"],
    {"each": POSITIVE_WHOLE, "left": WHOLE},
)
QUADRATIC = Skeleton.of(["x**2 - s*x + p = 0"], ["s", "p"], ["x"], {"x": POSITIVE})
LINEAR = Skeleton.of(
    ["a*x + b*y = c", "x - y = d"], ["a", "b", "c", "d"], ["x", "y"], {"x": WHOLE, "y": WHOLE}
)
NO_FAST_PATH = Skeleton.of(["y = x + pi"], ["x"], ["y"], {"y": POSITIVE})  # pi: not compiled

# (skeleton, knowns, what the fused fast path does with them)
CASES = [
    (EACH, {"total": 12, "n": 3}, "verified"),
    (EACH, {"total": F(24, 2), "n": 4}, "verified"),  # a whole Fraction stays a known as given
    (EACH, {"total": F(15, 2), "n": 3}, "missed"),
    (EACH, {"total": 12, "n": 5}, "missed"),
    (EACH, {"total": 12, "n": 0}, "declined"),  # a known outside its domain
    (CHAIN, {"a": 3, "b": 4, "c": 2, "d": 5}, "verified"),
    (CHAIN, {"a": 3, "b": 4, "c": 2, "d": 7}, "missed"),
    (CHAIN, {"a": 3, "b": 4, "c": 20, "d": 2}, "missed"),
    (QUADRATIC, {"s": 1, "p": -6}, "verified"),  # the '+' root: branch 1
    (QUADRATIC, {"s": -1, "p": -6}, "verified"),
    (QUADRATIC, {"s": 5, "p": 6}, "declined"),  # two positive roots
    (QUADRATIC, {"s": 1, "p": 1}, "declined"),  # no real root
    (QUADRATIC, {"s": 3, "p": 1}, "declined"),  # irrational roots
    (QUADRATIC, {"s": -5, "p": 6}, "declined"),  # both roots negative
    (LINEAR, {"a": 1, "b": 1, "c": 10, "d": 2}, "verified"),
    (LINEAR, {"a": 2, "b": 1, "c": 9, "d": 2}, "missed"),
    (LINEAR, {"a": 1, "b": -1, "c": 3, "d": 3}, "declined"),  # infinitely many solutions
    (LINEAR, {"a": 1, "b": -1, "c": 3, "d": 2}, "declined"),  # inconsistent
    (NO_FAST_PATH, {"x": 3}, "no fast path"),
    (NO_FAST_PATH, {"x": -5}, "no fast path"),
]


def reference_instance(sk: Skeleton, knowns: Mapping[str, Exact]) -> Instance:
    """``instantiate`` as it was written before ``exact_instance``: the fused function
    called on the knowns in order, its values normalized one by one."""
    args = [knowns[n] for n in sk.knowns]
    fast = sk._c.fast
    if fast is not None:
        found = fast(*args)
        if found is not None:
            vals = {n: norm(v) for n, v in zip(sk._fast_order, found[2], strict=True)}
            kvals = dict(zip(sk.knowns, args, strict=True))
            if found[0]:
                return Instance(kvals, vals, VERIFIED, found[1])
            return sk._outside(kvals, vals, found[1])
    return sk._detailed([norm(a) for a in args])


def same_instance(a: Instance, b: Instance) -> None:
    assert a == b
    assert list(a.knowns.items()) == list(b.knowns.items())
    assert list(a.values.items()) == list(b.values.items())
    assert [type(v) for v in a.values.values()] == [type(v) for v in b.values.values()]


@pytest.mark.parametrize(("sk", "knowns", "kind"), CASES)
def test_exact_instance_agrees_with_instantiate(
    sk: Skeleton, knowns: dict[str, Exact], kind: str
) -> None:
    args = tuple(knowns[n] for n in sk.knowns)
    full = sk.instantiate(knowns)
    same_instance(sk.exact_instance(args), full)
    same_instance(reference_instance(sk, knowns), full)
    # the detailed path alone reaches the same verdict and values
    detailed = sk._detailed([norm(a) for a in args])
    assert detailed.check.verdict is full.check.verdict
    assert detailed.values == full.values
    if kind != "verified":
        assert detailed.check == full.check  # the same reason
    if kind != "no fast path":
        assert full.check.ok is (kind == "verified")


@pytest.mark.parametrize(("sk", "knowns", "kind"), CASES)
def test_exact_solver_decides_as_instantiate(
    sk: Skeleton, knowns: dict[str, Exact], kind: str
) -> None:
    args = tuple(knowns[n] for n in sk.knowns)
    full = sk.instantiate(knowns)
    solve = sk.exact_solver
    if kind == "no fast path":
        assert solve is None
        return
    assert solve is not None
    found = solve(*args)
    if kind == "declined":
        assert found is None
        return
    assert found is not None
    verified, branch, kvals, vals = found
    assert list(kvals.items()) == list(full.knowns.items())
    if kind == "verified":
        assert verified and full.check == VERIFIED and branch == full.branch
        assert list(vals.items()) == list(full.values.items())
        assert [type(v) for v in vals.values()] == [type(v) for v in full.values.values()]
    else:  # a unique solution missing a domain: refuted, naming the domain
        assert not verified and full.check.is_refuted
        assert full.check.reason.startswith("no solution: ")
        (candidate,) = full.candidates
        assert candidate.branch == branch
        assert candidate.values == vals


def test_the_cases_cover_every_outcome() -> None:
    kinds = {kind for _, _, kind in CASES}
    assert kinds == {"verified", "missed", "declined", "no fast path"}


SAMPLERS: list[tuple[Skeleton, dict[str, Domain], dict[str, Any]]] = [
    # constructed: every try verifies; n is drawn within other bounds than its domain
    # in the problem, so the construction's instance is not the problem's (no fast path)
    (EACH, {"total": Domain.between(1, 100), "n": Domain.between(1, 9)}, {}),
    (
        CHAIN,
        {
            "a": Domain.between(1, 9),
            "b": Domain.between(1, 9),
            "c": Domain.between(0, 30),
            "d": Domain.between(1, 9),
        },
        {},
    ),
    # a free quantity on a grid of quarters
    (
        Skeleton.of(["cost = price * n"], ["price", "n"], ["cost"], {"cost": WHOLE}),
        {"price": Domain("rational", lo=1, hi=5), "n": Domain.between(1, 12)},
        {"steps": {"price": F(1, 4)}},
    ),
    # not constructed: most tries miss the domain of y (the fast path refutes them)
    (
        Skeleton.of(["y = x**2 + 1"], ["x"], ["y"], {"y": Domain("integer", lo=5, hi=400)}),
        {"x": Domain.between(-40, 40)},
        {},
    ),
    # two roots, no real root, irrational roots: the fast path declines, and a
    # refuted construction with two verified candidates draws one of them
    (QUADRATIC, {"s": Domain.between(-9, 9), "p": Domain.between(-9, 9)}, {}),
    # singular systems: the fast path declines
    (
        LINEAR,
        {
            "a": Domain.between(-2, 2),
            "b": Domain.between(-2, 2),
            "c": Domain.between(-5, 5),
            "d": Domain.between(-3, 3),
        },
        {},
    ),
    # the answer drawn first: the construction solves for a known of the problem (no
    # fast path either)
    (
        Skeleton.of(
            ["total = a*b", "left = total - c", "each = left / d"],
            ["a", "b", "c", "d"],
            ["total", "left", "each"],
            {"each": POSITIVE_WHOLE, "left": WHOLE, "c": WHOLE},
        ),
        {
            "a": Domain.between(1, 9),
            "b": Domain.between(1, 9),
            "d": Domain.between(1, 9),
            "each": Domain.between(1, 20),
        },
        {},
    ),
    # no fused fast path at all (irrational values, some missing the domain)
    (NO_FAST_PATH, {"x": Domain.between(-20, 20)}, {}),
]


def run(sampler: Sampler, seed: int, n: int) -> tuple[list[Any], Any]:
    rng = random.Random(seed)
    out: list[Any] = []
    for _ in range(n):
        try:
            smp = sampler.sample(rng)
        except GenerationCollapsed as err:
            out.append(str(err))
            break
        out.append(
            (
                smp,
                list(smp.free.items()),
                list(smp.knowns.items()),
                list(smp.values.items()),
                list(smp.instance.knowns.items()),
                list(smp.instance.values.items()),
                [type(v) for v in smp.values.values()],
            )
        )
    return out, rng.getstate()


@pytest.mark.parametrize(("sk", "free", "options"), SAMPLERS)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_sampler_fast_path_matches_instantiate(
    sk: Skeleton, free: dict[str, Domain], options: dict[str, Any], seed: int
) -> None:
    fast = Sampler(sk, free, **options)
    slow = Sampler(sk, free, **options)
    slow._solve = None  # every try through the general path (exact_instance, as instantiate)
    assert run(fast, seed, 30) == run(slow, seed, 30)
    for attr in ("tries", "accepted", "reasons", "recent", "recent_accepted"):
        assert getattr(fast.stats, attr) == getattr(slow.stats, attr)


def test_the_samplers_take_every_path() -> None:
    """The sampler cases meet a fast verified try, a fast miss and a declined try, and
    samplers without the fast path."""
    seen: set[str] = set()
    for sk, free, options in SAMPLERS:
        sampler = Sampler(sk, free, **options)
        solve = sampler._solve
        if solve is None:
            seen.add("no fast path")
            continue
        rng = random.Random(0)
        for _ in range(200):
            drawn = sampler._draw_free(rng.getrandbits)
            if isinstance(drawn, str):
                continue
            found = solve(*(drawn[n] for n in sampler.construct.knowns))
            seen.add("declined" if found is None else "verified" if found[0] else "missed")
    assert seen == {"verified", "missed", "declined", "no fast path"}
