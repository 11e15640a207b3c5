"""Generate the fused fast path of a skeleton: one Python function per skeleton.

The function takes the knowns (ints/Fractions) and returns ``(True, branch,
values)`` when the instance is certainly VERIFIED: the guard is nonzero, exactly
one branch yields values that meet every domain and make every relation hold
exactly. For a single-branch skeleton whose solution holds but misses a domain it
returns ``(False, branch, values)``: certainly REFUTED (the caller names the
domain). In every other situation it returns ``None`` and the caller takes the
detailed path (which explains refutations and handles degenerate or irrational
cases).
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
{defs}    _res = {residuals}
    _ok = _res and {domains}
except (ZeroDivisionError, _NotReal):
    _res = _ok = False
except Exception:
    return None
if _ok:
    _vals = ({values})
    if _found is None:
        _found = _vals
        _branch = {index}
    elif _found != _vals:
        return None{single}"""

# A single branch is the complete solution set: if it solves every relation but misses
# a domain there is no solution in the domains (the caller names the domain).
_SINGLE = """
elif _res:
    return (False, {index}, ({values}))"""

_BRANCH = """\
try:
{core}except _NotReal:
    pass
except Exception:
    return None
else:
{check}"""


def _defines(
    rel: Relation, definitions: Sequence[tuple[str, sympy.Expr]], syms: Mapping[str, sympy.Symbol]
) -> bool:
    """True when ``rel`` is ``u = e`` and ``u`` is computed by the very same ``e``.

    Substituting back is then ``u - e == e - e``: zero by construction (the same
    exact code on the same inputs), so the fused path skips it; the detailed path
    and the audit still evaluate it.
    """
    for u, e in definitions:
        for lone, other in ((rel.lhs, rel.rhs), (rel.rhs, rel.lhs)):
            if lone == syms[u] and other == e:
                return True
    return False


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
        residuals = [
            f"{em.emit(r.lhs)} == {em.emit(r.rhs)}"
            for r in relations
            if not _defines(r, definitions, syms)
        ]
        domain_checks = conds(unknowns)
        defs = "".join(f"    {var[u]} = {em.emit(e)}\n" for u, e in definitions)
        order = (*core, *(u for u, _ in definitions))
        for index, exprs in branches:
            values = "".join(f"{var[n]}, " for n in order)
            check = _CHECK.format(
                defs=defs,
                residuals=" and ".join(residuals) or "True",
                domains=" and ".join(domain_checks) or "True",
                values=values,
                index=index,
                single=_SINGLE.format(index=index, values=values) if len(branches) == 1 else "",
            )
            if core:
                assign = "".join(f"    {var[u]} = {em.emit(exprs[u])}\n" for u in core)
                parts.append(_BRANCH.format(core=assign, check=_indent(check)))
            else:
                parts.append(check)
        parts.append("if _found is None:\n    return None\nreturn (True, _branch, _found)")
    except NotCompilable:
        return None
    body = "\n".join(parts).splitlines()
    fn = build("_fast", [var[n] for n in knowns], body, em.consts)
    return fn, order, fn.__source__  # type: ignore[attr-defined]
