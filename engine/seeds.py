"""The randomness every problem starts from: its seed, its generator and its whole draws.

Each problem pays for these, so the compiled build (setup.py) compiles them.
"""

from __future__ import annotations

import random
from _random import Random as _CRandom
from collections.abc import Callable
from typing import Final

from .errors import InvalidArgument

__all__ = ["below", "item_seed", "seeded"]

_MASK: Final = (1 << 64) - 1


def item_seed(root: int, index: int) -> int:
    """The seed of item ``index`` of a run seeded ``root`` (splitmix64 mixing).

    Item *i* depends only on ``(root, i)``, so a run split across processes or
    shards produces the same items.
    """
    z = (root * 0x9E3779B97F4A7C15 + (index + 1) * 0xBF58476D1CE4E5B9) & _MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
    return z ^ (z >> 31)


def below(rng: random.Random) -> Callable[[int], int]:
    """``n -> r``: a uniform whole ``0 <= r < n`` drawn from ``rng``'s bits.

    Rejection on ``n.bit_length()`` random bits: the draws ``rng.randrange(n)``
    makes on CPython, written out, so that problems depend on this algorithm
    rather than on ``randrange``'s internals, and a draw costs a third less. The
    generated draw functions of ``gramgen.solvers`` inline the same loop.

    >>> ours, theirs = random.Random(5), random.Random(5)
    >>> draw = below(ours)
    >>> [draw(n) for n in (6, 1, 1000, 3)] == [theirs.randrange(n) for n in (6, 1, 1000, 3)]
    True
    """
    getrandbits = rng.getrandbits

    def draw(n: int) -> int:
        if n <= 0:
            raise InvalidArgument(f"nothing to draw from: {n} choices")
        k = n.bit_length()
        r = getrandbits(k)
        while r >= n:
            r = getrandbits(k)
        return r

    return draw


_new, _seed = random.Random.__new__, _CRandom.seed


def seeded(seed: int) -> random.Random:
    """``random.Random(seed)`` for a whole ``seed``: the same generator in the same state,
    made without the Python-level steps of its ``__init__`` and ``seed`` (a tenth of the
    cost, which each problem pays).

    >>> seeded(12345).getstate() == random.Random(12345).getstate()
    True
    """
    r = _new(random.Random)
    _seed(r, seed)
    r.gauss_next = None  # type: ignore[attr-defined]  # (as random.Random's seed leaves it)
    return r
