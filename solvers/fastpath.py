"""Generate the fused fast path of a skeleton: one Python function per skeleton.

The function takes the knowns (ints/Fractions) and returns ``(branch, values)``
only when the instance is certainly VERIFIED: the guard is nonzero, exactly one
branch yields values that meet every domain and make every relation hold exactly.
In every other situation it returns ``None`` and the caller takes the detailed
path (which explains refutations and handles degenerate or irrational cases).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import sympy  # type: ignore[import-untyped, unused-ignore]

from .codegen import Emitter, NotCompilable, build
from .model import Domain
from .relations import Relation

__all__ = ["FastPath", "compile_fast", "domain_conditions"]

FastPath = tuple[Callable[..., Any], tuple[str, ...], str]


def domain_conditions(var: str, dom: Domain, em: Emitter) -> list[str]:
    """Python conditions (on an int/Fraction variable) for membership in ``dom``."""
    conds = []
    if dom.kind == "integer":
        conds.append(f"{var}.denominator == 1")
    if dom.positive:
        conds.append(f"{var} > 0")
    if dom.nonnegative:
        conds.append(f"{var} >= 0")
    if dom.lo is not None:
        conds.append(f"{var} >= {em.const(dom.lo)}")
    if dom.hi is not None:
        conds.append(f"{var} <= {em.const(dom.hi)}")
    return conds


_GUARD = """\
try:
    _g = {guard}
except Exception:
    return None
if _g == 0:
    return None"""

_CHECK = """\
try:
{defs}    _ok = {checks}
except (ZeroDivisionError, _NotReal):
    _ok = False
except Exception:
    return None
if _ok:
    _vals = ({values})
    if _found is None:
        _found = _vals
        _branch = {index}
    elif _found != _vals:
        return None"""

_BRANCH = """\
try:
{core}except _NotReal:
    pass
except Exception:
    return None
else:
{check}"""


def _indent(text: str) -> str:
    return "".join(f"    {line}\n" for line in text.splitlines())


def compile_fast(
    *,
    knowns: Sequence[str],
    unknowns: Sequence[str],
    core: Sequence[str],
    syms: Mapping[str, sympy.Symbol],
    domains: Mapping[str, Domain],
    relations: Sequence[Relation],
    guard: sympy.Expr | None,
    branches: Sequence[tuple[int, Mapping[str, sympy.Expr]]],
    definitions: Sequence[tuple[str, sympy.Expr]],
) -> FastPath | None:
    """The fused function, the order of the values it returns, and its source."""
    var = {n: f"k{i}" for i, n in enumerate(knowns)}
    var.update({n: f"u{i}" for i, n in enumerate(unknowns)})
    em = Emitter({syms[n]: v for n, v in var.items()})

    def conds(names: Sequence[str]) -> list[str]:
        return [c for n in names if n in domains for c in domain_conditions(var[n], domains[n], em)]

    try:
        parts: list[str] = []
        if kconds := conds(knowns):
            parts.append(f"if not ({' and '.join(kconds)}):\n    return None")
        if guard is not None:
            parts.append(_GUARD.format(guard=em.emit(guard)))
        parts.append("_found = None\n_branch = None")
        checks = [f"{em.emit(r.lhs)} == {em.emit(r.rhs)}" for r in relations] + conds(unknowns)
        defs = "".join(f"    {var[u]} = {em.emit(e)}\n" for u, e in definitions)
        order = (*core, *(u for u, _ in definitions))
        for index, exprs in branches:
            check = _CHECK.format(
                defs=defs,
                checks=" and ".join(checks) or "True",
                values="".join(f"{var[n]}, " for n in order),
                index=index,
            )
            if core:
                assign = "".join(f"    {var[u]} = {em.emit(exprs[u])}\n" for u in core)
                parts.append(_BRANCH.format(core=assign, check=_indent(check)))
            else:
                parts.append(check)
        parts.append("if _found is None:\n    return None\nreturn (_branch, _found)")
    except NotCompilable:
        return None
    body = "\n".join(parts).splitlines()
    fn = build("_fast", [var[n] for n in knowns], body, em.consts)
    return fn, order, fn.__source__  # type: ignore[attr-defined]
