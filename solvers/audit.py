"""Audit mode: an independent, full per-instance sympy re-solve of a problem.

``audit`` does not use the skeleton, its compiled code nor its symbolic solution:
it substitutes the numbers into the relations, asks ``sympy.solve`` for every
solution, and checks uniqueness, domains and the claimed values exactly. It is
several hundred times slower than ``Skeleton.instantiate`` and exists to
cross-check it. ``check_candidate`` is a ``checksol``-style three-valued check of
one candidate.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import sympy  # type: ignore[import-untyped, unused-ignore]

from gramgen.errors import InvalidArgument  # type: ignore[import-not-found, unused-ignore]

from .exact import Value, fmt, from_sympy, is_rational_value, is_zero, to_sympy, undefined
from .model import Problem
from .relations import parse_relation, symbol
from .symbolic import solve_system
from .verdict import VERIFIED, Check

__all__ = ["Audit", "audit", "audit_solve", "check_candidate", "same_value"]


@dataclass(frozen=True)
class Audit:
    """The audit's verdict and the solutions it found inside the domains."""

    check: Check
    solutions: tuple[Mapping[str, Value], ...] = ()


def _assign(values: Mapping[str, Value]) -> str:
    parts = [f"{k}={fmt(v)}" for k, v in values.items()]
    return parts[0] if len(parts) == 1 else "(" + ", ".join(parts) + ")"


def same_value(a: Value, b: Value) -> bool | None:
    """Exact equality of two values; None when sympy cannot decide.

    >>> same_value(Fraction(1, 2), sympy.Rational(1, 2))
    True
    """
    if is_rational_value(a) and is_rational_value(b):
        return bool(a == b)
    return is_zero(sympy.sympify(to_sympy(a) - to_sympy(b)))


def _coerce(value: object, name: str) -> Value:
    if isinstance(value, bool | float):
        raise InvalidArgument(
            f"value of {name!r} must be exact (int, Fraction or sympy), got {value!r}"
        )
    if isinstance(value, int | sympy.Basic) or is_rational_value(value):
        return from_sympy(to_sympy(value))
    raise InvalidArgument(f"value of {name!r} must be int, Fraction or sympy, got {value!r}")


def _residuals(problem: Problem, values: Mapping[str, Value]) -> list[sympy.Expr]:
    subs = {symbol(k): to_sympy(v) for k, v in {**problem.knowns, **values}.items()}
    return [
        parse_relation(text, i).residual.xreplace(subs)
        for i, text in enumerate(problem.relations, 1)
    ]


def _full_check(problem: Problem, values: Mapping[str, Value]) -> Check:
    """Relations and domains at a full assignment (every unknown given)."""
    shown = _assign(values)
    for i, (text, residual) in enumerate(
        zip(problem.relations, _residuals(problem, values), strict=True), 1
    ):
        if undefined(residual):
            return Check.refuted(
                f"{shown} makes a denominator zero (division by zero in relation {i})"
            )
        z = is_zero(residual)
        if z is None:
            return Check.inconclusive(f"cannot decide whether relation {i} holds at {shown}")
        if not z:
            return Check.refuted(f"relation {i} {text!r} does not hold at {shown}")
    for name, value in values.items():
        dom = problem.domains.get(name)
        if dom is not None:
            c = dom.check(value, name)
            if not c.ok:
                return c
    return VERIFIED


def _solve(
    problem: Problem, fixed: Mapping[str, Value]
) -> tuple[list[dict[str, Value]], list[Check], Check | None]:
    """All full candidate assignments extending ``fixed``, with their checks."""
    for name, value in problem.knowns.items():
        dom = problem.domains.get(name)
        if dom is not None and not (c := dom.check(value, f"known {name}")).ok:
            return [], [], c
    exprs = _residuals(problem, fixed)
    for i, e in enumerate(exprs, 1):
        if undefined(e):
            return [], [], Check.refuted(f"division by zero in relation {i}")
    rest = [u for u in problem.unknowns if u not in fixed]
    out = solve_system(exprs, [symbol(u) for u in rest])
    if out.error:
        return [], [], Check.inconclusive(out.error)
    if out.infinite:
        return [], [], Check.refuted(out.infinite)
    if out.no_solution:
        return [], [], Check.refuted(f"no solution: {out.no_solution}")
    cands: list[dict[str, Value]] = []
    checks: list[Check] = []
    for sol in out.solutions:
        full = {u: fixed[u] if u in fixed else from_sympy(sol[symbol(u)]) for u in problem.unknowns}
        if any(all(same_value(full[u], c[u]) is True for u in full) for c in cands):
            continue
        cands.append(full)
        checks.append(_full_check(problem, full))
    return cands, checks, None


