"""Exhaustive enumeration by size and exactly uniform sampling among derivations of a size.

Both rest on exact counts of derivations by size (:class:`gramgen.analysis.Analysis`)
and on *unranking*: derivation number ``r`` of size ``n`` is built top-down by
walking the counts, so enumeration is ``unrank(n, 0..count-1)`` and uniform
sampling is ``unrank(n, random rank)``.

>>> from gramgen import Grammar, Sampler
>>> s = Sampler(Grammar.from_string('start: "a" start | "b"', parser="lalr"))
>>> [s.renderer.join(d.tokens) for d in enumerate_derivations(s, max_size=7)]
['b', 'ab', 'aab']
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator

from .derive import Derivation
from .errors import InvalidArgument
from .grammar import Kind
from .sample import Sampler

__all__ = ["count", "enumerate_derivations", "uniform_derivation", "unrank"]

Below = Callable[[int], int]


def count(sampler: Sampler, size: int) -> int:
    """Number of derivations of the start rule with exactly ``size`` nodes."""
    return sampler.analysis.counts(sampler.start, size)[size]


def unrank(sampler: Sampler, size: int, rank: int, below: Below = lambda n: 0) -> Derivation:
    """Derivation number ``rank`` (0-based) among those of exactly ``size`` nodes."""
    a = sampler.analysis
    counts = a.counter(size)
    total = counts.table[sampler.start][size]
    if not 0 <= rank < total:
        raise InvalidArgument(f"rank must be in [0, {total}) for size {size}, got rank={rank}")
    eng = sampler.engine
    syms = sampler.grammar.symbols
    table = counts.table
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
            pw = counts.powers[s]
            k = sym.lo
            while True:
                c = pw[k][n - 1]
                if r < c:
                    break
                r -= c
                k += 1
            path.append(k)
            suffixes = [pw[k - j - 1] for j in range(k)]
            _split(stack, [sym.inner] * k, suffixes, table, n - 1, r)
            continue
        # rule or group
        alt = 0
        for alt_i in range(len(sym.alts)):
            c = counts.suffix[(s, alt_i)][0][n - 1]
            if r < c:
                alt = alt_i
                break
            r -= c
        if len(sym.alts) > 1:
            path.append(alt)
        arr = counts.suffix[(s, alt)]
        items = sym.alts[alt].items
        _split(stack, list(items), [arr[j + 1] for j in range(len(items))], table, n - 1, r)
    return Derivation(sampler.start, path, tokens, size)


def _split(
    stack: list[tuple[int, int, int]],
    items: list[int],
    suffixes: list[list[int]],
    table: list[list[int]],
    total: int,
    rank: int,
) -> None:
    """Divide ``total`` size and ``rank`` among ``items``; push them in derivation order."""
    tasks = []
    t = total
    r = rank
    for x, rest in zip(items, suffixes, strict=True):
        col = table[x]
        for s in range(1, t + 1):
            c = col[s] * rest[t - s]
            if r < c:
                tasks.append((x, s, r // rest[t - s]))
                r %= rest[t - s]
                t -= s
                break
            r -= c
    stack.extend(reversed(tasks))


def enumerate_derivations(
    sampler: Sampler, *, max_size: int, min_size: int = 0, limit: int | None = None
) -> Iterator[Derivation]:
    """Every derivation in order of size (then rank), up to ``max_size`` nodes.

    Terminal texts are each terminal's simplest text.
    """
    made = 0
    counts = sampler.analysis.counts(sampler.start, max_size)
    for n in range(max(min_size, 1), max_size + 1):
        for r in range(counts[n]):
            if limit is not None and made >= limit:
                return
            yield unrank(sampler, n, r)
            made += 1


def uniform_derivation(sampler: Sampler, size: int, rng: random.Random) -> Derivation:
    """A derivation drawn uniformly among all derivations with exactly ``size`` nodes."""
    total = count(sampler, size)
    if total == 0:
        sizes = [k for k, c in enumerate(sampler.analysis.counts(sampler.start, size + 20)) if c]
        near = ", ".join(str(k) for k in sizes[:8]) or "none"
        raise InvalidArgument(
            f"there is no derivation of exactly {size} nodes (sizes that exist: {near}, ...)"
        )
    rand = rng.random

    def below(n: int) -> int:
        return int(rand() * n)

    return unrank(sampler, size, rng.randrange(total), below)
