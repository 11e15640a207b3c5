"""Exhaustive enumeration by size and exactly uniform sampling among derivations of a size.

Both rest on exact counts of derivations by size (:class:`Counts`) and on
*unranking*: derivation number ``r`` of size ``n`` is built top-down by walking
the counts, so enumeration is ``unrank(n, 0..count-1)`` and uniform sampling is
``unrank(n, random rank)``.

>>> from gramgen import Grammar, Sampler
>>> s = Sampler(Grammar.from_string('start: "a" start | "b"', parser="lalr"))
>>> [s.renderer.join(d.tokens) for d in enumerate_derivations(s, max_size=7)]
['b', 'ab', 'aab']

Counts grow exponentially with the size, so their tables grow with its square (in
bits) and the work to fill them faster still. Before counting to a size beyond a few
hundred nodes, the growth is measured on the first sizes and the tables' memory and
time are estimated; a size that would take more than :data:`MEMORY_LIMIT` bytes or
about :data:`TIME_LIMIT` seconds is refused with an error naming the largest size
this grammar can be counted to.
"""

from __future__ import annotations

import math
import random
import weakref
from collections.abc import Callable, Iterator
from operator import mul

from .derive import Derivation
from .errors import InvalidArgument
from .grammar import Kind
from .sample import Sampler

__all__ = [
    "MEMORY_LIMIT",
    "TIME_LIMIT",
    "Counts",
    "count",
    "counts",
    "enumerate_derivations",
    "uniform_derivation",
    "unrank",
]

Below = Callable[[int], int]

MEMORY_LIMIT = 1 << 30
"""Bytes the count tables of one size may take (estimated before counting)."""
TIME_LIMIT = 60.0
"""Seconds counting to one size may take (estimated before counting, roughly)."""
_PROBE = 192  # sizes counted first to measure how fast the counts grow
# rough costs on CPython, for the estimate: a multiply-add of two big ints, and one
# 30-bit digit product inside a big-int multiplication, and one table entry
_SECONDS_PER_PRODUCT = 1.2e-7
_SECONDS_PER_DIGIT_PRODUCT = 1.5e-9
_SECONDS_PER_ENTRY = 1.5e-7


class _Series:
    """Counts by size 0..n (``c``) and the range of sizes where they are not zero."""

    __slots__ = ("c", "hi", "lo")

    def __init__(self, n: int) -> None:
        self.c = [0] * (n + 1)
        self.lo = -1  # no non-zero entry yet
        self.hi = -1

    def set(self, k: int, v: int) -> None:
        if v:
            self.c[k] = v
            if self.lo < 0:
                self.lo = k
            self.hi = k


def _dot(a: _Series, b: _Series, k: int) -> int:
    """``sum(a[t] * b[k - t] for t in 1..k)``, over the sizes where both are not zero."""
    if a.lo < 0 or b.lo < 0:
        return 0
    t0 = max(a.lo, k - b.hi, 1)
    t1 = min(a.hi, k - b.lo)
    if t0 > t1:
        return 0
    ac, bc = a.c, b.c
    if t0 == t1:
        return ac[t0] * bc[k - t0]
    return sum(map(mul, ac[t0 : t1 + 1], reversed(bc[k - t1 : k - t0 + 1])))


