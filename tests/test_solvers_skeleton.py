"""Hand-computed cases for the skeleton fast path, refutations and model errors."""

from __future__ import annotations

from fractions import Fraction as F

import pytest

from gramgen.errors import GramgenError, InvalidArgument
from gramgen.solvers import (
    INTEGER,
    POSITIVE,
    POSITIVE_WHOLE,
    PROBABILITY,
    WHOLE,
    Check,
    Domain,
    Problem,
    Skeleton,
    Verdict,
    audit,
    convert,
)


def solve(relations, knowns, unknowns, answer, domains=None):
    p = Problem(
        relations=tuple(relations),
        knowns=knowns,
        unknowns=tuple(unknowns),
        answer=answer,
        domains=domains or {},
    )
    inst = p.solve()
    # every hand case is also cross-checked by the independent audit
    claimed = {answer: inst.values[answer]} if inst.check.ok else None
    assert audit(p, claimed).verdict is inst.check.verdict, (inst.check, audit(p, claimed))
    return inst


# ---------------------------------------------------------------- verdicts
def test_verdict_has_no_truth_value():
    with pytest.raises(TypeError):
        bool(Verdict.INCONCLUSIVE)
    with pytest.raises(TypeError):
        bool(Check(Verdict.VERIFIED))
    assert Check(Verdict.VERIFIED).ok
    assert not Check(Verdict.INCONCLUSIVE, "x").ok
    assert not Check(Verdict.REFUTED, "x").ok


# ---------------------------------------------------------------- solvable kinds
def test_linear_equation():
    inst = solve(["3*x + 5 = 20"], {}, ["x"], "x", {"x": WHOLE})
    assert inst.check.ok and inst.values["x"] == 5


def test_linear_with_knowns():
    inst = solve(["a*x + b = c"], {"a": 4, "b": 3, "c": 23}, ["x"], "x")
    assert inst.values["x"] == 5


def test_two_by_two_system():
    # x + y = 30 tickets, 5x + 3y = 110 dollars -> x = 10, y = 20
    inst = solve(
        ["x + y = n", "px*x + py*y = total"],
        {"n": 30, "px": 5, "py": 3, "total": 110},
        ["x", "y"],
        "x",
        {"x": WHOLE, "y": WHOLE},
    )
    assert inst.check.ok and (inst.values["x"], inst.values["y"]) == (10, 20)
    assert (
        Skeleton.of(
            ["x + y = n", "px*x + py*y = total"],
            ["n", "px", "py", "total"],
            ["x", "y"],
            {"x": WHOLE, "y": WHOLE},
        ).strategy
        == "linear"
    )


def test_three_by_three_system():
    # x + y + z = 6, 2x - y + z = 3, x + 2y - z = 2 -> (1, 2, 3)
    inst = solve(
        ["x + y + z = s", "2*x - y + z = t", "x + 2*y - z = u"],
        {"s": 6, "t": 3, "u": 2},
        ["x", "y", "z"],
        "z",
    )
    assert dict(inst.values) == {"x": 1, "y": 2, "z": 3}


def test_rational_equation_excludes_root_zeroing_a_denominator():
    # x/(x-2) = 2/(x-2) + 3  =>  x = 2 + 3(x-2)  =>  x = 2, which zeroes the denominator
    inst = solve(["x/(x - 2) = 2/(x - 2) + 3"], {}, ["x"], "x")
    assert inst.check.is_refuted and "division by zero in relation 1" in inst.check.reason


def test_rational_equation_keeps_the_good_root():
    # work rates: 12/x + 12/(x + 2) = 5 -> x = 4 (and -6/5, not positive)
    inst = solve(["12/x + 12/(x + 2) = r"], {"r": 5}, ["x"], "x", {"x": POSITIVE})
    assert inst.check.ok and inst.values["x"] == 4


def test_quadratic_root_chosen_by_domain():
    sk = Skeleton.of(["x**2 - s*x + p = 0"], ["s", "p"], ["x"], {"x": POSITIVE})
    inst = sk.instantiate({"s": 1, "p": -6})  # roots -2, 3
    assert inst.check.ok and inst.values["x"] == 3 and inst.branch == 1
    neg = Skeleton.of(["x**2 - s*x + p = 0"], ["s", "p"], ["x"], {"x": Domain("real", hi=0)})
    inst = neg.instantiate({"s": 1, "p": -6})  # the other root is chosen
    assert inst.values["x"] == -2 and inst.branch == 0


