"""What can be known about a grammar before sampling it.

Size is counted in derivation-tree nodes: one per rule or group expansion, one
per optional or repetition, one per token. Every node counts at least one, so
for each size there are finitely many derivations, and a size budget bounds the
work of a derivation.

>>> from gramgen.grammar import Grammar
>>> g = Grammar.from_string('start: "(" start ")" | "x"')
>>> a = Analysis(g)
>>> a.min_size[g.start_symbol]
2

Counting derivations by size is :mod:`gramgen.counting`'s.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .grammar import Grammar, Kind

__all__ = ["INF", "Analysis", "Criticality", "on_cycle"]

INF = 1 << 60
_REP_CAP = 2000  # counts of an unbounded repetition the expected size considers


@dataclass(frozen=True, slots=True)
class Criticality:
    """The branching behaviour of the weighted grammar (ignoring the size budget)."""

    spectral_radius: float
    expected_size: float  # inf when supercritical

    @property
    def supercritical(self) -> bool:
        return self.spectral_radius >= 1.0


@dataclass(frozen=True, slots=True)
class Tuning:
    """The probabilities a random derivation uses, after damping.

    ``alt[s][a]`` is the weight of alternative ``a`` of rule ``s``; ``p_take[s]``
    the probability of taking optional ``s``; ``rep_q[s]`` the ratio of the
    geometric distribution of a repetition's extra count.
    """

    damping: float
    alt: list[list[float]]
    p_take: list[float]
    rep_q: list[float]


def repetition_mean(lo: int, hi: int, q: float, cap: int) -> float:
    """The mean of :func:`repetition_distribution` (in closed form where that is exact)."""
    top = cap if hi < 0 else min(hi, cap)
    m = max(top, lo) - lo
    if q <= 0 or m == 0:
        return float(lo)
    if q > 1.0 - 1e-3:  # the closed form loses precision: add up the terms
        dist = repetition_distribution(lo, hi, q, cap)
        return sum((lo + k) * p for k, p in enumerate(dist))
    qm = q**m
    total = (1.0 - qm * q) / (1.0 - q)  # sum of q**k, k = 0..m
    moment = q * (1.0 - (m + 1) * qm + m * qm * q) / (1.0 - q) ** 2  # sum of k * q**k
    return lo + moment / total


def repetition_distribution(lo: int, hi: int, q: float, cap: int) -> list[float]:
    """Probabilities of the counts lo..top of a repetition (geometric with ratio ``q``).

    ``hi`` of -1 means unbounded, and ``cap`` bounds what is listed.
    """
    top = cap if hi < 0 else min(hi, cap)
    top = max(top, lo)
    if q <= 0:
        return [1.0] + [0.0] * (top - lo)
    ps = [q**k for k in range(top - lo + 1)]
    total = sum(ps)
    return [p / total for p in ps]


@functools.cache
def _blas() -> Any:
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def _one_blas_thread() -> contextlib.AbstractContextManager[Any]:
    """BLAS on one thread for the small systems solved here: a multithreaded
    OpenBLAS spins its threads on a busy machine (a worker pool, a CI box), and a
    100x100 solve then takes ~100 ms instead of ~0.3 ms."""
    return _blas().limit(limits=1, user_api="blas")  # type: ignore[no-any-return]


class Analysis:
    """Minimum sizes, reachability, productivity, expected size and counts by size."""

    def __init__(self, grammar: Grammar) -> None:
        self.grammar = grammar
        syms = grammar.symbols
        n = len(syms)
        self.min_size = self._min_sizes()
        self.reachable = self._reachable(*(grammar.rule_symbol(r) for r in grammar.starts))
        self.productive = [m < INF for m in self.min_size]
        # extra size each choice costs beyond the symbol's minimum
        self.alt_extra: list[list[int]] = [[] for _ in range(n)]
        for s in syms:
            if s.kind is Kind.RULE:
                base = self.min_size[s.id]
                self.alt_extra[s.id] = [
                    (self._alt_cost(a.items) - base) if self._alt_cost(a.items) < INF else INF
                    for a in s.alts
                ]
        # the same in tokens, which damping uses: chains of rules that only pass
        # through to one another cost nodes but no text
        self.min_tokens = self._min_sizes(node=0)
        self.alt_extra_tokens: list[list[int]] = [[] for _ in range(n)]
        for s in syms:
            if s.kind is Kind.RULE:
                costs = [
                    sum(self.min_tokens[i] for i in a.items) if x < INF else INF
                    for a, x in zip(s.alts, self.alt_extra[s.id], strict=True)
                ]
                base = min(costs) if costs else 0
                self.alt_extra_tokens[s.id] = [c - base if c < INF else INF for c in costs]
        # whether each symbol lies on a cycle (occurs inside itself): only those are damped
        self.cyclic = on_cycle([self.children(s.id) for s in syms])
        self._layout: _MeanLayout | None = None

    def _alt_cost(self, items: tuple[int, ...]) -> int:
        total = 1
        for i in items:
            total += self.min_size[i]
            if total >= INF:
                return INF
        return total

    def _min_sizes(self, node: int = 1) -> list[int]:
        """Smallest size of each symbol's derivations; ``node=0`` counts tokens only."""
        syms = self.grammar.symbols
        best = [INF] * len(syms)
        changed = True
        while changed:
            changed = False
            for s in syms:
                if s.kind is Kind.TERM:
                    v = 1
                elif s.kind is Kind.OPT:
                    v = node
                elif s.kind is Kind.REP:
                    v = min(node + s.lo * best[s.inner], INF)
                else:
                    v = INF
                    for a in s.alts:
                        c = node
                        for i in a.items:
                            c += best[i]
                        v = min(v, c)
                if v < best[s.id]:
                    best[s.id] = v
                    changed = True
        return best

    def children(self, sym: int) -> list[int]:
        s = self.grammar.symbols[sym]
        if s.kind is Kind.RULE:
            return [i for a in s.alts for i in a.items]
        if s.kind in (Kind.OPT, Kind.REP):
            return [s.inner]
        return []

    def _reachable(self, *starts: int) -> list[bool]:
        seen = [False] * len(self.grammar.symbols)
        stack = list(starts)
        for s in starts:
            seen[s] = True
        while stack:
            for c in self.children(stack.pop()):
                if not seen[c]:
                    seen[c] = True
                    stack.append(c)
        return seen

    def reachable_from(self, start: int) -> list[bool]:
        return self._reachable(start)

    # -- expected size ------------------------------------------------------------------

    def tuning(self, damping: float = 1.0) -> Tuning:
        """Weights and probabilities after damping by ``damping**extra``.

        Damping below 1 makes every choice the author did not write at a symbol on
        a cycle of the grammar (one that can occur inside itself) favour what finishes
        sooner, as a Boltzmann sampler does: an alternative's weight, the odds of
        taking an optional and the ratio of a repetition's count are each multiplied
        by ``damping`` to the power of the extra tokens they cost. Choices on no cycle
        keep their weights: each is made a bounded number of times per derivation, so
        they cannot make derivations explode, and damping them would only starve the
        top of a grammar (``file_input: (_NEWLINE | stmt)*`` of its statements).
        """
        syms = self.grammar.symbols
        cyclic = self.cyclic
        alt: list[list[float]] = []
        p_take: list[float] = []
        rep_q: list[float] = []
        for s in syms:
            damped = damping != 1.0 and cyclic[s.id]
            ws = []
            for a, x in zip(s.alts, self.alt_extra_tokens[s.id] or [0] * len(s.alts), strict=True):
                if x >= INF:
                    ws.append(0.0)
                elif a.explicit or not damped:
                    ws.append(a.weight)
                else:
                    ws.append(a.weight * damping**x)
            alt.append(ws)
            cost = self.min_tokens[s.inner] if s.inner >= 0 else 0
            scale = 1.0 if s.explicit or not damped or cost >= INF else damping ** min(cost, 10_000)
            if s.inner >= 0 and self.min_size[s.inner] >= INF:
                scale = 0.0
            p = s.p_take * scale
            p_take.append(p / (p + 1.0 - s.p_take) if p > 0 else 0.0)
            q = s.mean_extra / (1.0 + s.mean_extra)
            rep_q.append(q * scale)
        return Tuning(damping, alt, p_take, rep_q)

    def _mean_layout(self) -> _MeanLayout:
        if self._layout is None:
            self._layout = _MeanLayout(self)
        return self._layout

    def mean_matrix(self, damping: float = 1.0) -> tuple[np.ndarray, list[int]]:
        """Expected number of each child per expansion, over reachable productive symbols."""
        lay = self._mean_layout()
        syms = self.grammar.symbols
        tuning = self.tuning(damping)
        weights = tuning.alt
        # each alternative's probability, in the layout's order of alternatives
        probs: list[float] = []
        for sid in lay.rules:
            ws = weights[sid]
            total = sum(ws)
            if total > 0:
                probs += [w / total for w in ws]
            else:  # every weight zero: the cheapest alternative is taken
                cheapest = self.alt_extra[sid].index(0)
                probs += [1.0 if i == cheapest else 0.0 for i in range(len(ws))]
        vals = np.asarray(probs)[lay.alt_of] if lay.alt_of.size else np.zeros(0)
        tail = [tuning.p_take[sid] for sid in lay.optionals]
        for sid in lay.repetitions:
            s = syms[sid]
            tail.append(repetition_mean(s.lo, s.hi, tuning.rep_q[sid], cap=s.lo + _REP_CAP))
        n = len(lay.idx)
        values = np.concatenate([vals, np.asarray(tail)])
        m = np.bincount(lay.cells, weights=values, minlength=n * n).reshape(n, n)
        return m, list(lay.idx)

    def expected_sizes(
        self, damping: float = 1.0, *, tokens: bool = False
    ) -> dict[int, float] | None:
        """Expected derivation size (or token count) of each reachable symbol.

        None if supercritical. Solves ``(I - M) x = 1``: a positive solution
        exists exactly when the spectral radius of ``M`` is below 1.
        """
        m, idx = self.mean_matrix(damping)
        if not idx:
            return {}
        syms = self.grammar.symbols
        rhs = np.ones((len(idx), 2))
        rhs[:, 1] = [1.0 if syms[sid].kind is Kind.TERM else 0.0 for sid in idx]
        system = np.negative(m, out=m)
        system.flat[:: len(idx) + 1] += 1.0  # I - M
        try:
            with _one_blas_thread():
                sol = np.linalg.solve(system, rhs)
        except np.linalg.LinAlgError:
            return None
        if not np.all(np.isfinite(sol)) or np.any(sol[:, 0] < 1.0 - 1e-9):
            return None
        col = sol[:, 1 if tokens else 0]
        return {sid: float(col[k]) for k, sid in enumerate(idx)}

    def criticality(self, damping: float = 1.0) -> Criticality:
        """Spectral radius of the mean matrix and the expected derivation size."""
        m, idx = self.mean_matrix(damping)
        if not idx:
            return Criticality(0.0, float("inf"))
        with _one_blas_thread():
            rho = float(max(abs(np.linalg.eigvals(m))))
        sizes = self.expected_sizes(damping)
        size = float("inf") if sizes is None else sizes[self.grammar.start_symbol]
        return Criticality(rho, size)

    def damping_for(self, start: int, extra: float) -> float:
        """The damping (1 if none is needed) with which recursion adds about ``extra``
        tokens to the expected token count of ``start``.

        The count it adds to is the one as damping tends to 0, where every choice on
        a cycle takes its cheapest alternative and the parts on no cycle (a file's
        list of statements) keep their size. The result is the largest damping (to
        within 2**-14) whose expected count is at most that plus ``extra``: finite, so
        the damped derivations are subcritical. If no damping brings the count that
        low (recursion that costs no token), a tiny one.
        """
        top = self._expected_tokens(start, 1.0)
        if top is not None and top <= extra:
            return 1.0
        base = self._expected_tokens(start, 0.0)
        aim = (base or 0.0) + extra
        if top is not None and top <= aim:
            return 1.0
        lo, hi = 0.0, 1.0
        for _ in range(14):
            mid = (lo + hi) / 2
            size = self._expected_tokens(start, mid)
            if size is not None and size <= aim:
                lo = mid
            else:
                hi = mid
        return lo if lo > 0 else 1e-6

    def _expected_tokens(self, start: int, damping: float) -> float | None:
        sizes = self.expected_sizes(damping, tokens=True)
        return None if sizes is None else sizes.get(start, 0.0)


