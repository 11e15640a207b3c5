"""Constraints by construction: draw free quantities, compute the rest exactly.

A ``Sampler`` takes a skeleton and a choice of *free* quantities with domains (the
free set may include the answer: "choose the answer first"). It solves the
relations once for the dependent quantities in terms of the free ones, then per
try draws free values from the given generator (its ``getrandbits``), computes the dependents
exactly and accepts when every domain holds and the original problem verifies
(a unique solution equal to the constructed one).

Integrality and bounds are met *by construction* wherever a dependent is linear in
a free quantity with a constant rational coefficient: ``b = a/4`` draws ``a``
among multiples of 4, ``c = (a - 3)/5`` draws ``a ≡ 3 (mod 5)``, ``d = 10 - a``
with ``d > 0`` draws ``a < 10``. Anything else falls back to rejection, tracked
by ``AcceptanceStats``; when the acceptance rate over the last ``window`` tries
drops below ``min_rate`` the sampler raises ``GenerationCollapsed``. The draw of
the free quantities is one function generated per sampler (``drawgen``). When the
construction solves the problem's own unknowns under the problem's own domains, a
try that the construction's fused fast path verifies is made into a sample from
the values it returns (``Skeleton.exact_solver``); any other try takes the general
path, through ``Skeleton.exact_instance`` (``instantiate`` without its checks).
"""

from __future__ import annotations

import math
import operator
import re
from collections import Counter, deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import sympy  # type: ignore[import-untyped, unused-ignore]

from gramgen.errors import (  # type: ignore[import-not-found, unused-ignore]
    GramgenError,
    InvalidArgument,
)
from gramgen.seeds import Rng, below  # type: ignore[import-not-found, unused-ignore]

from .codegen import Emitter, NotCompilable
from .drawgen import Constraint, Free, build_draw
from .exact import Exact, Value, as_exact, fmt, is_rational_value, norm
from .model import Domain, Problem
from .relations import symbol
from .skeleton import Instance, Skeleton
from .verdict import VERIFIED

__all__ = ["AcceptanceStats", "GenerationCollapsed", "Sample", "Sampler"]


class GenerationCollapsed(GramgenError):  # type: ignore[misc, unused-ignore]
    """Acceptance of a sampler fell below its threshold: the skeleton rarely verifies."""

    def __init__(self, skeleton: str, rate: float, window: int, top: list[tuple[str, int]]):
        self.skeleton = skeleton
        self.rate = rate
        self.top_reasons = top
        reasons = "; ".join(f"{r!r} x{n}" for r, n in top) or "none recorded"
        super().__init__(
            f"generation collapsed for skeleton {skeleton}: acceptance {rate:.2%} over the "
            f"last {window} tries; top rejection reasons: {reasons}"
        )


@dataclass
class AcceptanceStats:
    """Tries, acceptances and rejection reasons of a sampler."""

    window: int = 1000
    tries: int = 0
    accepted: int = 0
    reasons: Counter[str] = field(default_factory=Counter)
    recent: deque[bool] = field(default_factory=deque)

    @property
    def rate(self) -> float:
        """Overall acceptance rate (0.0 before the first try)."""
        return self.accepted / self.tries if self.tries else 0.0

    recent_accepted: int = 0  # how many of ``recent`` were accepted

    @property
    def recent_rate(self) -> float:
        """Acceptance rate over the last ``window`` tries."""
        return self.recent_accepted / len(self.recent) if self.recent else 0.0

    def record(self, accepted: bool, reason: str = "") -> None:
        """Count one try (and its rejection reason)."""
        self.tries += 1
        self.recent.append(accepted)
        self.recent_accepted += accepted
        if len(self.recent) > self.window:
            self.recent_accepted -= self.recent.popleft()
        if accepted:
            self.accepted += 1
        else:
            self.reasons[re.sub(r"-?\d+(?:/\d+)?", "#", reason)] += 1


@dataclass(slots=True)  # (not frozen: see Instance)
class Sample:
    """One accepted instance: all quantities, the verified instance, and the problem."""

    free: Mapping[str, Exact]
    knowns: Mapping[str, Exact]
    values: Mapping[str, Value]
    instance: Instance
    problem: Problem | None = None


def _krange(name: str, dom: Domain, step: Fraction) -> tuple[int, int]:
    lo, strict = dom.lower
    if lo is None or dom.hi is None:
        raise InvalidArgument(
            f"free quantity {name!r} needs a bounded domain to draw from, got "
            f"{dom.describe()} (use Domain.between(lo, hi) or set lo/hi)"
        )
    kmin = math.ceil(lo / step)
    if strict and kmin * step == lo:
        kmin += 1
    return kmin, math.floor(dom.hi / step)