def test_quadratic_double_root_is_one_solution():
    inst = solve(["x**2 - s*x + p = 0"], {"s": 4, "p": 4}, ["x"], "x")
    assert inst.check.ok and inst.values["x"] == 2


def test_quadratic_irrational_root_is_exact_symbolic():
    inst = solve(["x**2 = a"], {"a": 2}, ["x"], "x", {"x": POSITIVE})
    assert inst.check.ok and str(inst.values["x"]) == "sqrt(2)"


def test_percent():
    # 15% of 240 is taken off
    inst = solve(
        ["off = rate/100 * price", "paid = price - off"],
        {"rate": 15, "price": 240},
        ["off", "paid"],
        "paid",
        {"paid": POSITIVE},
    )
    assert inst.values["off"] == 36 and inst.values["paid"] == 204


def test_ratio():
    # boys : girls = 3 : 5, 32 children
    inst = solve(
        ["boys/girls = 3/5", "boys + girls = n"],
        {"n": 32},
        ["boys", "girls"],
        "girls",
        {"boys": WHOLE, "girls": WHOLE},
    )
    assert (inst.values["boys"], inst.values["girls"]) == (12, 20)


def test_rate_with_unit_conversion():
    # 90 km/h for 20 minutes: distance in km = speed * minutes / 60
    minutes = 20
    hours = convert(minutes, "min", "h")
    assert hours == F(1, 3)
    inst = solve(["d = v * t"], {"v": 90, "t": hours}, ["d"], "d")
    assert inst.values["d"] == 30
    assert convert(inst.values["d"], "km", "m") == 30000


def test_ncr_probability():
    # two cards from 5 red + 3 blue: P(both red) = C(5,2)/C(8,2) = 10/28 = 5/14
    inst = solve(
        ["p = binomial(r, 2) / binomial(r + b, 2)"],
        {"r": 5, "b": 3},
        ["p"],
        "p",
        {"p": PROBABILITY},
    )
    assert inst.values["p"] == F(5, 14)


def test_arithmetic_chain_and_intermediates_checked():
    rels = ["total = a*b", "left = total - c", "each = left / d"]
    sk = Skeleton.of(
        rels, ["a", "b", "c", "d"], ["total", "left", "each"], {"each": WHOLE, "left": WHOLE}
    )
    assert sk.strategy == "chain"
    inst = sk.instantiate({"a": 3, "b": 4, "c": 2, "d": 5})
    assert dict(inst.values) == {"total": 12, "left": 10, "each": 2}
    bad = sk.instantiate({"a": 3, "b": 4, "c": 20, "d": 2})  # left = -8
    assert bad.check.is_refuted and "is not a whole number" in bad.check.reason


def test_skeleton_cache_and_fractions():
    a = Skeleton.of(["y = x/3"], ["x"], ["y"])
    assert a is Skeleton.of(["y  =  x/3"], ["x"], ["y"])
    assert a.instantiate({"x": F(1, 2)}).values["y"] == F(1, 6)


def test_verify_claimed_value():
    sk = Skeleton.of(["y = 2*x + 1"], ["x"], ["y"])
    assert sk.verify({"x": 3}, {"y": 7}).ok
    wrong = sk.verify({"x": 3}, {"y": 8})
    assert wrong.is_refuted and "claimed y = 8 but the solution is y = 7" in wrong.reason


# ---------------------------------------------------------------- refutations
@pytest.mark.parametrize(
    ("relations", "knowns", "unknowns", "domains", "needle"),
    [
        (["x**2 - 5*x + 6 = 0"], {}, ["x"], {}, "2 solutions: x=2, x=3"),
        (["2*x = a"], {"a": 5}, ["x"], {"x": WHOLE}, "x = 5/2 is not a whole number"),
        (
            ["n = a - b"],
            {"a": 2, "b": 5},
            ["n"],
            {"n": POSITIVE_WHOLE},
            "n = -3 is not a positive whole number",
        ),
        (["each = t / k"], {"t": 10, "k": 0}, ["each"], {}, "division by zero in relation 1"),
        (["x + y = 3", "2*x + 2*y = 7"], {}, ["x", "y"], {}, "no solution"),
        (["x + y = 3", "2*x + 2*y = 6"], {}, ["x", "y"], {}, "infinitely many"),
        (["x**2 = -4"], {}, ["x"], {}, "no solution"),
    ],
)
def test_refutations_name_the_problem(relations, knowns, unknowns, domains, needle):
    inst = solve(relations, knowns, unknowns, unknowns[0], domains)
    assert inst.check.verdict is Verdict.REFUTED
    assert needle in inst.check.reason


