"""Solve a skeleton symbolically, once: eliminate definitions, classify and solve the core.

``make_plan`` turns relations into a ``Plan``:

* explicit definitions ``u = expr`` (one side a lone unknown not occurring on the
  other side) are eliminated by substitution and kept, in evaluation order, in
  their original form when possible: an arithmetic chain needs nothing else;
* the remaining *core* is classified as ``linear`` (square system; guard: its
  determinant), ``polynomial`` (one unknown whose numerator, after clearing
  denominators, has degree 1 or 2; guard: the leading coefficient; the roots are
  the branches) or ``general`` (no symbolic solution kept: sympy per instance).

A guard is an expression in the knowns: where it is nonzero the branches are the
complete solution set of the core; where it vanishes the instance is degenerate
and must be re-solved per instance.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import sympy  # type: ignore[import-untyped, unused-ignore]

from .exact import undefined
from .relations import Relation

__all__ = ["Plan", "Strategy", "make_plan"]

Strategy = Literal["chain", "linear", "polynomial", "general"]


@dataclass(frozen=True)
class Plan:
    """The symbolic solution of a skeleton."""

    strategy: Strategy
    core: tuple[sympy.Symbol, ...]
    definitions: tuple[tuple[sympy.Symbol, sympy.Expr, int], ...]
    branches: tuple[Mapping[sympy.Symbol, sympy.Expr], ...]
    guard: sympy.Expr | None
    system: tuple[tuple[sympy.Expr, ...], ...] | None = None
    """For a square linear core: the augmented matrix rows ``[A | b]`` (in the knowns)."""


def _eliminate(
    relations: Sequence[Relation], unknowns: set[sympy.Symbol]
) -> tuple[list[tuple[sympy.Symbol, sympy.Expr, int]], list[sympy.Expr]]:
    current = [(i, r.lhs, r.rhs) for i, r in enumerate(relations, 1)]
    eliminated: list[tuple[sympy.Symbol, sympy.Expr, int]] = []
    progress = True
    while progress:
        progress = False
        for pos, (i, lhs, rhs) in enumerate(current):
            for lone, other in ((lhs, rhs), (rhs, lhs)):
                if lone in unknowns and lone not in other.free_symbols:
                    eliminated.append((lone, other, i))
                    unknowns.discard(lone)
                    del current[pos]
                    current = [(j, a.subs(lone, other), b.subs(lone, other)) for j, a, b in current]
                    progress = True
                    break
            if progress:
                break
    return eliminated, [a - b for _, a, b in current]


def _order(
    relations: Sequence[Relation], eliminated: list[tuple[sympy.Symbol, sympy.Expr, int]]
) -> tuple[tuple[sympy.Symbol, sympy.Expr, int], ...]:
    """Definitions in evaluation order, in their original form when that is acyclic."""
    forms: dict[sympy.Symbol, tuple[sympy.Expr, int]] = {}
    for sym, substituted, i in eliminated:
        rel = relations[i - 1]
        forms[sym] = (substituted, i)
        for lone, other in ((rel.lhs, rel.rhs), (rel.rhs, rel.lhs)):
            if lone == sym and sym not in other.free_symbols:
                forms[sym] = (other, i)
                break
    ordered: list[sympy.Symbol] = []
    pending = [s for s, _, _ in eliminated]
    while pending:
        ready = [s for s in pending if not (forms[s][0].free_symbols & (set(pending) - {s}))]
        if not ready:  # a cycle among original forms: substituted forms, reversed, always work
            return tuple((s, e, i) for s, e, i in reversed(eliminated))
        ordered.append(ready[0])
        pending.remove(ready[0])
    return tuple((s, forms[s][0], forms[s][1]) for s in ordered)


def _linear(
    exprs: list[sympy.Expr], xs: list[sympy.Symbol]
) -> tuple[dict[sympy.Symbol, sympy.Expr], sympy.Expr, Any] | None:
    for e in exprs:
        try:
            if not e.is_polynomial(*xs) or sympy.Poly(e, *xs).total_degree() > 1:
                return None
        except sympy.PolynomialError:
            return None
    for chosen in itertools.combinations(exprs, len(xs)):
        matrix, rhs = sympy.linear_eq_to_matrix(list(chosen), xs)
        det = sympy.cancel(matrix.det())
        if det == 0:
            continue
        sols = sympy.solve(list(chosen), xs, dict=True)
        if len(sols) == 1 and all(x in sols[0] for x in xs):
            rows = tuple(
                (*(matrix[i, j] for j in range(len(xs))), rhs[i, 0]) for i in range(len(xs))
            )
            return {x: sympy.together(sols[0][x]) for x in xs}, det, rows
    return None


def _polynomial(
    exprs: list[sympy.Expr], x: sympy.Symbol
) -> tuple[list[sympy.Expr], sympy.Expr] | None:
    best: list[sympy.Expr] | None = None
    for e in exprs:
        num, _den = sympy.fraction(sympy.together(e))
        try:
            if not num.is_polynomial(x):
                continue
            coeffs = sympy.Poly(num, x).all_coeffs()
        except sympy.PolynomialError:
            continue
        if 2 <= len(coeffs) <= 3 and (best is None or len(coeffs) < len(best)):
            best = coeffs
    if best is None:
        return None
    if len(best) == 2:
        c1, c0 = best
        return [sympy.together(-c0 / c1)], c1
    c2, c1, c0 = best
    root = sympy.sqrt(sympy.expand(c1**2 - 4 * c2 * c0))
    return [sympy.together((-c1 - root) / (2 * c2)), sympy.together((-c1 + root) / (2 * c2))], c2


def make_plan(relations: Sequence[Relation], unknowns: Sequence[sympy.Symbol]) -> Plan:
    """Solve the relations for the unknowns symbolically (knowns stay symbols)."""
    remaining = set(unknowns)
    eliminated, rest = _eliminate(relations, remaining)
    definitions = _order(relations, eliminated)
    core = tuple(u for u in unknowns if u in remaining)
    exprs = [e for e in rest if e.free_symbols & set(core)]

    def plan(
        strategy: Strategy,
        branches: tuple[Mapping[sympy.Symbol, sympy.Expr], ...] = (),
        guard: sympy.Expr | None = None,
        system: Any = None,
    ) -> Plan:
        return Plan(strategy, core, definitions, branches, guard, system)

    if not core:
        return plan("chain", ({},))
    mentioned = set().union(*(e.free_symbols for e in exprs)) if exprs else set()
    if any(undefined(e) for e in exprs) or not set(core) <= mentioned:
        return plan("general")
    lin = _linear(exprs, list(core))
    if lin is not None:
        square = len(exprs) == len(core)
        return plan("linear", (lin[0],), lin[1], lin[2] if square else None)
    if len(core) == 1:
        poly = _polynomial(exprs, core[0])
        if poly is not None:
            return plan("polynomial", tuple({core[0]: r} for r in poly[0]), poly[1])
    return plan("general")