class Counts:
    """Counts of derivations by size, up to ``n``, of every symbol ``start`` reaches.

    ``table[s].c[k]`` is the number of derivations of symbol ``s`` with exactly
    ``k`` nodes; ``seqs[(s, a)][j].c[k]`` counts the sequences of items ``j..`` of
    alternative ``a`` of rule ``s`` of total size ``k``; ``reps[s][i].c[k]`` counts
    the ways repetition ``s`` goes on, ``i`` items made, with items of total size
    ``k`` (an unbounded repetition needs no row beyond its minimum count: after that,
    the rest is the same whatever ``i``).

    >>> from gramgen import Grammar, Sampler
    >>> s = Sampler(Grammar.from_string('start: "(" start ")" | "x"'), roundtrip=False)
    >>> Counts(s, 9).table[s.start].c
    [0, 0, 1, 0, 0, 1, 0, 0, 1, 0]
    """

    def __init__(self, sampler: Sampler, n: int) -> None:
        syms = sampler.grammar.symbols
        self.n = n
        reach = sampler.analysis.reachable_from(sampler.start)
        order = [s for s in syms if reach[s.id]]
        self.table = table = {s.id: _Series(n) for s in order}
        unit = _Series(n)  # the empty sequence
        unit.set(0, 1)
        self.seqs: dict[tuple[int, int], list[_Series]] = {}
        self.reps: dict[int, list[_Series]] = {}
        # (result, items, rest): result[k] = sum(items[t] * rest[k - t]), in the order
        # they are filled at each size
        self._steps: list[tuple[_Series, _Series, _Series]] = []
        for s in order:
            if s.kind is Kind.RULE:
                for a in s.alts:
                    m = len(a.items)
                    arr = [_Series(n) for _ in range(m - 1)]
                    arr += [table[a.items[-1]], unit] if m else [unit]
                    for j in range(m - 2, -1, -1):
                        self._steps.append((arr[j], table[a.items[j]], arr[j + 1]))
                    self.seqs[(s.id, a.index)] = arr
            elif s.kind is Kind.REP:
                bounded = s.hi >= 0
                top = min(s.hi, n) if bounded else s.lo
                rows = [_Series(n) for _ in range(top + 1)]
                for i in range(s.lo, top + 1):
                    rows[i].set(0, 1)  # enough items: it may stop here
                col = table[s.inner]
                if not bounded:  # the last row goes on with itself
                    self._steps.append((rows[top], col, rows[top]))
                for i in range(top - 1, -1, -1):
                    self._steps.append((rows[i], col, rows[i + 1]))
                self.reps[s.id] = rows
        self._order = order
        self._fill()

    def _fill(self) -> None:
        table = self.table
        seqs = self.seqs
        reps = self.reps
        steps = self._steps
        for k in range(1, self.n + 1):
            for s in self._order:
                sid = s.id
                if s.kind is Kind.TERM:
                    v = 1 if k == 1 else 0
                elif s.kind is Kind.OPT:
                    v = (1 if k == 1 else 0) + table[s.inner].c[k - 1]
                elif s.kind is Kind.REP:
                    v = reps[sid][0].c[k - 1]
                else:
                    v = sum(seqs[(sid, a.index)][0].c[k - 1] for a in s.alts)
                table[sid].set(k, v)
            # sequences of total size k, now that every table[.][<=k] is known
            for res, items, rest in steps:
                res.set(k, _dot(items, rest, k))

    def series(self) -> list[_Series]:
        """Every table this holds, once each."""
        seen: dict[int, _Series] = {}
        for x in [*self.table.values(), *(a for v in self.seqs.values() for a in v)]:
            seen[id(x)] = x
        for rows in self.reps.values():
            for x in rows:
                seen[id(x)] = x
        return list(seen.values())

    def estimate(self, n: int) -> tuple[float, float]:
        """(bytes, seconds) that counting to size ``n`` would take, from the growth seen."""
        half = self.n // 2
        quarter = self.n // 4

        def bits(x: _Series, lo: int, hi: int) -> int:
            return max(v.bit_length() for v in x.c[lo : hi + 1])

        all_series = self.series()
        dense = {id(x) for x in all_series if x.hi > half}
        growth = max(
            (
                (bits(x, self.n - quarter, self.n) - bits(x, half - quarter, half)) / half
                for x in all_series
                if id(x) in dense
            ),
            default=0.0,
        )
        growth = max(growth, 0.0) * 1.1  # bits per node (the growth seen creeps up)
        heavy = sum(1 for res, a, b in self._steps if id(a) in dense and id(b) in dense)
        entries = len(all_series) * (n + 1)
        memory = 8.0 * entries + len(dense) * (32.0 * n + growth * n * n / 16)
        digits = (growth / 30) ** 2
        seconds = (
            _SECONDS_PER_ENTRY * (entries + len(self._steps) * n)
            + heavy * _SECONDS_PER_PRODUCT * n * n / 2
            + heavy * _SECONDS_PER_DIGIT_PRODUCT * digits * float(n) ** 4 / 24
        )
        return memory, seconds


_cache: weakref.WeakKeyDictionary[Sampler, Counts] = weakref.WeakKeyDictionary()


def _fits(memory: float, seconds: float) -> bool:
    return memory <= MEMORY_LIMIT and seconds <= TIME_LIMIT


def _counter(sampler: Sampler, size: int) -> Counts:
    """The counts of ``sampler``'s start rule up to ``size`` (kept for the next call).

    Raises :class:`InvalidArgument` when that would take more than
    :data:`MEMORY_LIMIT` bytes or about :data:`TIME_LIMIT` seconds.
    """
    have = _cache.get(sampler)
    if have is not None and have.n >= size:
        return have
    if size > 2 * _PROBE:
        probe = have if have is not None and have.n >= _PROBE else Counts(sampler, _PROBE)
        memory, seconds = probe.estimate(size)
        if not _fits(memory, seconds):
            lo, hi = _PROBE, size  # the largest size that fits, by bisection
            while hi - lo > 1:
                mid = (lo + hi) // 2
                lo, hi = (mid, hi) if _fits(*probe.estimate(mid)) else (lo, mid)
            why = (
                f"about {memory / 2**30:.1f} GB of tables (the limit is "
                f"{MEMORY_LIMIT / 2**30:.0f} GB)"
                if memory > MEMORY_LIMIT
                else f"about {_duration(seconds)} (the limit is {TIME_LIMIT:.0f} s)"
            )
            raise InvalidArgument(
                f"size {size} is too large to count derivations of "
                f"{sampler.start_name!r}: it would take {why}; this grammar can be "
                f"counted up to about {lo} nodes"
            )
    c = Counts(sampler, size)
    _cache[sampler] = c
    return c


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} minutes"
    if seconds < 2 * 86400:
        return f"{seconds / 3600:.0f} hours"
    days = seconds / 86400
    return f"{days:.0f} days" if days < 1e6 else f"10^{math.log10(days):.0f} days"