class _MeanLayout:
    """Where each entry of the mean matrix comes from (built once per grammar).

    Rows and columns are the reachable productive symbols, ``idx``. ``rules`` lists
    the rules and groups whose alternatives' probabilities come first in the
    entries' values (in that order, every alternative); then one value for each
    of ``optionals`` and of ``repetitions``. Entry ``e`` adds its value to the
    cell ``cells[e]`` of ``m`` (row-major); ``alt_of[e]`` is the alternative of a
    rule's entry.
    """

    def __init__(self, analysis: Analysis) -> None:
        syms = analysis.grammar.symbols
        self.idx = [s.id for s in syms if analysis.reachable[s.id] and analysis.productive[s.id]]
        where = {sid: k for k, sid in enumerate(self.idx)}
        self.rules: list[int] = []
        self.optionals: list[int] = []
        self.repetitions: list[int] = []
        rows: list[int] = []
        cols: list[int] = []
        alt_of: list[int] = []
        first = 0  # index of the rule's first alternative among all listed
        for sid in self.idx:
            s = syms[sid]
            if s.kind is not Kind.RULE:
                continue
            self.rules.append(sid)
            for a, x in zip(s.alts, analysis.alt_extra[sid], strict=True):
                if x < INF:  # else its weight is 0: it adds nothing
                    for i in a.items:
                        rows.append(where[sid])
                        cols.append(where[i])
                        alt_of.append(first + a.index)
            first += len(s.alts)
        tail_rows: list[int] = []
        tail_cols: list[int] = []
        for kind, listed in ((Kind.OPT, self.optionals), (Kind.REP, self.repetitions)):
            for sid in self.idx:
                s = syms[sid]
                if s.kind is kind and s.inner in where:  # else never taken (p or count 0)
                    listed.append(sid)
                    tail_rows.append(where[sid])
                    tail_cols.append(where[s.inner])
        n = len(self.idx)
        self.cells = np.asarray(rows + tail_rows, dtype=np.intp) * n + np.asarray(
            cols + tail_cols, dtype=np.intp
        )
        self.alt_of = np.asarray(alt_of, dtype=np.intp)


def on_cycle(children: Sequence[Sequence[int]]) -> list[bool]:
    """Which nodes of a graph lie on a cycle (Tarjan's algorithm, without recursion).

    >>> on_cycle([[1], [0], [0, 2], []])
    [True, True, True, False]
    """
    n = len(children)
    index = [-1] * n
    low = [0] * n
    on = [False] * n
    out = [False] * n
    scc: list[int] = []
    counter = 0
    for root in range(n):
        if index[root] >= 0:
            continue
        work = [(root, 0)]
        while work:
            v, i = work.pop()
            if i == 0:
                index[v] = low[v] = counter
                counter += 1
                scc.append(v)
                on[v] = True
            kids = children[v]
            if i < len(kids):
                work.append((v, i + 1))
                w = kids[i]
                if index[w] < 0:
                    work.append((w, 0))
                elif on[w]:
                    low[v] = min(low[v], index[w])
                continue
            if low[v] == index[v]:
                members = []
                while True:
                    w = scc.pop()
                    on[w] = False
                    members.append(w)
                    if w == v:
                        break
                if len(members) > 1 or v in children[v]:
                    for w in members:
                        out[w] = True
            if work:
                u = work[-1][0]
                low[u] = min(low[u], low[v])
    return out
