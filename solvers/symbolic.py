"""Per-instance exact solving with sympy (the slow, independent path).

Used by ``audit`` (the independent re-solve) and by ``Skeleton`` as the fallback
for degenerate instances (a zero determinant, a vanishing leading coefficient) and
for skeletons with no compiled solution.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import sympy  # type: ignore[import-untyped, unused-ignore]

from .exact import fmt, is_zero

__all__ = ["Outcome", "solve_system"]


@dataclass(frozen=True)
class Outcome:
    """What sympy found: the solutions, or why there is no finite list of them."""

    solutions: list[dict[sympy.Symbol, sympy.Expr]] = field(default_factory=list)
    infinite: str | None = None
    error: str | None = None
    no_solution: str | None = None


def solve_system(exprs: Sequence[sympy.Expr], unknowns: Sequence[sympy.Symbol]) -> Outcome:
    """Solve ``expr == 0`` for all exprs (knowns already substituted) exactly.

    Relations free of unknowns are decided as conditions; identically-zero ones are
    dropped; an unknown left free means infinitely many solutions.
    """
    unknown_set = set(unknowns)
    live: list[sympy.Expr] = []
    for i, expr in enumerate(exprs, 1):
        if not (expr.free_symbols & unknown_set):
            z = is_zero(expr)
            if z is None:
                return Outcome(error=f"cannot decide whether relation {i} holds ({fmt(expr)} = 0)")
            if not z:
                return Outcome(no_solution=f"relation {i} does not hold ({fmt(expr)} != 0)")
            continue
        try:
            if sympy.expand(expr) == 0:
                continue
        except Exception:  # expansion can fail on exotic input; keep the relation
            pass
        live.append(expr)
    mentioned = sorted(set().union(*(e.free_symbols for e in live)) & unknown_set, key=str)
    missing = [u for u in unknowns if u not in mentioned]
    if not live:
        names = ", ".join(map(str, missing))
        return Outcome(
            infinite=f"infinitely many solutions: {names} not determined by the relations"
        )
    try:
        sols = sympy.solve(live, mentioned, dict=True)
    except NotImplementedError as err:
        return Outcome(error=f"sympy cannot solve this system ({err})")
    except Exception as err:  # sympy raises assorted errors on hard systems
        return Outcome(error=f"sympy failed to solve ({type(err).__name__}: {err})")
    if not sols:
        return Outcome(no_solution="the relations have no common solution")
    if missing:
        return Outcome(
            infinite=f"infinitely many solutions: {', '.join(map(str, missing))} "
            "not determined by the relations"
        )
    for sol in sols:
        for u in unknowns:
            if u not in sol:
                return Outcome(infinite=f"infinitely many solutions: {u} is not determined")
            free = sol[u].free_symbols & unknown_set
            if free:
                return Outcome(
                    infinite=f"infinitely many solutions: {u} = {sol[u]} for any "
                    f"{', '.join(map(str, sorted(free, key=str)))}"
                )
    return Outcome(solutions=[{u: sympy.sympify(sol[u]) for u in unknowns} for sol in sols])
