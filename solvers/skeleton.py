"""Solve once, verify every time: a problem skeleton solved symbolically and compiled.

A ``Skeleton`` is a set of relations with named knowns and unknowns but no numbers.
It is solved once with sympy and compiled to Python over ``Fraction``; then
``instantiate(knowns)`` computes the unknowns exactly and checks the instance:
VERIFIED only when exactly one solution survives the domains and substituting it
back makes every relation hold exactly.

Solving strategy (chosen at build time, see ``Skeleton.strategy``):

* explicit definitions ``u = expr`` (one side a lone unknown) are eliminated by
  substitution and evaluated in order: an arithmetic chain needs nothing else;
* the remaining *core* is either ``linear`` (square system, guard: determinant != 0),
  ``polynomial`` (one unknown, numerator of degree 1 or 2 after clearing
  denominators; guard: leading coefficient != 0; both roots are branches and the
  domains pick one), or ``general`` (re-solved with sympy per instance).

Paths per instance: a fused generated function (``fastpath``) decides the common
cases (VERIFIED, or a single solution missing a domain); otherwise a detailed path
evaluates each branch, definition, residual and domain and says why. A singular
square linear system is settled by an exact rank test (no solution / infinitely
many); any other failed guard, a compiled branch dividing by zero, or a 'general'
skeleton is re-solved with sympy, so degenerate numbers never give a wrong verdict.
Irrational values (sqrt of a non-square) are evaluated exactly with sympy.
``exact_instance`` takes known values that are exact already, in order (as a
construction sampler draws them), without the checks and conversions of
``instantiate``; ``exact_solver`` is the fused function alone, its values by name.

Policy: a solution must be unique over the reals before domains filter finitely
many candidates (the domain chooses a quadratic's root); a system with infinitely
many real solutions is REFUTED even if a domain would leave only one.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, TypeVar, cast

import sympy  # type: ignore[import-untyped, unused-ignore]

from gramgen.errors import InvalidArgument  # type: ignore[import-not-found, unused-ignore]

from .codegen import Emitter, NotCompilable, build
from .exact import (
    Exact,
    Inexact,
    NotReal,
    TooLarge,
    Value,
    as_exact,
    fmt,
    from_sympy,
    is_rational_value,
    is_zero,
    norm,
    to_sympy,
    undefined,
)
from .fastpath import compile_fast
from .instance import Branch, Candidate, Definition, Failure, Instance, assign, rank
from .model import Domain, validate_structure
from .plan import Strategy, make_plan
from .relations import Relation, symbol
from .symbolic import solve_system
from .verdict import VERIFIED, Check

_T = TypeVar("_T")

Solved = tuple[bool, int, dict[str, Exact], dict[str, Value]]
"""What ``Skeleton.exact_solver`` returns when the fused fast path decides."""

__all__ = ["Branch", "Candidate", "Definition", "Instance", "Skeleton", "Strategy"]


@dataclass
class _Compiled:
    residuals: list[Callable[..., Any] | None] = field(default_factory=list)
    guard: Callable[..., Any] | None = None
    system: Callable[..., Any] | None = None
    fast: Callable[..., Any] | None = None
    fast_source: str = ""


class Skeleton:
    """Relations solved once symbolically; ``instantiate`` checks numbers exactly.

    >>> sk = Skeleton.of(["total = a + b", "each = total / n"], ["a", "b", "n"],
    ...                  ["total", "each"], {"each": WHOLE})
    >>> sk.instantiate({"a": 3, "b": 5, "n": 4}).values["each"]
    2
    """

    def __init__(
        self,
        relations: Sequence[str],
        knowns: Iterable[str],
        unknowns: Sequence[str],
        domains: Mapping[str, Domain] | None = None,
    ) -> None:
        domains = dict(domains or {})
        known_list = sorted(knowns)
        self.relations: tuple[Relation, ...] = validate_structure(
            relations, known_list, list(unknowns), domains
        )
        self.knowns: tuple[str, ...] = tuple(known_list)
        self.unknowns: tuple[str, ...] = tuple(sorted(unknowns))
        self.domains: Mapping[str, Domain] = domains
        self._names = (*self.knowns, *self.unknowns)
        self._syms = {n: symbol(n) for n in self._names}
        self._pos = {n: i for i, n in enumerate(self._names)}
        plan = make_plan(self.relations, [self._syms[u] for u in self.unknowns])
        self.strategy: Strategy = plan.strategy
        self.core: tuple[str, ...] = tuple(str(u) for u in plan.core)
        self.guard: sympy.Expr | None = plan.guard
        self._system = plan.system
        self.definitions: tuple[Definition, ...] = tuple(
            Definition(str(u), e, i, self._fn(e, self._names)) for u, e, i in plan.definitions
        )
        self.branches: tuple[Branch, ...] = tuple(
            self._branch(i, [b[self._syms[u]] for u in self.core])
            for i, b in enumerate(plan.branches)
        )
        self._c = self._compile()

    # ------------------------------------------------------------------ building
    @staticmethod
    def of(
        relations: Sequence[str],
        knowns: Iterable[str],
        unknowns: Sequence[str],
        domains: Mapping[str, Domain] | None = None,
    ) -> Skeleton:
        """The cached skeleton for these relations/names/domains (built on first use).

        >>> Skeleton.of(["y = 2*x"], ["x"], ["y"]) is Skeleton.of(["y = 2*x"], ["x"], ["y"])
        True
        """
        if isinstance(relations, str) or isinstance(unknowns, str):
            raise InvalidArgument("relations and unknowns must be sequences, not a single str")
        rels = tuple(" ".join(str(r).split()) if isinstance(r, str) else r for r in relations)
        key_domains = tuple(sorted((domains or {}).items()))
        return _cached(rels, tuple(sorted(knowns)), tuple(sorted(unknowns)), key_domains)

    def _branch(self, index: int, exprs: list[sympy.Expr]) -> Branch:
        symbolic = any(
            isinstance(p, sympy.Pow) and not p.exp.is_integer
            for e in exprs
            for p in sympy.preorder_traversal(e)
        )
        return Branch(
            index, dict(zip(self.core, exprs, strict=True)), self._fn_tuple(exprs), symbolic
        )

    def _fn(self, expr: sympy.Expr, params: Sequence[str]) -> Callable[..., Any] | None:
        em = Emitter({self._syms[n]: f"v{i}" for i, n in enumerate(params)})
        try:
            code = em.emit(expr)
        except NotCompilable:
            return None
        return build("_f", [f"v{i}" for i in range(len(params))], [f"return {code}"], em.consts)

    def _fn_tuple(self, exprs: list[sympy.Expr]) -> Callable[..., Any] | None:
        em = Emitter({self._syms[n]: f"v{i}" for i, n in enumerate(self.knowns)})
        try:
            codes = [em.emit(e) for e in exprs]
        except NotCompilable:
            return None
        params = [f"v{i}" for i in range(len(self.knowns))]
        return build("_branch", params, [f"return ({''.join(c + ', ' for c in codes)})"], em.consts)

    def _compile(self) -> _Compiled:
        c = _Compiled()
        c.residuals = [self._fn(r.residual, self._names) for r in self.relations]
        if self.guard is not None:
            c.guard = self._fn(self.guard, self._names)
        if self._system is not None:
            c.system = self._fn_tuple([e for row in self._system for e in row])
        if self.strategy != "general":
            self._compile_fast(c)
        return c

    def _compile_fast(self, c: _Compiled) -> None:
        made = compile_fast(
            knowns=self.knowns,
            unknowns=self.unknowns,
            core=self.core,
            syms=self._syms,
            domains=self.domains,
            relations=self.relations,
            guard=self.guard,
            branches=[(br.index, br.exprs) for br in self.branches],
            definitions=[(d.unknown, d.expr) for d in self.definitions],
        )
        if made is not None:
            c.fast, self._fast_order, c.fast_source = made

    # ------------------------------------------------------------------ instances
    def instantiate(self, knowns: Mapping[str, object]) -> Instance:
        """Solve and verify this skeleton with the given known values (exactly).

        >>> sk = Skeleton.of(["x**2 - s*x + p = 0"], ["s", "p"], ["x"], {"x": POSITIVE})
        >>> sk.instantiate({"s": 1, "p": -6}).values["x"]
        3
        """
        try:
            raw = [knowns[n] for n in self.knowns]
        except KeyError:
            missing = sorted(set(self.knowns) - set(knowns))
            raise InvalidArgument(f"missing known values for {missing}") from None
        if len(knowns) != len(raw):
            extra = sorted(set(knowns) - set(self.knowns))
            raise InvalidArgument(f"{extra} are not knowns of this skeleton {list(self.knowns)}")
        args = cast("list[Exact]", raw)
        for v in raw:
            if type(v) is not int and type(v) is not Fraction:
                args = [as_exact(knowns[n], f"known {n!r}") for n in self.knowns]
                break
        return self.exact_instance(args)

    def exact_instance(self, args: Sequence[Exact]) -> Instance:
        """``instantiate`` with the known values given exactly, in the order of ``knowns``.

        Nothing is checked: ``args`` holds one ``int`` or ``Fraction`` per known, as a
        construction sampler draws them (``instantiate`` checks and converts, then
        comes here). The fused fast path decides the common cases; anything else
        takes the detailed path.

        >>> sk = Skeleton.of(["each = total / n"], ["total", "n"], ["each"], {"each": WHOLE})
        >>> sk.knowns, sk.exact_instance((3, 12)).values
        (('n', 'total'), {'each': 4})
        >>> sk.exact_instance((5, 12)).check.reason
        'no solution: each = 12/5 is not a whole number'
        """
        solve = self.exact_solver
        if solve is not None:
            found = solve(*args)
            if found is not None:
                ok, branch, kvals, vals = found
                if ok:
                    return Instance(kvals, vals, VERIFIED, branch)
                return self._outside(kvals, vals, branch)
        return self._detailed([norm(a) for a in args])

    @functools.cached_property
    def exact_solver(self) -> Callable[..., Solved | None] | None:
        """The fused fast path, one function of the known values (as for ``exact_instance``).

        It returns ``(verified, branch, knowns, values)``, the knowns and the
        (normalized) values of the unknowns by name, when the fast path decides:
        VERIFIED, or REFUTED for a unique solution missing a domain (``verified``
        False; ``exact_instance`` names the domain). It returns None when only the
        detailed path can decide. None for a skeleton without a fast path.

        >>> sk = Skeleton.of(["each = total / n"], ["total", "n"], ["each"], {"each": WHOLE})
        >>> sk.exact_solver(3, Fraction(24, 2))
        (True, 0, {'n': 3, 'total': Fraction(12, 1)}, {'each': 4})
        """
        fast = self._c.fast
        if fast is None:
            return None
        # the fast path's own values, numerators of those whole (as ``norm``), by name
        params = [f"k{i}" for i in range(len(self.knowns))]
        values = [f"u{i}" for i in range(len(self._fast_order))]
        body = [f"_r = _fast({', '.join(params)})", "if _r is None:", "    return None"]
        if values:
            body.append(f"({''.join(v + ', ' for v in values)}) = _r[2]")
        for v in values:
            body += [
                f"if type({v}) is not int and {v}.denominator == 1:",
                f"    {v} = {v}.numerator",
            ]
        knowns = ", ".join(f"{n!r}: {k}" for n, k in zip(self.knowns, params, strict=True))
        solved = ", ".join(f"{n!r}: {v}" for n, v in zip(self._fast_order, values, strict=True))
        body.append(f"return (_r[0], _r[1], {{{knowns}}}, {{{solved}}})")
        return build("_solved", params, body, {"_fast": fast})

    def _outside(self, kvals: dict[str, Exact], vals: dict[str, Value], branch: int) -> Instance:
        """The unique solution misses a domain: REFUTED, naming the first domain missed."""
        full = {u: vals[u] for u in self.unknowns}
        for u in self.unknowns:
            dom = self.domains.get(u)
            if dom is not None and not (c := dom.check(full[u], u)).ok:
                cand = Candidate(full, branch, c)
                return Instance(kvals, {}, Check.refuted(f"no solution: {c.reason}"), None, (cand,))
        return self._detailed(list(kvals.values()))  # unreachable: the fast path saw a miss

    def check(self, knowns: Mapping[str, object]) -> Check:
        """Just the verdict of ``instantiate``."""
        return self.instantiate(knowns).check

    def verify(self, knowns: Mapping[str, object], claimed: Mapping[str, Value]) -> Check:
        """VERIFIED iff the instance is verified and every claimed value equals its solution."""
        inst = self.instantiate(knowns)
        if not inst.check.ok:
            return inst.check
        for name, value in claimed.items():
            if name not in inst.values:
                raise InvalidArgument(f"claimed {name!r} is not an unknown {list(self.unknowns)}")
            true = inst.values[name]
            same = (
                (true == value)
                if is_rational_value(value) and is_rational_value(true)
                else is_zero(to_sympy(true) - to_sympy(value))
            )
            if same is None:
                return Check.inconclusive(
                    f"cannot decide whether {name} = {fmt(value)} equals the solution {fmt(true)}"
                )
            if not same:
                return Check.refuted(
                    f"claimed {name} = {fmt(value)} but the solution is {name} = {fmt(true)}"
                )
        return VERIFIED

    def solution_exprs(self, branch: int = 0) -> dict[str, sympy.Expr]:
        """Every unknown as an expression in the knowns, for one branch (not 'general')."""
        if self.strategy == "general":
            raise InvalidArgument("a 'general' skeleton has no symbolic solution branches")
        exprs: dict[sympy.Symbol, sympy.Expr] = {
            self._syms[u]: e for u, e in self.branches[branch].exprs.items()
        }
        for d in self.definitions:
            exprs[self._syms[d.unknown]] = sympy.together(d.expr.xreplace(exprs))
        return {u: exprs[self._syms[u]] for u in self.unknowns}

    def describe(self) -> str:
        """One line naming the skeleton: its relations and strategy."""
        return f"[{'; '.join(r.text for r in self.relations)}] ({self.strategy})"

    def __repr__(self) -> str:
        return f"Skeleton({self.describe()}, knowns={list(self.knowns)})"

    # ------------------------------------------------------------------ slow paths
    def _detailed(self, args: list[Exact]) -> Instance:
        kvals = dict(zip(self.knowns, args, strict=True))
        for name, v in kvals.items():
            dom = self.domains.get(name)
            if dom is not None:
                c = dom.check(v, f"known {name}")
                if not c.ok:
                    return Instance(kvals, {}, c)
        if self.strategy == "general":
            return self._fallback(kvals)
        if self.guard is not None:
            g = self._eval(self._c.guard, self.guard, kvals, self._args(kvals))
            if isinstance(g, Failure):
                return self._fallback(kvals)
            nonzero = g != 0 if is_rational_value(g) else is_zero(to_sympy(g)) is False
            if not nonzero:
                return self._singular(kvals, args)
        cands: list[tuple[int | None, dict[str, Value]]] = []
        rejected: list[str] = []
        for br in self.branches:
            vals = self._eval_branch(br, args, kvals)
            if isinstance(vals, Failure):
                if vals.kind == "notreal":
                    reason = f"no real value ({vals.message})"
                    if reason not in rejected:
                        rejected.append(reason)
                    continue
                if vals.kind == "toolarge":
                    return Instance(kvals, {}, Check.inconclusive(vals.message))
                return self._fallback(kvals)
            cands.append((br.index, vals))
        return self._finish(kvals, cands, rejected)

    def _singular(self, kvals: dict[str, Exact], args: list[Exact]) -> Instance:
        """A square linear core with a zero determinant: no solution or infinitely many."""
        if self._c.system is None:
            return self._fallback(kvals)
        try:
            flat = [Fraction(v) for v in self._c.system(*args)]
        except (ArithmeticError, TypeError):
            return self._fallback(kvals)
        n = len(self.core)
        rows = [flat[i * (n + 1) : (i + 1) * (n + 1)] for i in range(n)]
        rank_a, rank_ab = rank([r[:n] for r in rows]), rank(rows)
        core = ", ".join(self.core)
        if rank_ab > rank_a:
            reason = "no solution: the relations are inconsistent (zero determinant)"
        else:
            reason = f"infinitely many solutions: the relations do not determine {core}"
        return Instance(kvals, {}, Check.refuted(reason))

    def _eval_branch(
        self, br: Branch, args: list[Exact], kvals: dict[str, Exact]
    ) -> dict[str, Value] | Failure:
        if br.fn is not None:
            fn = br.fn
            got = _exactly(lambda: {u: norm(v) for u, v in zip(self.core, fn(*args), strict=True)})
            if got is not None:
                return got
        subs = {self._syms[n]: to_sympy(v) for n, v in kvals.items()}
        vals: dict[str, Value] = {}
        for u in self.core:
            out = sympy.sympify(br.exprs[u].xreplace(subs))
            if undefined(out):
                return Failure("zerodiv", "division by zero")
            if out.is_real is False:
                return Failure("notreal", f"{u} = {fmt(out)}")
            vals[u] = from_sympy(out)
        return vals

    def _eval(
        self,
        fn: Callable[..., Any] | None,
        expr: sympy.Expr,
        merged: Mapping[str, Value],
        args: list[Exact] | None,
    ) -> Value | Failure:
        """Evaluate exactly: compiled when ``args`` (all rational) is given, else sympy."""
        if fn is not None and args is not None:
            f, a = fn, args
            got = _exactly(lambda: norm(f(*a)))
            if got is not None:
                return got
        subs = {self._syms[n]: to_sympy(v) for n, v in merged.items()}
        try:
            out = sympy.sympify(expr.xreplace(subs))
        except Exception as err:  # sympy evaluation of odd values
            return Failure("error", f"sympy could not evaluate {expr}: {err}")
        if undefined(out):
            return Failure("zerodiv", "division by zero")
        return from_sympy(out)

    def _args(self, merged: Mapping[str, Value]) -> list[Exact] | None:
        """Positional arguments for compiled code, or None if a value is irrational."""
        out = [merged.get(n, 0) for n in self._names]
        return out if all(is_rational_value(v) for v in out) else None

    def _finish(
        self,
        kvals: dict[str, Exact],
        cands: list[tuple[int | None, dict[str, Value]]],
        rejected: list[str],
        note: str = "",
    ) -> Instance:
        results: list[Candidate] = []
        seen: list[dict[str, Value]] = []
        for branch, core_vals in cands:
            vals = dict(core_vals)
            check = self._check_candidate(kvals, vals)
            full = {u: vals[u] for u in self.unknowns if u in vals}
            if check.ok or check.is_inconclusive:
                if full in seen:
                    continue
                seen.append(full)
            results.append(Candidate(full, branch, check))
        good = [c for c in results if c.check.ok]
        unclear = [c for c in results if c.check.is_inconclusive]
        bad = [c.check.reason for c in results if c.check.is_refuted] + rejected
        prefix = f"{note}; " if note else ""
        if len(good) >= 2:
            sols = ", ".join(assign(c.values) for c in good)
            check = Check.refuted(f"{prefix}{len(good)} solutions: {sols}")
        elif good and not unclear:
            why = f"{prefix}other candidates excluded: {'; '.join(bad)}" if bad else note
            return Instance(
                kvals, dict(good[0].values), Check.verified(why), good[0].branch, tuple(results)
            )
        elif unclear:
            check = Check.inconclusive(prefix + "; ".join(c.check.reason for c in unclear))
        else:
            check = Check.refuted(f"{prefix}no solution" + (f": {'; '.join(bad)}" if bad else ""))
        return Instance(kvals, {}, check, None, tuple(results))

    def _check_candidate(self, kvals: dict[str, Exact], vals: dict[str, Value]) -> Check:
        merged: dict[str, Value] = {**kvals, **vals}
        args: list[Any] = [merged.get(n, 0) for n in self._names]
        numeric = all(is_rational_value(v) for v in vals.values())  # knowns are rational
        for d in self.definitions:
            if d.unknown in vals:
                continue
            v = self._eval(d.fn, d.expr, merged, args if numeric else None)
            if isinstance(v, Failure):
                where = f"{v.message} in relation {d.relation}"
                if v.kind in {"toolarge", "error"}:
                    return Check.inconclusive(where)
                return Check.refuted(f"{d.unknown} is undefined: {where}")
            vals[d.unknown] = merged[d.unknown] = args[self._pos[d.unknown]] = v
            numeric = numeric and is_rational_value(v)

        def shown() -> str:
            return assign({u: vals[u] for u in self.unknowns if u in vals})

        for i, (rel, fn) in enumerate(zip(self.relations, self._c.residuals, strict=True), 1):
            r = self._eval(fn, rel.residual, merged, args if numeric else None)
            if isinstance(r, Failure):
                if r.kind == "zerodiv":
                    return Check.refuted(
                        f"{shown()} makes a denominator zero (division by zero in relation {i})"
                    )
                if r.kind == "notreal":
                    return Check.refuted(f"relation {i} is not real at {shown()}")
                return Check.inconclusive(f"relation {i} at {shown()}: {r.message}")
            z = (r == 0) if is_rational_value(r) else is_zero(r)
            if z is None:
                return Check.inconclusive(f"cannot decide whether relation {i} holds at {shown()}")
            if not z:
                return Check.refuted(f"relation {i} {rel.text!r} does not hold at {shown()}")
        for u in self.unknowns:
            dom = self.domains.get(u)
            if dom is not None:
                c = dom.check(vals[u], u)
                if not c.ok:
                    return c
        return VERIFIED

    def _fallback(self, kvals: dict[str, Exact]) -> Instance:
        subs = {self._syms[n]: to_sympy(v) for n, v in kvals.items()}
        exprs = []
        for i, rel in enumerate(self.relations, 1):
            e = rel.residual.xreplace(subs)
            if undefined(e):
                return Instance(
                    kvals,
                    {},
                    Check.refuted(f"division by zero in relation {i} with {assign(kvals)}"),
                )
            exprs.append(e)
        out = solve_system(exprs, [self._syms[u] for u in self.unknowns])
        if out.error:
            return Instance(kvals, {}, Check.inconclusive(out.error))
        if out.infinite:
            return Instance(kvals, {}, Check.refuted(out.infinite))
        if out.no_solution:
            return Instance(kvals, {}, Check.refuted(f"no solution: {out.no_solution}"))
        cands: list[tuple[int | None, dict[str, Value]]] = [
            (None, {u: from_sympy(sol[self._syms[u]]) for u in self.unknowns})
            for sol in out.solutions
        ]
        return self._finish(kvals, cands, [])


def _exactly(compute: Callable[[], _T]) -> _T | Failure | None:
    """``compute()`` in exact arithmetic; a Failure for what has no exact value, None if inexact."""
    try:
        return compute()
    except ZeroDivisionError:
        return Failure("zerodiv", "division by zero")
    except NotReal as err:
        return Failure("notreal", str(err))
    except TooLarge as err:
        return Failure("toolarge", f"cannot evaluate exactly: {err}")
    except Inexact:
        return None


@functools.lru_cache(maxsize=1024)
def _cached(
    relations: tuple[str, ...],
    knowns: tuple[str, ...],
    unknowns: tuple[str, ...],
    domains: tuple[tuple[str, Domain], ...],
) -> Skeleton:
    return Skeleton(relations, knowns, unknowns, dict(domains))
