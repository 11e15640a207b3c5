"""The derivation engine: one iterative loop, one chooser protocol, a size budget.

A derivation expands symbols depth-first from an explicit stack (no Python
recursion, whatever the depth). Every choice is made by a :class:`Chooser`
among the options that still fit the size budget: each symbol's minimum size
to finish is known in advance, and ``slack`` (budget minus the minimum of what
is still pending) only ever shrinks, so every derivation terminates within the
budget, with no discarded draws.

A :class:`Derivation` records only the decisions taken (its *path*) and the
token texts; the tree is rebuilt from them on demand with :meth:`Engine.tree`.

With the weighted :class:`RandomChooser`, a grammar's derivations are, after a few
hundred, run by Python code written for that grammar (:meth:`Engine.compiled`): the
same draws in the same order as the loop, so the same derivations, several times faster.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate
from sys import getrecursionlimit
from typing import Protocol

from ._regex import Draw
from .analysis import INF, Analysis, Tuning, on_cycle
from .errors import GrammarError, InvalidArgument
from .grammar import Grammar
from .seeds import Rng, item_seed
from .terminals import TerminalText

__all__ = [
    "Chooser",
    "Derivation",
    "Engine",
    "Node",
    "RandomChooser",
    "item_seed",
]


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
    """Weighted random choices from a seeded generator (``random.Random`` or a problem's
    :class:`~gramgen.seeds.Draws`)."""

    __slots__ = (
        "_below",
        "_cum",
        "_engine",
        "_log_q",
        "_p_take",
        "_rand",
        "_rep_q",
        "_rng",
        "_total",
        "below",
        "rng",
    )

    def __init__(self, engine: Engine, rng: Rng) -> None:
        self.rng = rng
        self._engine = engine
        self._cum = engine.cum_weights
        self._total = engine.total_weights
        self._p_take = engine.p_take
        self._rep_q = engine.rep_q
        self._log_q = engine.rep_log_q
        rand = rng.random

        def below(n: int) -> int:
            return int(rand() * n)

        self.below = below
        # what the compiled derivation draws with, while rng and below are these
        self._rng = rng
        self._rand = rand
        self._below = below

    def alternative(self, sym: int, candidates: Sequence[int]) -> int:
        cum = self._cum[sym]
        if len(candidates) == len(cum):
            total = self._total[sym]
            if total > 0:
                return bisect_right(cum, self.rng.random() * total)
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
        return self.rng.random() < self._p_take[sym]

    def count(self, sym: int, lo: int, hi: int) -> int:
        q = self._rep_q[sym]
        if q <= 0.0 or hi == lo:
            return lo
        m = hi - lo
        u = self.rng.random()
        tail = q ** (m + 1)
        k = math.ceil(math.log(1.0 - u * (1.0 - tail)) / self._log_q[sym]) - 1
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
        self.rep_log_q = [math.log(q) if q > 0.0 else 0.0 for q in self.rep_q]
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
        self._no_fast: list[list[float] | None] = [None] * n
        # what the general loop reads, in the order it unpacks them (one load, not 14)
        self._tables = (
            self.code,
            self.single,
            self.reversed_items,
            self.alt_extra,
            self.max_extra,
            self.all_alts,
            self.term_const,
            self.term_fn,
            self.inner,
            self.unit,
            self.rep_lo,
            self.rep_hi,
            self.min_size,
            self.total_weights,
        )
        self._compiled: dict[int, _CompiledDerive] = {}
        self._uses: dict[int, int] = {}

    def cheapest(self, sym: int, candidates: Sequence[int]) -> int:
        extra = self.alt_extra[sym]
        return min(candidates, key=lambda c: (extra[c], c))

    def derive(self, start: int, chooser: Chooser, max_size: int) -> Derivation:
        """One derivation of ``start`` with at most ``max_size`` nodes.

        With a :class:`RandomChooser` (not a subclass) the derivation runs, after
        :data:`COMPILE_AFTER` calls, in Python code compiled for this grammar and start
        symbol (:meth:`compiled`): the same draws in the same order, so the same
        derivation.
        """
        if (
            type(chooser) is RandomChooser
            and chooser.rng is chooser._rng
            and chooser.below is chooser._below
        ):
            fn = self._compiled.get(start) or self._compile_when_used(start)
            if fn is not None:  # it checks max_size as below
                return fn(chooser._rand, chooser, max_size, getrecursionlimit())
        min_size = self.min_size[start]
        if min_size >= INF:
            raise self._unproductive(start)
        if max_size < min_size:
            raise self._too_small(start, max_size)
        slack = max_size - min_size
        path: list[int] = []
        tokens: list[tuple[int, str]] = []
        slack = self.expand([start], slack, chooser, path, tokens)
        return Derivation(start, path, tokens, max_size - slack)

    def derive_random(self, start: int, rng: Rng, max_size: int) -> Derivation:
        """``derive(start, RandomChooser(self, rng), max_size)``: the same derivation,
        without making the chooser once the compiled derivation runs (it makes one only
        where it hands a draw to one: a subtree deeper than it goes, a choice among the
        alternatives that still fit, a terminal's own text function)."""
        fn = self._compiled.get(start)
        if fn is not None:  # it checks max_size as derive does
            return fn(rng.random, None, max_size, getrecursionlimit())
        return self.derive(start, RandomChooser(self, rng), max_size)

    def expand(
        self,
        stack: list[int],
        slack: int,
        chooser: Chooser,
        path: list[int],
        tokens: list[tuple[int, str]],
    ) -> int:
        """Expand the symbols of ``stack`` (last first), appending to ``path`` and ``tokens``.

        Returns the slack left. This is the general loop: every chooser, any depth.
        """
        (
            code,
            single,
            items,
            alt_extra,
            max_extra,
            all_alts,
            term_const,
            term_fn,
            inner,
            unit,
            rep_lo,
            rep_hi,
            min_sz,
            totals,
        ) = self._tables
        below = chooser.below
        # the weighted random chooser's common case (every alternative fits) is inlined
        rand: Callable[[], float]
        fast: list[list[float] | None]
        if type(chooser) is RandomChooser:
            rand, fast = chooser.rng.random, self.fast_cum
        else:  # every choice goes through the chooser
            rand, fast = float, self._no_fast
        record = path.append
        emit = tokens.append
        pop = stack.pop
        push = stack.append
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
                    push(inner[s])
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
        return slack

    def _unproductive(self, start: int) -> GrammarError:
        name = self.grammar.symbols[start].name
        return GrammarError(f"rule {name!r} can never finish (it is unproductive)")

    def _too_small(self, start: int, max_size: int) -> InvalidArgument:
        return InvalidArgument(
            f"max_size={max_size} is below the smallest derivation of "
            f"{self.grammar.symbols[start].name!r} ({self.min_size[start]} nodes)"
        )

    # -- the compiled derivation -----------------------------------------------------------

    def _compile_when_used(self, start: int) -> _CompiledDerive | None:
        """The compiled derivation of ``start`` once it has been asked for often enough."""
        uses = self._uses.get(start, 0) + 1
        self._uses[start] = uses
        if uses < COMPILE_AFTER:
            return None
        try:
            return self.compiled(start)
        except (SyntaxError, RecursionError, MemoryError, ValueError):
            # too large for Python's compiler: the general loop does the same
            self._uses[start] = -(1 << 62)
            return None

    def compiled(self, start: int) -> _CompiledDerive:
        """Python code specialised to this grammar that derives ``start`` as :meth:`derive`
        does with a :class:`RandomChooser` (compiled once, then cached).

        It is called as ``fn(rand, chooser, max_size, recursion_limit)`` with ``rand``
        the chooser's ``rng.random`` (``chooser`` None: one is made if needed, of
        ``rand``'s generator) and returns the :class:`Derivation`: every draw is
        the general loop's, in the same order. It nests Python calls at most 50 deep
        (and an eighth of the recursion limit): deeper subtrees are left to
        :meth:`expand`, so a caller needs that much room below the recursion limit,
        as for any library call. Terminal texts that are not constants are looked up
        in :attr:`term_const` at each use, so that setting an entry that is None still
        takes effect.
        """
        fn = self._compiled.get(start)
        if fn is None:
            if self.min_size[start] >= INF:
                raise self._unproductive(start)
            fn = _Compiler(self).compile(start)
            self._compiled[start] = fn
        return fn

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


# ---------------------------------------------------------------------------------------------
# The compiled derivation
#
# Each rule, group, optional, repetition and terminal becomes Python statements that make the
# decision the general loop makes there, with the grammar's numbers written in as constants,
# then expand the children in order: a recursive descent visits the nodes in the same order
# as the loop's stack (depth-first, left to right), so the slack and every draw are the same.
# Symbols on a cycle of the grammar become functions; the others are written inline where
# they are used, as long as they are small. Functions pass on a depth budget: where it runs
# out, the subtree is left to the general loop, so no derivation is too deep for Python.

# (rand, the chooser of rand's generator or None, max_size, recursion limit)
_CompiledDerive = Callable[[Callable[[], float], RandomChooser | None, int, int], Derivation]

COMPILE_AFTER = 200  # derivations of a start symbol before it is compiled
_DEPTH = 50  # Python frames the compiled code may use, at most (beyond: the general loop)
_INLINE_LINES = 40  # a symbol used in several places is inlined up to this size
_REC_LEVELS = 2  # levels of symbols on a cycle written out into a function
_REC_LINES = 120  # up to this size
_SMALL_PROGRAM = 40_000  # characters of source: beyond, no symbol on a cycle is written out
_TERM_LINES = 24  # a terminal's text drawn inline up to this size (else its own function)
_MAX_INDENT = 40
_MAX_LOOPS = 10
_SMALL_DRAW = 8  # draws below this many are written as comparisons
_ARGS = "slack, d, R, path, toks, ch"
# the chooser in the generated code: the caller's, or (for Engine.derive_random, which
# hands it none) one of R's generator, made where a draw is handed to it
_CHOOSER = "(ch or CH(R))"


def _threshold(k: int, n: int) -> float:
    """The least float ``u`` with ``int(u * n) >= k`` (``u * n`` rounds monotonically)."""
    u = k / n
    while u > 0.0 and math.nextafter(u, 0.0) * n >= k:
        u = math.nextafter(u, 0.0)
    while u * n < k:
        u = math.nextafter(u, 1.0)
    return u


class _RandomDraw(Draw):
    """``RandomChooser.below`` written out with ``R``, the random of the chooser's rng.

    ``below(n)`` is ``int(R() * n)``; below a small constant it is the same number
    found by comparing ``R()`` with the exact thresholds, which is quicker than ``int``.
    """

    def below(self, n: str, add: int = 0) -> str:
        return _random_below(n, add)

    def number(self, n: str) -> str:
        return f"R() * {n}"  # %d truncates as int() does

    def coin(self) -> str:
        return f"R() >= {_threshold(1, 2)!r}"

    def cases(self, n: str) -> tuple[str, list[str]] | None:
        if not n.isdigit() or not 2 <= int(n) <= _SMALL_DRAW:
            return None
        k = int(n)
        return "u = R()", [f"u < {_threshold(i, k)!r}" for i in range(1, k)]


@lru_cache(maxsize=1024)
def _random_below(n: str, add: int) -> str:
    """``add + int(R() * n)``, as comparisons below a small constant ``n``."""
    if not n.isdigit() or not 2 <= int(n) <= _SMALL_DRAW:
        return f"{add} + int(R() * {n})" if add else f"int(R() * {n})"
    k = int(n)
    t = [_threshold(i, k) for i in range(1, k)]
    if k == 2:
        return f"({add + 1} if R() >= {t[0]!r} else {add})"
    chain = " else ".join(f"{add + i} if u < {t[i]!r}" for i in range(1, k - 1))
    return f"({add} if (u := R()) < {t[0]!r} else {chain} else {add + k - 1})"


_draw = _RandomDraw()


def _fits(extras: Sequence[int], slack: int) -> list[int]:
    """The alternatives whose extra size fits the slack (the general loop's candidates)."""
    return [i for i, x in enumerate(extras) if x <= slack]


@dataclass(slots=True)
class _Body:
    """Statements that expand one symbol, indented from 0, and how deeply they nest."""

    lines: list[str]
    indent: int
    loops: int


class _Compiler:
    """Writes and compiles the Python source of one start symbol's derivation."""

    def __init__(self, engine: Engine, levels: int = _REC_LEVELS) -> None:
        self.e = engine
        self.levels = levels
        e = engine
        children: list[tuple[int, ...]] = []
        for s, k in enumerate(e.code):
            if k in (0, 4):
                children.append(tuple(i for its in e.items[s] for i in its))
            elif k in (1, 2):
                children.append((e.inner[s],))
            else:
                children.append(())
        self.recursive = on_cycle(children)

        def chooser_of(rand: Callable[[], float]) -> RandomChooser:
            """The chooser of ``rand``'s generator (for :meth:`Engine.derive_random`,
            which hands the code none: it makes the same draws)."""
            return RandomChooser(engine, rand.__self__)  # type: ignore[attr-defined]

        def deep(
            sym: int,
            slack: int,
            path: list[int],
            tokens: list[tuple[int, str]],
            chooser: RandomChooser | None,
            rand: Callable[[], float],
        ) -> int:
            return engine.expand([sym], slack, chooser or chooser_of(rand), path, tokens)

        self.ns: dict[str, object] = {
            "__builtins__": __builtins__,
            "DEEP": deep,
            "CH": chooser_of,
            "TC": e.term_const,
            "GrammarError": GrammarError,
            "bisect_right": bisect_right,
            "ceil": math.ceil,
            "log": math.log,
            "_fits": _fits,
            "Derivation": Derivation,
            "TOO_SMALL": engine._too_small,
        }
        self.bodies: dict[int, _Body] = {}
        self.rec_bodies: dict[tuple[int, tuple[int, ...]], _Body] = {}
        self.stack: tuple[int, ...] = ()  # symbols on a cycle being written out here
        self.compact = False  # every item a call or a few lines
        self.texts: dict[tuple[int, str], list[str] | None] = {}
        self.functions: dict[int, list[str]] = {}
        self.todo: list[int] = []
        self.uses: dict[int, int] = {}

    def const(self, name: str, value: object) -> str:
        """A name in the namespace for ``value`` (for what has no exact literal)."""
        self.ns[name] = value
        return name

    def num(self, x: float | int) -> str:
        if isinstance(x, float) and not math.isfinite(x):
            return self.const(f"F{len(self.ns)}", x)
        return repr(x)

    # -- writing ------------------------------------------------------------------------------

    def compile(self, start: int) -> _CompiledDerive:
        """The derivation of ``start``; symbols on cycles are written out into the
        functions that use them while the whole stays small."""
        source = self.write(start)
        if len(source) > _SMALL_PROGRAM and self.levels:
            self.__init__(self.e, levels=0)  # type: ignore[misc]
            source = self.write(start)
        self.source = source
        name = self.e.grammar.source or "<string>"
        code = compile(source, f"<gramgen derive {name}:{start}>", "exec")
        exec(code, self.ns)
        fn: _CompiledDerive = self.ns["derive"]  # type: ignore[assignment]
        return fn

    def write(self, start: int) -> str:
        """The source of the module that defines ``derive`` for ``start``."""
        entry = self.expand(start, 1, 0)
        while self.todo:
            s = self.todo.pop()
            if s not in self.functions:
                self.function(s)
        lines: list[str] = []
        for s in sorted(self.functions):
            lines += self.functions[s]
        least = self.e.min_size[start]
        lines += [
            "def derive(R, ch, max_size, limit):",
            f"    if max_size < {least}:",
            f"        raise TOO_SMALL({start}, max_size)",
            f"    slack = max_size - {least}",
            f"    d = limit >> 3 if limit < {8 * _DEPTH} else {_DEPTH}",
            "    path = []",
            "    toks = []",
            *entry,
            f"    return Derivation({start}, path, toks, max_size - slack)",
        ]
        return "\n".join(lines) + "\n"

    def function(self, s: int) -> None:
        self.functions[s] = []  # placeholder: the body may call itself
        out = _Out()
        outer = self.stack, self.compact
        self.stack, self.compact = (s,), False
        self.construct(s, out, 0, tail=True)
        self.stack, self.compact = outer
        self.functions[s] = [
            f"def f{s}({_ARGS}):",
            "    if d <= 0:",
            f"        return DEEP({s}, slack, path, toks, ch, R)",
            "    d -= 1",
            *("    " + line for line in out.lines),
            "    return slack",
        ]

    def call(self, s: int, indent: int) -> list[str]:
        if s not in self.functions:
            self.todo.append(s)
        return ["    " * indent + f"slack = f{s}({_ARGS})"]

    def expand(self, s: int, indent: int, loops: int) -> list[str]:
        """Statements at ``indent`` (inside ``loops`` loops) that expand ``s``: inline,
        or a call of its function."""
        e = self.e
        if self.compact:
            if e.code[s] == 3:
                return self.compact_terminal(s, indent)
            return self.call(s, indent)
        if e.code[s] == 3:
            return self.terminal(s, indent, loops)
        if indent > _MAX_INDENT:
            return self.call(s, indent)
        if self.recursive[s]:
            # written out a level or two into the function that uses it, calls below that
            outer = self.stack
            if s in outer or len(outer) > self.levels:
                return self.call(s, indent)
            key = (s, outer)
            body = self.rec_bodies.get(key)
            if body is None:
                self.stack = (*outer, s)
                out = _Out()
                self.construct(s, out, 0, tail=False)
                self.stack = outer
                body = self.rec_bodies[key] = _Body(out.lines, out.indent, out.loops)
            return self.place(s, body, indent, loops, _REC_LINES)
        return self.place(s, self.body(s), indent, loops, _INLINE_LINES)

    def place(self, s: int, body: _Body, indent: int, loops: int, most: int) -> list[str]:
        """``body`` written out at ``indent``, or a call of ``s``'s function when it
        is longer than ``most`` lines or would nest too deep."""
        if (
            len(body.lines) > most
            or indent + body.indent > _MAX_INDENT
            or loops + body.loops > _MAX_LOOPS
        ):
            return self.call(s, indent)
        pad = "    " * indent
        return [pad + line for line in body.lines]

    def body(self, s: int) -> _Body:
        """Statements at indentation 0 that expand ``s`` (not a terminal), memoised."""
        b = self.bodies.get(s)
        if b is None:
            out = _Out()
            outer = self.stack, self.compact
            self.stack, self.compact = (), False
            self.construct(s, out, 0, tail=False)
            self.stack, self.compact = outer
            if not out.lines:
                out.lines.append("pass")
            b = _Body(out.lines, out.indent, out.loops)
            self.bodies[s] = b
        return b

    def construct(self, s: int, out: _Out, depth: int, *, tail: bool) -> None:
        """Statements that expand ``s``; with ``tail``, they return the slack (in a function)."""
        k = self.e.code[s]
        if k == 0:
            self.choice(s, out, depth, tail)
        elif k == 4:
            self.sequence(self.e.items[s][0], out, depth, 0, tail)
        elif k == 1:
            self.optional(s, out)
        else:
            self.repetition(s, out)

    def nested(self, s: int, out: _Out, depth: int, loops: int = 0) -> None:
        """Expansion of ``s`` placed ``depth`` levels in, inside ``loops`` loops."""
        out.add(self.expand(s, depth, loops), loops)

    def sequence(self, items: Sequence[int], out: _Out, depth: int, loops: int, tail: bool) -> None:
        """The items of an alternative, in order; with ``tail``, then return the slack."""
        pad = "    " * depth
        consts: list[tuple[int, str]] = []  # tokens of fixed text, appended together
        for n, item in enumerate(items):
            const = self.e.term_const[item] if self.e.code[item] == 3 else None
            if const is not None:
                consts.append((item, const))
                continue
            if consts:
                out.add([pad + _append_tokens(consts)])
                consts = []
            lines = self.expand(item, depth, loops)
            last = tail and n == len(items) - 1 and len(lines) == 1
            if last and lines[0].startswith(pad + "slack = f"):  # a tail call
                out.add([pad + "return " + lines[0][len(pad) + 8 :]])
                return
            out.add(lines, loops)
        if consts:
            out.add([pad + _append_tokens(consts)])
        if tail:
            out.put(depth, "return slack")
        elif not items:
            out.put(depth, "pass")

    # -- one construct each -------------------------------------------------------------------

    def fast_choice(self, s: int) -> bool:
        """Whether the draw for rule ``s`` is written out (where every alternative fits)."""
        e = self.e
        return e.max_extra[s] < INF and e.fast_cum[s] is not None

    def choice(self, s: int, out: _Out, depth: int, tail: bool) -> None:
        e = self.e
        extras = e.alt_extra[s]
        n = len(extras)
        a = f"a{s}"
        if not self.fast_choice(s):  # the chooser decides, as in the general loop
            fits = f"_fits({self.const(f'EX{s}', tuple(extras))}, slack)"
            if e.max_extra[s] < INF:  # every weight 0: the cheapest that fits
                every = self.const(f"ALL{s}", e.all_alts[s])
                cands = f"{every} if slack >= {e.max_extra[s]} else {fits}"
                out.put(depth, f"{a} = {_CHOOSER}.alternative({s}, {cands})")
            else:
                out.put(depth, f"{a} = {_CHOOSER}.alternative({s}, {fits})")
            out.put(depth, f"path.append({a})")
            self.dispatch(s, a, 0, n - 1, out, depth, tail)
            return
        # where not every alternative fits, the chooser picks among those that do: rarer,
        # so written compactly (every item a call or a few lines)
        fits = f"_fits({self.const(f'EX{s}', tuple(extras))}, slack)"
        out.put(depth, f"if slack < {e.max_extra[s]}:")
        out.put(depth + 1, f"{a} = {_CHOOSER}.alternative({s}, {fits})")
        out.put(depth + 1, f"path.append({a})")
        compact, self.compact = self.compact, True
        self.dispatch(s, a, 0, n - 1, out, depth + 1, tail)
        self.compact = compact
        if not tail:
            out.put(depth, "else:")
            depth += 1
        x = f"x{s}"
        out.put(depth, f"{x} = R() * {self.num(e.total_weights[s])}")
        cum = e.fast_cum[s]
        assert cum is not None
        self.draw_tree(s, x, cum, 0, n - 1, out, depth, tail)

    def draw_tree(
        self,
        s: int,
        x: str,
        cum: list[float],
        lo: int,
        hi: int,
        out: _Out,
        depth: int,
        tail: bool,
    ) -> None:
        """The alternative ``bisect_right(cum, x)`` picks, among ``lo..hi``, and its expansion."""
        if lo == hi:
            out.put(depth, f"path.append({lo})")
            self.alternative(s, lo, out, depth, tail)
            return
        if hi - lo <= 3:  # in order: the first alternative whose cumulative weight exceeds x
            for i in range(lo, hi):
                out.put(depth, f"{'if' if i == lo else 'elif'} {x} < {self.num(cum[i])}:")
                out.put(depth + 1, f"path.append({i})")
                self.alternative(s, i, out, depth + 1, tail)
            out.put(depth, "else:")
            out.put(depth + 1, f"path.append({hi})")
            self.alternative(s, hi, out, depth + 1, tail)
            return
        mid = (lo + hi) // 2
        out.put(depth, f"if {x} < {self.num(cum[mid])}:")
        self.draw_tree(s, x, cum, lo, mid, out, depth + 1, tail)
        out.put(depth, "else:")
        self.draw_tree(s, x, cum, mid + 1, hi, out, depth + 1, tail)

    def dispatch(self, s: int, a: str, lo: int, hi: int, out: _Out, depth: int, tail: bool) -> None:
        if lo == hi:
            self.alternative(s, lo, out, depth, tail)
            return
        if hi - lo <= 3:
            for i in range(lo, hi):
                out.put(depth, f"{'if' if i == lo else 'elif'} {a} == {i}:")
                self.alternative(s, i, out, depth + 1, tail)
            out.put(depth, "else:")
            self.alternative(s, hi, out, depth + 1, tail)
            return
        mid = (lo + hi) // 2
        out.put(depth, f"if {a} <= {mid}:")
        self.dispatch(s, a, lo, mid, out, depth + 1, tail)
        out.put(depth, "else:")
        self.dispatch(s, a, mid + 1, hi, out, depth + 1, tail)

    def alternative(self, s: int, i: int, out: _Out, depth: int, tail: bool) -> None:
        e = self.e
        extra = e.alt_extra[s][i]
        if extra >= INF:  # never chosen: nothing fits it
            out.put(depth, "return slack" if tail else "pass")
            return
        items = e.items[s][i]
        if extra and items:
            first = self.expand(items[0], depth, 0)
            pad = "    " * depth
            if len(first) == 1 and first[0].startswith(pad + "slack = f"):
                # the first item is a call: it takes the slack less the extra
                call = first[0].replace("(slack, ", f"(slack - {extra}, ", 1)
                if tail and len(items) == 1:
                    out.add([pad + "return " + call[len(pad) + 8 :]])
                    return
                out.add([call])
                self.sequence(items[1:], out, depth, 0, tail)
                return
        if extra:
            out.put(depth, f"slack -= {extra}")
        self.sequence(items, out, depth, 0, tail)

    def optional(self, s: int, out: _Out) -> None:
        e = self.e
        inner = e.inner[s]
        cost = e.min_size[inner]
        if cost >= INF:
            out.put(0, "path.append(0)")
            return
        out.put(0, f"if slack >= {cost} and R() < {self.num(e.p_take[s])}:")
        out.put(1, "path.append(1)")
        out.put(1, f"slack -= {cost}")
        self.nested(inner, out, 1)
        out.put(0, "else:")
        out.put(1, "path.append(0)")

    def repetition(self, s: int, out: _Out) -> None:
        e = self.e
        lo, hi_cap, u, q = e.rep_lo[s], e.rep_hi[s], e.unit[s], e.rep_q[s]
        c = f"n{s}"
        if q <= 0.0 or u >= INF or hi_cap == lo:  # the count is always lo: no draw
            out.put(0, f"{c} = {lo}")
        else:
            h, m = f"h{s}", f"m{s}"
            out.put(0, f"{h} = {lo} + slack // {u}" if lo else f"{h} = slack // {u}")
            if hi_cap >= 0:
                out.put(0, f"if {h} > {hi_cap}:")
                out.put(1, f"{h} = {hi_cap}")
            out.put(0, f"if {h} > {lo}:")
            # RandomChooser.count, written out
            out.put(1, f"{m} = {h} - {lo}" if lo else f"{m} = {h}")
            out.put(
                1,
                f"{c} = ceil(log(1.0 - R() * (1.0 - {self.num(q)} ** ({m} + 1))) / "
                f"{self.num(math.log(q))}) - 1",
            )
            out.put(
                1, f"{c} = {lo} + min(max({c}, 0), {m})" if lo else f"{c} = min(max({c}, 0), {m})"
            )
            out.put(0, "else:")
            out.put(1, f"{c} = {lo}")
            out.put(0, f"slack -= ({c} - {lo}) * {u}" if lo else f"slack -= {c} * {u}")
        out.put(0, f"path.append({c})")
        if e.min_size[e.inner[s]] >= INF:  # never repeated (lo is 0, or this is never reached)
            return
        if lo == 0 and 0 <= hi_cap <= 1:
            out.put(0, f"if {c}:")
            self.nested(e.inner[s], out, 1)
        else:
            out.put(0, f"for _ in range({c}):")
            self.nested(e.inner[s], out, 1, 1)

    def terminal(self, s: int, indent: int, loops: int) -> list[str]:
        e = self.e
        pad = "    " * indent
        const = e.term_const[s]
        if const is not None:
            return [pad + f"toks.append({(s, const)!r})"]
        c = f"c{s}"
        text = self.text(s, c, indent + 1, loops, whole=False)
        return [
            pad + f"{c} = TC[{s}]",
            pad + f"if {c} is None:",
            *text,
            pad + f"toks.append(({s}, {c}))",
        ]

    def text(self, s: int, target: str, indent: int, loops: int, *, whole: bool) -> list[str]:
        """Statements that set ``target`` to a new text of terminal ``s``: written out if
        short (or ``whole``), else a call of its own function."""
        e = self.e
        pad = "    " * indent
        gen = e.term_gen[s]
        fn = e.term_fn[s]
        if fn is None:
            return [pad + f'raise GrammarError("no text generator for terminal {s}")']
        if gen is not None and gen.literals and fn == gen.generate:
            lits = self.const(f"LIT{s}", gen.literals)
            return [pad + f"{target} = {lits}[{_draw.below(str(len(gen.literals)))}]"]
        if gen is not None and gen.sampler is not None and fn is gen.sampler.function:
            key = (s, target)
            if key not in self.texts:
                self.texts[key] = gen.sampler.source(_draw, f"r{s}_", target, 0)
            src = self.texts[key]
            if src is not None:
                if whole or (
                    len(src) <= _TERM_LINES
                    and loops + _loops_of(src) <= 16
                    and indent + _indent_of(src) <= 2 * _MAX_INDENT
                ):
                    return [pad + line for line in src]
                return [pad + f"{target} = {self.term_function(s)}(R, ch)"]
        return [pad + f"{target} = {self.const(f'TF{s}', fn)}({_CHOOSER}.below)"]

    def term_function(self, s: int) -> str:
        """The name of a function that returns a new text of terminal ``s``."""
        key = -1 - s  # kept apart from the symbols' functions
        if key not in self.functions:
            self.functions[key] = [
                f"def t{s}(R, ch):",
                *self.text(s, "t", 1, 0, whole=True),
                "    return t",
            ]
        return f"t{s}"

    def compact_terminal(self, s: int, indent: int) -> list[str]:
        """A terminal in a few lines (its text from a function, unless that is one line)."""
        lines = self.terminal(s, indent, 0)
        if len(lines) <= 4:
            return lines
        pad = "    " * indent
        c = f"c{s}"
        return [
            pad + f"{c} = TC[{s}]",
            pad + f"if {c} is None:",
            pad + f"    {c} = {self.term_function(s)}(R, ch)",
            pad + f"toks.append(({s}, {c}))",
        ]


class _Out:
    """Lines being written (indented from 0), with how deeply they indent and nest loops."""

    __slots__ = ("indent", "lines", "loops")

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.indent = 0
        self.loops = 0

    def put(self, depth: int, line: str) -> None:
        self.lines.append("    " * depth + line)
        self.indent = max(self.indent, depth)
        if line.startswith(("for ", "while ")):  # written at the body's own level
            self.loops = max(self.loops, 1)

    def add(self, lines: list[str], loops: int = 0) -> None:
        """Lines placed inside ``loops`` loops."""
        self.lines.extend(lines)
        self.indent = max(self.indent, _indent_of(lines))
        self.loops = max(self.loops, loops + _loops_of(lines))


def _append_tokens(tokens: list[tuple[int, str]]) -> str:
    if len(tokens) == 1:
        return f"toks.append({tokens[0]!r})"
    return f"toks += {tuple(tokens)!r}"


def _indent_of(lines: list[str]) -> int:
    return max(((len(x) - len(x.lstrip(" "))) // 4 for x in lines), default=0)


def _loops_of(lines: list[str]) -> int:
    """How deeply loops nest in ``lines``."""
    open_at: list[int] = []  # indentation of each enclosing loop statement
    deepest = 0
    for line in lines:
        body = line.lstrip(" ")
        at = len(line) - len(body)
        while open_at and open_at[-1] >= at:
            open_at.pop()
        if body.startswith(("for ", "while ")):
            open_at.append(at)
            deepest = max(deepest, len(open_at))
    return deepest