class Sampler:
    """Draw instances of a skeleton by construction (see the module docstring).

    >>> sk = Skeleton.of(["each = total / n"], ["total", "n"], ["each"], {"each": WHOLE})
    >>> s = Sampler(sk, {"total": Domain.between(1, 100), "n": Domain.between(2, 9)})
    >>> smp = s.sample(random.Random(0)); smp.instance.check.ok
    True
    """

    def __init__(
        self,
        skeleton: Skeleton,
        free: Mapping[str, Domain],
        *,
        steps: Mapping[str, Exact] | None = None,
        template: Problem | None = None,
        window: int = 1000,
        min_rate: float = 0.01,
    ) -> None:
        names = set(skeleton.knowns) | set(skeleton.unknowns)
        bad = sorted(set(free) - names)
        if bad:
            raise InvalidArgument(f"free quantities {bad} are not in the skeleton {sorted(names)}")
        if not free:
            raise InvalidArgument("free must name at least one quantity to draw")
        if window < 1 or not 0 <= min_rate <= 1:
            raise InvalidArgument(
                f"need window >= 1 and 0 <= min_rate <= 1, got {window}, {min_rate}"
            )
        self.skeleton = skeleton
        self.template = template
        self.min_rate = min_rate
        self.stats = AcceptanceStats(window=window)
        rels = [r.text for r in skeleton.relations]
        domains = {**skeleton.domains, **free}
        dependents = sorted(names - set(free))
        self.construct = Skeleton.of(rels, list(free), dependents, domains)
        self._free: dict[str, Free] = {}
        # draws are locals of the generated draw function, named by their sorted position
        self._local = {name: f"v{i}" for i, name in enumerate(sorted(free))}
        self._emitter = Emitter({symbol(n): v for n, v in self._local.items()})
        for name, dom in free.items():
            if not isinstance(dom, Domain):
                raise InvalidArgument(f"domain of free {name!r} must be a Domain, got {dom!r}")
            step = Fraction(as_exact((steps or {}).get(name, 1), f"step of {name!r}"))
            if step <= 0 or (dom.kind == "integer" and step.denominator != 1):
                raise InvalidArgument(f"step of {name!r} must be > 0 (an integer for integers)")
            self._free[name] = Free(name, norm(step), *_krange(name, dom, step))
        self.constructed: dict[str, str] = {}
        drawn = [self._free[name] for name in self._plan(domains)]
        self._draw_free = build_draw(drawn, self._emitter, self._local)
        # the construction solves for the problem's own unknowns, under the same domains
        self._same = (
            set(free) == set(skeleton.knowns)
            and all(domains.get(u) == skeleton.domains.get(u) for u in skeleton.unknowns)
            and all(skeleton.domains.get(k) in (None, domains[k]) for k in skeleton.knowns)
        )
        # a draw's values in the order of the construction's knowns (the sorted free names)
        self._drawn_args = _values_of(self.construct.knowns)
        # the construction's fused fast path, when a verified construction is the sample
        # itself (see ``_complete``)
        self._solve = self.construct.exact_solver if self._same else None

    @classmethod
    def from_problem(cls, problem: Problem, free: Mapping[str, Domain], **options: Any) -> Sampler:
        """A sampler whose samples carry ``problem`` with the drawn numbers."""
        return cls(problem.skeleton(), free, template=problem, **options)

    def _plan(self, domains: Mapping[str, Domain]) -> list[str]:
        """Pick a carrier free quantity for each linearly-determined dependent."""
        after: dict[str, set[str]] = {n: set() for n in self._free}
        if self.construct.strategy in ("chain", "linear"):
            exprs = self.construct.solution_exprs(0)
            for dep, expr in exprs.items():
                dom = domains.get(dep)
                if dom is None:
                    continue
                for v in sorted(self._free):
                    c = self._linear_in(dep, expr, v, dom, after)
                    if c is not None:
                        self._free[v].constraints.append(c)
                        self.constructed[dep] = v
                        break
        order: list[str] = []
        pending = dict(after)
        while pending:
            ready = sorted(n for n, deps in pending.items() if not deps - set(order))
            order.append(ready[0])
            del pending[ready[0]]
        return order

    def _linear_in(
        self, dep: str, expr: sympy.Expr, v: str, dom: Domain, after: dict[str, set[str]]
    ) -> Constraint | None:
        sv = symbol(v)
        if sv not in expr.free_symbols:  # (the cheap answer of the degree test below)
            return None
        try:
            poly = sympy.Poly(expr, sv)
        except sympy.PolynomialError:
            return None
        if poly.degree() != 1:
            return None
        alpha = sympy.together(poly.coeff_monomial(sv))
        if alpha == 0:
            return None
        beta = sympy.together(poly.coeff_monomial(1))
        params = tuple(sorted(str(s) for s in (alpha.free_symbols | beta.free_symbols)))
        if any(p not in self._free for p in params) or _reaches(after, v, set(params)):
            return None
        try:
            fa, fb = self._emitter.emit(alpha), self._emitter.emit(beta)
        except NotCompilable:
            return None
        after[v] |= set(params)
        return Constraint.of(
            dep,
            fa,
            fb,
            dom,
            alpha_fixed=not alpha.free_symbols,
            beta_fixed=not beta.free_symbols,
        )

    def draw(self, rng: Rng) -> Sample | None:
        """One try: a verified Sample, or None (the reason is counted in ``stats``)."""
        getrandbits = getattr(rng, "getrandbits", None)
        if getrandbits is None:
            raise InvalidArgument(f"rng must be a random.Random or gramgen Draws, got {rng!r}")
        drawn = self._draw_free(getrandbits)
        if isinstance(drawn, str):
            return self._reject(drawn)
        return self._complete(rng, drawn)

    def _complete(self, rng: Rng, drawn: dict[str, Exact]) -> Sample | None:
        # the draw's values are exact already (ints, and Fractions not whole), one per
        # known of the construction: its instance is ``instantiate(drawn)`` without checks
        args = self._drawn_args(drawn)
        if self._solve is not None:
            found = self._solve(*args)
            if found is not None and found[0]:
                # what the general path below makes of a verified fast path's instance
                _, branch, kvals, vals = found
                return self._accept(drawn, dict(kvals), Instance(kvals, vals, VERIFIED, branch))
            # a miss or no decision: the general path (which runs the fast path again)
        built = self.construct.exact_instance(args)
        values: Mapping[str, Value] = built.values
        if not built.check.ok:
            options = [c.values for c in built.candidates if c.check.ok]
            if not options:
                return self._reject(built.check.reason or str(built.check))
            values = options[below(rng)(len(options))]
        if self._same and values is built.values:
            # the construction drew exactly the problem's knowns, and its verified
            # instance solved the problem's own relations for its unknowns within
            # their domains: that instance is the problem's (whose knowns, sorted as
            # the construction's, are the instance's in the same order)
            inst = built
            knowns = dict(built.knowns)
        else:
            full = {**drawn, **values}
            if not all(is_rational_value(full[k]) for k in self.skeleton.knowns):
                return self._reject("a known came out irrational")
            knowns = {k: norm(full[k]) for k in self.skeleton.knowns}  # type: ignore[arg-type, unused-ignore]
            inst = self.skeleton.exact_instance(tuple(knowns.values()))  # = instantiate(knowns)
            if not inst.check.ok:
                return self._reject(inst.check.reason)
            for u in self.skeleton.unknowns:
                if inst.values[u] != full[u]:
                    return self._reject(
                        f"constructed {u}={fmt(full[u])} is not the problem's solution"
                    )
        return self._accept(drawn, knowns, inst)

    def _accept(self, drawn: dict[str, Exact], knowns: dict[str, Exact], inst: Instance) -> Sample:
        self.stats.record(True)
        problem = self.template.with_knowns(knowns) if self.template is not None else None
        return Sample(drawn, knowns, dict(inst.values), inst, problem)

    def _reject(self, reason: str) -> Sample | None:
        self.stats.record(False, reason)
        s = self.stats
        if len(s.recent) >= s.window and s.recent_rate < self.min_rate:
            raise GenerationCollapsed(
                self.skeleton.describe(), s.recent_rate, s.window, s.reasons.most_common(3)
            )
        return None

    def sample(self, rng: Rng) -> Sample:
        """Draw until a try is accepted (raises GenerationCollapsed if acceptance collapses)."""
        while True:
            got = self.draw(rng)
            if got is not None:
                return got

    def samples(self, rng: Rng, n: int) -> list[Sample]:
        """``n`` accepted samples."""
        if n < 0:
            raise InvalidArgument(f"n must be >= 0, got {n}")
        return [self.sample(rng) for _ in range(n)]


def _values_of(names: tuple[str, ...]) -> Callable[[Mapping[str, Exact]], tuple[Exact, ...]]:
    """A function taking a mapping to the tuple of its values for ``names``, in order."""
    if len(names) == 1:
        (name,) = names
        return lambda mapping: (mapping[name],)
    return operator.itemgetter(*names)


def _reaches(after: dict[str, set[str]], start: str, targets: set[str]) -> bool:
    """Would making ``start`` wait for ``targets`` create a cycle?"""
    seen: set[str] = set()
    stack = list(targets)
    while stack:
        n = stack.pop()
        if n == start:
            return True
        if n not in seen:
            seen.add(n)
            stack.extend(after.get(n, ()))
    return False