def audit_solve(problem: Problem) -> Audit:
    """Solve the instantiated problem with sympy, independently of any skeleton.

    >>> audit_solve(Problem(relations=("2*x = 6",), knowns={}, unknowns=("x",),
    ...                     answer="x")).solutions[0]["x"]
    3
    """
    cands, checks, early = _solve(problem, {})
    if early is not None:
        return Audit(early)
    good = [c for c, k in zip(cands, checks, strict=True) if k.ok]
    unclear = [k for k in checks if k.is_inconclusive]
    bad = [k.reason for k in checks if k.is_refuted]
    if len(good) >= 2:
        return Audit(
            Check.refuted(f"{len(good)} solutions: {', '.join(_assign(g) for g in good)}"),
            tuple(good),
        )
    if unclear:
        return Audit(Check.inconclusive("; ".join(k.reason for k in unclear)), tuple(good))
    if not good:
        return Audit(Check.refuted("no solution" + (f": {'; '.join(bad)}" if bad else "")))
    return Audit(VERIFIED, tuple(good))


def audit(problem: Problem, claimed: Mapping[str, object] | None = None) -> Check:
    """Independent sympy re-solve: VERIFIED iff exactly one in-domain solution and it
    equals every claimed value (claimed defaults to nothing: just well-posedness).

    >>> p = Problem(relations=("total = a + b",), knowns={"a": 2, "b": 3},
    ...             unknowns=("total",), answer="total")
    >>> audit(p, {"total": 5}).ok, audit(p, {"total": 6}).ok
    (True, False)
    """
    claims = {k: _coerce(v, k) for k, v in (claimed or {}).items()}
    for name in claims:
        if name not in problem.unknowns:
            raise InvalidArgument(f"claimed {name!r} is not an unknown {list(problem.unknowns)}")
    result = audit_solve(problem)
    if not result.check.ok:
        return result.check
    solution = result.solutions[0]
    for name, value in claims.items():
        same = same_value(solution[name], value)
        if same is None:
            return Check.inconclusive(
                f"cannot decide whether claimed {name} = {fmt(value)} equals {fmt(solution[name])}"
            )
        if not same:
            return Check.refuted(
                f"claimed {name} = {fmt(value)} but the solution is {name} = {fmt(solution[name])}"
            )
    return VERIFIED


def check_candidate(problem: Problem, candidate: Mapping[str, object]) -> Check:
    """``checksol``-style: is this candidate *a* solution (uniqueness not required)?

    The candidate may give only some unknowns (e.g. just the answer): it is VERIFIED
    when some completion of the other unknowns satisfies every relation and domain.

    >>> p = Problem(relations=("x**2 = 9",), knowns={}, unknowns=("x",), answer="x")
    >>> check_candidate(p, {"x": -3}).ok
    True
    """
    values = {k: _coerce(v, k) for k, v in candidate.items()}
    for name in values:
        if name not in problem.unknowns:
            raise InvalidArgument(
                f"candidate gives {name!r}, not an unknown {list(problem.unknowns)}"
            )
    if len(values) == len(problem.unknowns):
        return _full_check(problem, values)
    _, checks, early = _solve(problem, values)
    if early is not None:
        return early
    if any(k.ok for k in checks):
        return VERIFIED
    unclear = [k.reason for k in checks if k.is_inconclusive]
    if unclear:
        return Check.inconclusive("; ".join(unclear))
    bad = [k.reason for k in checks if k.is_refuted]
    return Check.refuted(
        f"no completion of {_assign(values)} is a solution" + (f": {'; '.join(bad)}" if bad else "")
    )