def test_wrong_answer_refuted_by_audit():
    p = Problem(
        relations=("total = a + b",), knowns={"a": 2, "b": 3}, unknowns=("total",), answer="total"
    )
    check = audit(p, {"total": 6})
    assert check.is_refuted and "claimed total = 6" in check.reason


def test_degenerate_instance_falls_back_to_sympy():
    sk = Skeleton.of(["a*x = b"], ["a", "b"], ["x"])
    assert sk.instantiate({"a": 2, "b": 3}).values["x"] == F(3, 2)
    assert "infinitely many" in sk.instantiate({"a": 0, "b": 0}).check.reason
    assert sk.instantiate({"a": 0, "b": 3}).check.is_refuted


def test_known_domain_is_checked():
    sk = Skeleton.of(["y = 2*n"], ["n"], ["y"], {"n": POSITIVE_WHOLE})
    check = sk.instantiate({"n": -1}).check
    assert check.is_refuted and "known n = -1" in check.reason


def test_undecidable_is_inconclusive():
    inst = solve(["x = pi**pi"], {}, ["x"], "x", {"x": WHOLE})
    assert inst.check.verdict is Verdict.INCONCLUSIVE
    assert not inst.check.ok


def test_general_nonlinear_system():
    inst = solve(
        ["x**2 + y**2 = r", "x - y = 1"], {"r": 25}, ["x", "y"], "x", {"x": POSITIVE, "y": POSITIVE}
    )
    assert (inst.values["x"], inst.values["y"]) == (4, 3)


def test_huge_exponent_is_inconclusive_not_hung():
    inst = Skeleton.of(["y = 2**n"], ["n"], ["y"]).instantiate({"n": 10**9})
    assert inst.check.verdict is Verdict.INCONCLUSIVE


# ---------------------------------------------------------------- model errors
@pytest.mark.parametrize(
    ("relation", "needle"),
    [
        ("total = a +", "relation 1 'total = a +': syntax error"),
        ("total == a", "expected exactly one '='"),
        ("a = b = c", "found 2"),
        ("x = os.system(1)", "calling 'os.system' is not allowed (attribute access) at column 5"),
        ("x = foo(a)", "unknown function 'foo'"),
        ("x = a + zz", "'zz', which is neither a known"),
    ],
)
def test_bad_relations_are_named(relation, needle):
    with pytest.raises(InvalidArgument) as err:
        Problem(
            relations=(relation,),
            knowns={"a": 1, "b": 2, "c": 3, "total": 1},
            unknowns=("x",),
            answer="x",
        )
    assert needle in str(err.value)


def test_problem_argument_errors():
    base = {"relations": ("x = a",), "knowns": {"a": 1}, "unknowns": ("x",), "answer": "x"}
    with pytest.raises(InvalidArgument, match="float"):
        Problem(**{**base, "knowns": {"a": 0.5}})
    with pytest.raises(InvalidArgument, match="answer 'y'"):
        Problem(**{**base, "answer": "y"})
    with pytest.raises(InvalidArgument, match="both known and unknown"):
        Problem(**{**base, "unknowns": ("x", "a")})
    with pytest.raises(InvalidArgument, match="lo must be <= hi"):
        Domain("integer", lo=5, hi=1)
    with pytest.raises(InvalidArgument, match="missing known values"):
        Skeleton.of(["x = a"], ["a"], ["x"]).instantiate({})
    assert issubclass(InvalidArgument, GramgenError)


def test_domain_descriptions_and_contains():
    assert WHOLE.describe() == "a whole number"
    assert POSITIVE_WHOLE.describe() == "a positive whole number"
    assert Domain.between(1, 9).describe() == "an integer between 1 and 9"
    assert INTEGER.contains(-3) and not INTEGER.contains(F(1, 2))
    assert PROBABILITY.contains(F(1, 3)) and not PROBABILITY.contains(F(4, 3))
