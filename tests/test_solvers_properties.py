"""Property tests: the compiled fast path agrees exactly with the independent audit."""

from __future__ import annotations

import random
from fractions import Fraction as F

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gramgen.solvers import (
    POSITIVE,
    POSITIVE_WHOLE,
    WHOLE,
    Domain,
    Problem,
    Sampler,
    Skeleton,
    Verdict,
    audit,
    audit_solve,
)

FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# irrational roots make the sympy audit slow (~0.2 s/example): few examples by default,
# many in the slow run (pytest -m slow)
FEW = settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
MANY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

SKELETONS = {
    "chain": (
        ("total = a*b", "left = total - c", "each = left / d"),
        ("a", "b", "c", "d"),
        ("total", "left", "each"),
        "each",
        {"each": WHOLE, "left": WHOLE},
    ),
    "linear2": (
        ("x + y = s", "p*x - y = d"),
        ("s", "p", "d"),
        ("x", "y"),
        "x",
        {"x": WHOLE, "y": WHOLE},
    ),
    "quadratic": (("x**2 - s*x + q = 0",), ("s", "q"), ("x",), "x", {"x": POSITIVE}),
    "rational": (("a/x + b/(x + 1) = c",), ("a", "b", "c"), ("x",), "x", {"x": POSITIVE}),
}

small = st.integers(-12, 12)
nonzero_small = st.integers(-12, 12).filter(bool)
values = st.one_of(small, st.builds(F, small, st.integers(1, 6)))


def problem(kind: str, knowns: dict[str, object]) -> Problem:
    rels, kn, unk, answer, doms = SKELETONS[kind]
    return Problem(
        relations=rels,
        knowns=dict(zip(kn, knowns.values(), strict=True)),
        unknowns=unk,
        answer=answer,
        domains=doms,
    )


def agree(p: Problem) -> None:
    inst = p.solve()
    ref = audit_solve(p)
    assert inst.check.verdict is ref.check.verdict, (p.knowns, inst.check, ref.check)
    if inst.check.ok:
        assert len(ref.solutions) == 1
        for u in p.unknowns:
            assert inst.values[u] == ref.solutions[0][u], (p.knowns, u)


@FAST
@given(st.fixed_dictionaries({"a": small, "b": small, "c": small, "d": small}))
def test_chain_agrees_with_audit(k):
    agree(problem("chain", k))


@FAST
@given(st.fixed_dictionaries({"s": small, "p": small, "d": small}))
def test_linear_system_agrees_with_audit(k):
    agree(problem("linear2", k))


QUADRATIC = st.fixed_dictionaries({"s": values, "q": values})
RATIONAL = st.fixed_dictionaries({"a": small, "b": small, "c": nonzero_small})


@FEW
@given(QUADRATIC)
def test_quadratic_agrees_with_audit(k):
    agree(problem("quadratic", k))


@FEW
@given(RATIONAL)
def test_rational_equation_agrees_with_audit(k):
    agree(problem("rational", k))


@pytest.mark.slow
@MANY
@given(QUADRATIC)
def test_quadratic_agrees_with_audit_many(k):
    agree(problem("quadratic", k))


@pytest.mark.slow
@MANY
@given(RATIONAL)
def test_rational_equation_agrees_with_audit_many(k):
    agree(problem("rational", k))


@FAST
@given(
    st.fixed_dictionaries(
        {
            "a": st.integers(1, 9),
            "b": st.integers(1, 9),
            "c": st.integers(0, 9),
            "d": st.integers(1, 9),
        }
    ),
    values.filter(bool),
)
def test_corrupted_answer_is_refuted(k, delta):
    p = problem("chain", k)
    inst = p.solve()
    if not inst.check.ok:
        return
    good = inst.values["each"]
    assert p.skeleton().verify(p.knowns, {"each": good}).ok
    assert p.skeleton().verify(p.knowns, {"each": good + delta}).verdict is Verdict.REFUTED
    assert audit(p, {"each": good + delta}).verdict is Verdict.REFUTED


@FAST
@given(st.integers(0, 2**32))
def test_construction_samples_satisfy_domains(seed):
    sk = Skeleton.of(
        ("b = a/4", "c = (a - 3)/5", "d = b - c"),
        ("a",),
        ("b", "c", "d"),
        {"b": WHOLE, "c": WHOLE, "d": POSITIVE_WHOLE},
    )
    sampler = Sampler(sk, {"a": Domain.between(1, 2000)})
    for smp in sampler.samples(random.Random(seed), 5):
        a = smp.knowns["a"]
        assert a % 4 == 0 and a % 5 == 3
        for name, dom in sk.domains.items():
            assert dom.contains(smp.values[name])
        assert smp.instance.check.ok


def test_divisibility_acceptance_by_construction():
    # without construction only 1 in 20 draws of a would make b and c whole
    sk = Skeleton.of(("b = a/4", "c = (a - 3)/5"), ("a",), ("b", "c"), {"b": WHOLE, "c": WHOLE})
    sampler = Sampler(sk, {"a": Domain.between(1, 5000)})
    sampler.samples(random.Random(7), 200)
    assert sampler.constructed == {"b": "a", "c": "a"}
    assert sampler.stats.rate >= 0.5


def test_choose_the_answer_first_acceptance():
    rels = ("total = a*b", "left = total - c", "each = left / d")
    sk = Skeleton.of(
        rels,
        ("a", "b", "c", "d"),
        ("total", "left", "each"),
        {"each": POSITIVE_WHOLE, "left": WHOLE, "c": WHOLE},
    )
    free = {
        "a": Domain.between(2, 20),
        "b": Domain.between(2, 20),
        "d": Domain.between(2, 9),
        "each": Domain.between(1, 30),
    }
    sampler = Sampler(sk, free)
    out = sampler.samples(random.Random(3), 200)
    assert sampler.stats.rate >= 0.5
    for smp in out:
        assert (
            smp.values["each"]
            == (smp.knowns["a"] * smp.knowns["b"] - smp.knowns["c"]) / smp.knowns["d"]
        )