def counts(sampler: Sampler, max_size: int) -> list[int]:
    """Number of derivations of the start rule of each size ``0..max_size``."""
    return _counter(sampler, max_size).table[sampler.start].c[: max_size + 1]


def count(sampler: Sampler, size: int) -> int:
    """Number of derivations of the start rule with exactly ``size`` nodes."""
    return _counter(sampler, size).table[sampler.start].c[size]


def unrank(sampler: Sampler, size: int, rank: int, below: Below = lambda n: 0) -> Derivation:
    """Derivation number ``rank`` (0-based) among those of exactly ``size`` nodes."""
    counts = _counter(sampler, size)
    table = counts.table
    total = table[sampler.start].c[size]
    if not 0 <= rank < total:
        raise InvalidArgument(f"rank must be in [0, {total}) for size {size}, got rank={rank}")
    eng = sampler.engine
    syms = sampler.grammar.symbols
    path: list[int] = []
    tokens: list[tuple[int, str]] = []
    stack: list[tuple[int, int, int]] = [(sampler.start, size, rank)]
    while stack:
        s, n, r = stack.pop()
        sym = syms[s]
        if sym.kind is Kind.TERM:
            gen = eng.term_gen[s]
            tokens.append((s, gen.generate(below) if gen is not None else ""))
            continue
        if sym.kind is Kind.OPT:
            if n == 1 and r == 0:
                path.append(0)
                continue
            path.append(1)
            stack.append((sym.inner, n - 1, r - (1 if n == 1 else 0)))
            continue
        if sym.kind is Kind.REP:
            rows = counts.reps[s]
            col = table[sym.inner]
            tasks: list[tuple[int, int, int]] = []
            t, i = n - 1, 0
            while t > 0:  # items remain to make: the next one's size, then the rest
                rest = rows[min(i + 1, len(rows) - 1)]
                task, t, r = _take(sym.inner, col, rest, t, r)
                tasks.append(task)
                i += 1
            path.append(i)
            stack.extend(reversed(tasks))
            continue
        # rule or group
        alt = 0
        for alt_i in range(len(sym.alts)):
            c = counts.seqs[(s, alt_i)][0].c[n - 1]
            if r < c:
                alt = alt_i
                break
            r -= c
        if len(sym.alts) > 1:
            path.append(alt)
        arr = counts.seqs[(s, alt)]
        tasks = []
        t = n - 1
        for j, item in enumerate(sym.alts[alt].items):
            task, t, r = _take(item, table[item], arr[j + 1], t, r)
            tasks.append(task)
        stack.extend(reversed(tasks))
    return Derivation(sampler.start, path, tokens, size)


def _take(
    x: int, col: _Series, rest: _Series, total: int, rank: int
) -> tuple[tuple[int, int, int], int, int]:
    """Of the ways to make ``x`` then ``rest`` in ``total`` nodes, the ``rank``-th:
    (x's size and rank as a task, the size left, the rank left)."""
    r = rank
    cc, rc = col.c, rest.c
    for s in range(max(col.lo, 1), total + 1):
        c = cc[s] * rc[total - s]
        if r < c:
            return (x, s, r // rc[total - s]), total - s, r % rc[total - s]
        r -= c
    raise InvalidArgument(f"internal: rank {rank} is beyond the counts of size {total}")


def enumerate_derivations(
    sampler: Sampler, *, max_size: int, min_size: int = 0, limit: int | None = None
) -> Iterator[Derivation]:
    """Every derivation in order of size (then rank), up to ``max_size`` nodes.

    Terminal texts are each terminal's simplest text; ``limit`` stops after that many.
    """
    made = 0
    by_size = counts(sampler, max_size)
    for n in range(max(min_size, 1), max_size + 1):
        for r in range(by_size[n]):
            if limit is not None and made >= limit:
                return
            yield unrank(sampler, n, r)
            made += 1


def uniform_derivation(sampler: Sampler, size: int, rng: random.Random) -> Derivation:
    """A derivation drawn uniformly among all derivations with exactly ``size`` nodes."""
    total = count(sampler, size)
    if total == 0:
        sizes = [k for k, c in enumerate(counts(sampler, size + 20)) if c]
        near = ", ".join(str(k) for k in sizes[:8]) or "none"
        raise InvalidArgument(
            f"there is no derivation of exactly {size} nodes (sizes that exist: {near}, ...)"
        )
    rand = rng.random

    def below(n: int) -> int:
        return int(rand() * n)

    return unrank(sampler, size, rng.randrange(total), below)
