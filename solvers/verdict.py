"""Three-valued verdicts: verified, refuted, or inconclusive (never silently true)."""

from __future__ import annotations

import enum
from dataclasses import dataclass

__all__ = ["Check", "Verdict"]


class Verdict(enum.Enum):
    """The outcome of an exact check, in the spirit of sympy's ``checksol``.

    ``INCONCLUSIVE`` means exactness could not be established; it is never counted
    as verified. Truth-testing a verdict raises ``TypeError`` so that
    ``if verdict:`` cannot quietly treat ``INCONCLUSIVE`` as true.
    """

    VERIFIED = "verified"
    REFUTED = "refuted"
    INCONCLUSIVE = "inconclusive"

    def __bool__(self) -> bool:
        raise TypeError(
            f"{self!r} has no truth value: compare with Verdict.VERIFIED or use Check.ok"
        )


@dataclass(frozen=True, slots=True)
class Check:
    """A verdict with a human-readable reason.

    >>> Check(Verdict.REFUTED, "x = 5/2 is not a whole number").ok
    False
    """

    verdict: Verdict
    reason: str = ""

    @property
    def ok(self) -> bool:
        """True only for ``Verdict.VERIFIED``."""
        return self.verdict is Verdict.VERIFIED

    @property
    def is_refuted(self) -> bool:
        """True only for ``Verdict.REFUTED``."""
        return self.verdict is Verdict.REFUTED

    @property
    def is_inconclusive(self) -> bool:
        """True only for ``Verdict.INCONCLUSIVE``."""
        return self.verdict is Verdict.INCONCLUSIVE

    def __bool__(self) -> bool:
        raise TypeError("a Check has no truth value: use check.ok")

    def __str__(self) -> str:
        return f"{self.verdict.value}: {self.reason}" if self.reason else self.verdict.value

    @staticmethod
    def verified(reason: str = "") -> Check:
        """A ``VERIFIED`` check."""
        return Check(Verdict.VERIFIED, reason)

    @staticmethod
    def refuted(reason: str) -> Check:
        """A ``REFUTED`` check; the reason says what is wrong."""
        return Check(Verdict.REFUTED, reason)

    @staticmethod
    def inconclusive(reason: str) -> Check:
        """An ``INCONCLUSIVE`` check; the reason says what could not be decided."""
        return Check(Verdict.INCONCLUSIVE, reason)


VERIFIED = Check(Verdict.VERIFIED)
