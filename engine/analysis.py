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
>>> a.counts(g.start_symbol, 6)
[0, 0, 1, 0, 0, 1, 0]
"""

from __future__ import annotations

import contextlib
import functools
from dataclasses import dataclass
from typing import Any

import numpy as np

from .grammar import Grammar, Kind

__all__ = ["INF", "Analysis", "Criticality"]

INF = 1 << 60


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
        self._count_cache: dict[int, _Counts] = {}

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

        Damping below 1 makes every choice the author did not write favour what
        finishes sooner, as a Boltzmann sampler does: an alternative's weight,
        the odds of taking an optional and the ratio of a repetition's count are
        each multiplied by ``damping`` to the power of the extra tokens they cost.
        """
        syms = self.grammar.symbols
        alt: list[list[float]] = []
        p_take: list[float] = []
        rep_q: list[float] = []
        for s in syms:
            ws = []
            for a, x in zip(s.alts, self.alt_extra_tokens[s.id] or [0] * len(s.alts), strict=True):
                if x >= INF:
                    ws.append(0.0)
                elif a.explicit or damping == 1.0:
                    ws.append(a.weight)
                else:
                    ws.append(a.weight * damping**x)
            alt.append(ws)
            cost = self.min_tokens[s.inner] if s.inner >= 0 else 0
            scale = 1.0 if s.explicit or cost >= INF else damping ** min(cost, 10_000)
            if s.inner >= 0 and self.min_size[s.inner] >= INF:
                scale = 0.0
            p = s.p_take * scale
            p_take.append(p / (p + 1.0 - s.p_take) if p > 0 else 0.0)
            q = s.mean_extra / (1.0 + s.mean_extra)
            rep_q.append(q * scale)
        return Tuning(damping, alt, p_take, rep_q)

    def mean_matrix(self, damping: float = 1.0) -> tuple[np.ndarray, list[int]]:
        """Expected number of each child per expansion, over reachable productive symbols."""
        syms = self.grammar.symbols
        idx = [s.id for s in syms if self.reachable[s.id] and self.productive[s.id]]
        where = {sid: k for k, sid in enumerate(idx)}
        tuning = self.tuning(damping)
        weights = tuning.alt
        m = np.zeros((len(idx), len(idx)))
        for sid in idx:
            s = syms[sid]
            row = where[sid]
            if s.kind is Kind.RULE:
                ws = weights[sid]
                total = sum(ws)
                if total <= 0:  # every weight zero: the cheapest alternative is taken
                    cheapest = self.alt_extra[sid].index(0)
                    ws = [1.0 if i == cheapest else 0.0 for i in range(len(ws))]
                    total = 1.0
                for a, w in zip(s.alts, ws, strict=True):
                    if w > 0:
                        for i in a.items:
                            m[row, where[i]] += w / total
            elif s.kind is Kind.OPT:
                m[row, where[s.inner]] += tuning.p_take[sid]
            elif s.kind is Kind.REP:
                dist = repetition_distribution(s.lo, s.hi, tuning.rep_q[sid], cap=s.lo + 2000)
                mean = sum((s.lo + k) * p for k, p in enumerate(dist))
                m[row, where[s.inner]] += mean
        return m, idx

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
        try:
            with _one_blas_thread():
                sol = np.linalg.solve(np.eye(len(idx)) - m, rhs)
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

    def damping_for(self, start: int, target: float) -> float:
        """The damping (1 if none is needed) bringing the expected token count near ``target``."""
        sizes = self.expected_sizes(1.0, tokens=True)
        if sizes is not None and sizes.get(start, 0.0) <= target:
            return 1.0
        lo, hi = 0.0, 1.0
        for _ in range(14):
            mid = (lo + hi) / 2
            sizes = self.expected_sizes(mid, tokens=True)
            if sizes is not None and sizes.get(start, 0.0) <= target:
                lo = mid
            else:
                hi = mid
        return lo if lo > 0 else 1e-6

    # -- counting -----------------------------------------------------------------------

    def counts(self, sym: int, max_size: int) -> list[int]:
        """Exact number of derivations of ``sym`` of each size 0..max_size."""
        return self.counter(max_size).table[sym][: max_size + 1]

    def counter(self, max_size: int) -> _Counts:
        for size, c in self._count_cache.items():
            if size >= max_size:
                return c
        c = _Counts(self, max_size)
        self._count_cache = {max_size: c}
        return c


class _Counts:
    """Counts of derivations by size for every symbol, up to ``n``.

    ``table[s][k]`` is the number of derivations of symbol ``s`` with exactly
    ``k`` nodes; ``suffix[(s, a)][j][k]`` counts the sequences of items
    ``j..`` of alternative ``a`` of total size ``k``; ``powers[s][j][k]``
    counts sequences of ``j`` derivations of a repetition's inner symbol.
    """

    def __init__(self, analysis: Analysis, n: int) -> None:
        g = analysis.grammar
        self.n = n
        syms = g.symbols
        nsym = len(syms)
        table = [[0] * (n + 1) for _ in range(nsym)]
        suffix: dict[tuple[int, int], list[list[int]]] = {}
        powers: dict[int, list[list[int]]] = {}
        for s in syms:
            if s.kind is Kind.RULE:
                for a in s.alts:
                    m = len(a.items)
                    arr = [[0] * (n + 1) for _ in range(m + 1)]
                    arr[m][0] = 1
                    suffix[(s.id, a.index)] = arr
            elif s.kind is Kind.REP:
                top = n if s.hi < 0 else min(s.hi, n)
                arr = [[0] * (n + 1) for _ in range(top + 1)]
                arr[0][0] = 1
                powers[s.id] = arr
        order = list(syms)
        for k in range(1, n + 1):
            for s in order:
                sid = s.id
                if s.kind is Kind.TERM:
                    table[sid][k] = 1 if k == 1 else 0
                elif s.kind is Kind.OPT:
                    table[sid][k] = (1 if k == 1 else 0) + table[s.inner][k - 1]
                elif s.kind is Kind.REP:
                    pw = powers[sid]
                    hi = len(pw) - 1
                    table[sid][k] = sum(pw[j][k - 1] for j in range(s.lo, hi + 1))
                else:
                    table[sid][k] = sum(suffix[(sid, a.index)][0][k - 1] for a in s.alts)
            # sequences of total size k, now that every table[.][<=k] is known
            for s in order:
                if s.kind is Kind.RULE:
                    for a in s.alts:
                        arr = suffix[(s.id, a.index)]
                        items = a.items
                        for j in range(len(items) - 1, -1, -1):
                            col = table[items[j]]
                            nxt = arr[j + 1]
                            arr[j][k] = sum(col[t] * nxt[k - t] for t in range(1, k + 1))
                elif s.kind is Kind.REP:
                    pw = powers[s.id]
                    col = table[s.inner]
                    for j in range(1, len(pw)):
                        prev = pw[j - 1]
                        pw[j][k] = sum(col[t] * prev[k - t] for t in range(1, k + 1))
        self.table = table
        self.suffix = suffix
        self.powers = powers
