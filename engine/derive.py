"""The derivation engine: one iterative loop, one chooser protocol, a size budget.

A derivation expands symbols depth-first from an explicit stack (no Python
recursion, whatever the depth). Every choice is made by a :class:`Chooser`
among the options that still fit the size budget: each symbol's minimum size
to finish is known in advance, and ``slack`` (budget minus the minimum of what
is still pending) only ever shrinks, so every derivation terminates within the
budget, with no discarded draws.

A :class:`Derivation` records only the decisions taken (its *path*) and the
token texts; the tree is rebuilt from them on demand with :meth:`Engine.tree`.
"""

from __future__ import annotations

import math
import random
from bisect import bisect_right
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Protocol

from .analysis import INF, Analysis, Tuning
from .errors import GrammarError, InvalidArgument
from .grammar import Grammar
from .terminals import TerminalText

__all__ = [
    "Chooser",
    "Derivation",
    "Engine",
    "Node",
    "RandomChooser",
    "item_seed",
]

_MASK = (1 << 64) - 1


def item_seed(root: int, index: int) -> int:
    """The seed of item ``index`` of a run seeded ``root`` (splitmix64 mixing).

    Item *i* depends only on ``(root, i)``, so a run split across processes or
    shards produces the same items.
    """
    z = (root * 0x9E3779B97F4A7C15 + (index + 1) * 0xBF58476D1CE4E5B9) & _MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
    return z ^ (z >> 31)


class Chooser(Protocol):
    """Makes the decisions of a derivation. Every option offered fits the budget."""

    def alternative(self, sym: int, candidates: Sequence[int]) -> int:
        """One of ``candidates`` (alternative indices of rule or group ``sym``)."""
        ...

    def optional(self, sym: int) -> bool:
        """Whether to take optional ``sym``."""
        ...

    def count(self, sym: int, lo: int, hi: int) -> int:
        """How many times repetition ``sym`` repeats, in ``[lo, hi]``."""
        ...

    def below(self, n: int) -> int:
        """An integer in ``[0, n)`` (terminal text)."""
        ...


class RandomChooser:
    """Weighted random choices from a seeded ``random.Random``."""

    __slots__ = ("_cum", "_engine", "_total", "below", "rng")

    def __init__(self, engine: Engine, rng: random.Random) -> None:
        self.rng = rng
        self._engine = engine
        self._cum = engine.cum_weights
        self._total = engine.total_weights
        rand = rng.random

        def below(n: int) -> int:
            return int(rand() * n)

        self.below = below

    def alternative(self, sym: int, candidates: Sequence[int]) -> int:
        total = self._total[sym]
        if len(candidates) == len(self._cum[sym]):
            if total > 0:
                return bisect_right(self._cum[sym], self.rng.random() * total)
            return self._engine.cheapest(sym, candidates)
        weights = self._engine.weights[sym]
        sub = [weights[c] for c in candidates]
        t = sum(sub)
        if t <= 0:
            return self._engine.cheapest(sym, candidates)
        x = self.rng.random() * t
        for c, w in zip(candidates, sub, strict=True):
            x -= w
            if x < 0:
                return c
        return candidates[-1]

    def optional(self, sym: int) -> bool:
        return self.rng.random() < self._engine.p_take[sym]

    def count(self, sym: int, lo: int, hi: int) -> int:
        q = self._engine.rep_q[sym]
        if q <= 0.0 or hi == lo:
            return lo
        m = hi - lo
        u = self.rng.random()
        tail = q ** (m + 1)
        k = math.ceil(math.log(1.0 - u * (1.0 - tail)) / math.log(q)) - 1
        return lo + min(max(k, 0), m)


@dataclass(slots=True)
class Derivation:
    """One derivation: its start symbol, decisions, tokens and size."""

    start: int
    path: list[int]
    tokens: list[tuple[int, str]]
    size: int
    seed: int | None = None

    @property
    def key(self) -> tuple[int, tuple[int, ...]]:
        """Identifies the derivation's structure (terminal texts aside)."""
        return (self.start, tuple(self.path))


@dataclass(slots=True)
class Node:
    """A node of a derivation tree: a symbol, the choice made there, and children."""

    sym: int
    choice: int = -1  # alternative index, 0/1 for an optional, count for a repetition
    children: list[Node] = field(default_factory=list)
    token: int = -1  # index into Derivation.tokens for terminal nodes

    def walk(self) -> Iterator[Node]:
        """Every node below and including this one, depth-first, left to right."""
        stack = [self]
        while stack:
            n = stack.pop()
            yield n
            stack.extend(reversed(n.children))


