"""The randomness every problem starts from: its seed, its generator and its whole draws.

Each problem pays for these, so the compiled build (setup.py) compiles them.
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Callable
from typing import Final, Protocol

from .errors import InvalidArgument

__all__ = ["Draws", "Rng", "below", "item_seed"]

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


def below(rng: Rng) -> Callable[[int], int]:
    """``n -> r``: a uniform whole ``0 <= r < n`` drawn from ``rng``'s bits.

    Rejection on ``n.bit_length()`` random bits: the draws ``rng.randrange(n)``
    makes on CPython, written out, so that problems depend on this algorithm
    rather than on ``randrange``'s internals, and a draw costs a third less. The
    generated draw functions of ``gramgen.solvers`` inline the same loop.

    >>> import random
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


class Rng(Protocol):
    """What gramgen draws from: ``random.Random`` or a problem's :class:`Draws`."""

    def random(self) -> float: ...

    def getrandbits(self, k: int, /) -> int: ...


_WORDS: Final = struct.Struct("<16I").unpack  # a block: 64 bytes, sixteen 32-bit words
_HASH: Final = hashlib.blake2b
_PERSON: Final = b"gramgen draws"
_TWO53: Final = 1.0 / 9007199254740992.0


def _block(data: bytes) -> tuple[int, ...]:
    """The sixteen words of the block hashed from ``data``."""
    return _WORDS(_HASH(data, person=_PERSON).digest())


class Draws:
    """The random draws of item ``index`` of a run seeded ``root``: 32-bit words of
    BLAKE2b blocks of the two (the low 64 bits of each count).

    Starting is one hash, not the Mersenne Twister's 624-word set-up (which cost each
    problem more than all its draws together); the blocks are independent of each
    other and of every other item's, and the same on every platform and build.
    ``random()`` takes two words and makes a double as CPython's generator does (53
    bits); ``getrandbits(k)`` takes one word per 32 bits, the last one's top bits.
    """

    __slots__ = ("_at", "_block", "_key", "_words")

    def __init__(self, root: int, index: int = 0) -> None:
        self._key = (root & _MASK).to_bytes(8, "little") + (index & _MASK).to_bytes(8, "little")
        self._block = 0
        self._words = _block(self._key)
        self._at = 0

    def _next(self) -> int:
        at = self._at
        if at == 16:
            self._block += 1
            self._words = _block(self._key + self._block.to_bytes(8, "little"))
            at = 0
        self._at = at + 1
        return self._words[at]

    def random(self) -> float:
        """A double in [0, 1)."""
        at = self._at
        if at < 15:  # (both words in this block)
            w = self._words
            self._at = at + 2
            return ((w[at] >> 5) * 67108864.0 + (w[at + 1] >> 6)) * _TWO53
        a = self._next() >> 5
        return (a * 67108864.0 + (self._next() >> 6)) * _TWO53

    def getrandbits(self, k: int, /) -> int:
        """A whole ``0 <= r < 2**k``."""
        if 0 < k <= 32:
            at = self._at
            if at < 16:
                self._at = at + 1
                return self._words[at] >> (32 - k)
            return self._next() >> (32 - k)
        if k < 0:
            raise ValueError("number of bits must be non-negative")
        r = 0
        shift = 0
        while k > 0:
            w = self._next()
            if k < 32:
                w >>= 32 - k
            r |= w << shift
            shift += 32
            k -= 32
        return r