class Engine:
    """Precomputed, integer-indexed tables for fast derivation of one grammar."""

    def __init__(
        self,
        grammar: Grammar,
        analysis: Analysis,
        terminals: dict[int, TerminalText],
        tuning: Tuning | None = None,
    ) -> None:
        self.grammar = grammar
        self.analysis = analysis
        syms = grammar.symbols
        n = len(syms)
        self.kind = [int(s.kind) for s in syms]
        self.min_size = analysis.min_size
        self.items: list[list[tuple[int, ...]]] = [[a.items for a in s.alts] for s in syms]
        self.reversed_items = [[tuple(reversed(t)) for t in its] for its in self.items]
        self.alt_extra = analysis.alt_extra
        self.max_extra = [max(x) if x else 0 for x in self.alt_extra]
        self.all_alts = [list(range(len(s.alts))) for s in syms]
        tuning = tuning or analysis.tuning()
        self.weights = tuning.alt
        self.cum_weights = [list(accumulate(w)) for w in self.weights]
        self.total_weights = [c[-1] if c else 0.0 for c in self.cum_weights]
        self.inner = [s.inner for s in syms]
        self.p_take = tuning.p_take
        self.rep_lo = [s.lo for s in syms]
        self.rep_hi = [s.hi for s in syms]
        self.rep_q = tuning.rep_q
        self.unit = [self.min_size[s.inner] if s.inner >= 0 else 0 for s in syms]
        # loop codes: 0 rule with a choice, 1 optional, 2 repetition, 3 terminal, 4 rule without
        self.code = [
            4 if k == 0 and len(its) == 1 else k
            for k, its in zip(self.kind, self.items, strict=True)
        ]
        self.single = [its[0] if len(its) == 1 else () for its in self.reversed_items]
        # cumulative weights for the inlined random choice (None where every weight is 0)
        self.fast_cum: list[list[float] | None] = [
            c if t > 0 else None for c, t in zip(self.cum_weights, self.total_weights, strict=True)
        ]
        self.terminals = terminals
        self.term_const: list[str | None] = [None] * n
        self.term_gen: list[TerminalText | None] = [None] * n
        self.term_fn: list[Callable[[Callable[[int], int]], str] | None] = [None] * n
        for sid, t in terminals.items():
            self.term_gen[sid] = t
            self.term_const[sid] = t.constant
            self.term_fn[sid] = t.fast()
        # alternatives ordered cheapest first (for shrinking toward small derivations)
        self.by_cost = [sorted(range(len(x)), key=x.__getitem__) for x in self.alt_extra]

    def cheapest(self, sym: int, candidates: Sequence[int]) -> int:
        extra = self.alt_extra[sym]
        return min(candidates, key=lambda c: (extra[c], c))

    def derive(self, start: int, chooser: Chooser, max_size: int) -> Derivation:
        """One derivation of ``start`` with at most ``max_size`` nodes."""
        min_size = self.min_size[start]
        if min_size >= INF:
            name = self.grammar.symbols[start].name
            raise GrammarError(f"rule {name!r} can never finish (it is unproductive)")
        if max_size < min_size:
            raise InvalidArgument(
                f"max_size={max_size} is below the smallest derivation of "
                f"{self.grammar.symbols[start].name!r} ({min_size} nodes)"
            )
        slack = max_size - min_size
        code = self.code
        single = self.single
        items = self.reversed_items
        alt_extra = self.alt_extra
        max_extra = self.max_extra
        all_alts = self.all_alts
        term_const = self.term_const
        term_fn = self.term_fn
        inner = self.inner
        unit = self.unit
        rep_lo = self.rep_lo
        rep_hi = self.rep_hi
        min_sz = self.min_size
        below = chooser.below
        # the weighted random chooser's common case (every alternative fits) is inlined
        rand: Callable[[], float]
        fast: list[list[float] | None]
        if type(chooser) is RandomChooser:
            rand, fast = chooser.rng.random, self.fast_cum
        else:  # every choice goes through the chooser
            rand, fast = float, [None] * len(code)
        totals = self.total_weights
        path: list[int] = []
        tokens: list[tuple[int, str]] = []
        record = path.append
        emit = tokens.append
        stack = [start]
        pop = stack.pop
        extend = stack.extend
        while stack:
            s = pop()
            k = code[s]
            if k == 0:  # a rule or group with alternatives
                if max_extra[s] <= slack:
                    cum = fast[s]
                    if cum is not None:
                        a = bisect_right(cum, rand() * totals[s])
                    else:
                        a = chooser.alternative(s, all_alts[s])
                else:
                    ex = alt_extra[s]
                    a = chooser.alternative(s, [i for i in all_alts[s] if ex[i] <= slack])
                record(a)
                slack -= alt_extra[s][a]
                extend(items[s][a])
            elif k == 3:  # a terminal
                c = term_const[s]
                if c is None:
                    fn = term_fn[s]
                    if fn is None:
                        raise GrammarError(f"no text generator for terminal {s}")
                    c = fn(below)
                emit((s, c))
            elif k == 4:  # a rule with one alternative
                extend(single[s])
            elif k == 1:  # an optional
                cost = min_sz[inner[s]]
                if cost <= slack and chooser.optional(s):
                    record(1)
                    slack -= cost
                    stack.append(inner[s])
                else:
                    record(0)
            else:  # a repetition
                lo = rep_lo[s]
                u = unit[s]
                hi = lo + slack // u
                if rep_hi[s] >= 0 and hi > rep_hi[s]:
                    hi = rep_hi[s]
                cnt = chooser.count(s, lo, hi) if hi > lo else lo
                record(cnt)
                slack -= (cnt - lo) * u
                if cnt:
                    extend([inner[s]] * cnt)
        return Derivation(start, path, tokens, max_size - slack)

    def tree(self, d: Derivation) -> Node:
        """Rebuild the derivation tree from the path (no randomness involved)."""
        kind = self.kind
        items = self.items
        path = iter(d.path)
        root = Node(d.start)
        stack = [root]
        tok = 0
        while stack:
            node = stack.pop()
            s = node.sym
            k = kind[s]
            if k == 3:
                node.token = tok
                tok += 1
                continue
            if k == 0:
                its = items[s]
                a = 0 if len(its) == 1 else next(path)
                node.choice = a
                node.children = [Node(i) for i in its[a]]
            elif k == 1:
                node.choice = next(path)
                node.children = [Node(self.inner[s])] if node.choice else []
            else:
                node.choice = next(path)
                node.children = [Node(self.inner[s]) for _ in range(node.choice)]
            stack.extend(reversed(node.children))
        return root
