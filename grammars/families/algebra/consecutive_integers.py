"""Consecutive numbers: from the sum of n consecutive (even or odd) numbers, find one."""

from __future__ import annotations

from typing import Any

import sympy

from gramgen.semantics import Story

COUNTS = {1: (3, 4), 2: (3, 5), 3: (3, 6)}  # at least three: "the smallest", not "the smaller"
# the smallest number (plain) or its half (even, odd) is chosen first from this range
BASES = {1: (1, 30), 2: (1, 40), 3: (5, 80)}


class ConsecutiveIntegers(Story):
    title = "Consecutive numbers: find the smallest or largest from their sum"

    def __init__(self, level: int = 1) -> None:
        super().__init__(level)
        self.kind = "plain"
        self.gap = 1

    COUNT = Story.NUM

    # -- what kind of numbers ------------------------------------------------------------

    def k_plain(self, c: list[Any]) -> None:
        self.kind = "plain"

    def k_even(self, c: list[Any]) -> None:
        self.kind = "even"

    def k_odd(self, c: list[Any]) -> None:
        self.kind = "odd"

    # -- the sum -------------------------------------------------------------------------

    def fact(self, c: list[Any]) -> None:
        (count_tok,) = self.tokens(c, "COUNT")
        (sum_tok,) = self.tokens(c)
        lo, hi = BASES[self.level]
        if self.kind == "plain":
            hi = 2 * hi  # about as large as the even and odd ones
        n = self.number(count_tok, *COUNTS[self.level], name="count", style="words")
        base = self.unknown("base", lo, hi)
        self.let("base_whole", base)  # (so a vague count still needs a whole base)
        gap = 1 if self.kind == "plain" else 2
        first = {"plain": base, "even": 2 * base, "odd": 2 * base - 1}[self.kind]
        small = self.let("smallest", first)
        self.result(sum_tok, n * small + gap * n * (n - 1) / 2, name="total")
        self.gap = gap

    part = fact

    def story(self, c: list[Any]) -> None:
        return None

    def ask_small(self, c: list[Any]) -> str:
        return "small"

    def ask_large(self, c: list[Any]) -> str:
        return "large"

    # -- levels -------------------------------------------------------------------------

    def level1(self, c: list[Any]) -> Any:
        n, total, small = (sympy.Symbol(q, real=True) for q in ("count", "total", "smallest"))
        g = self.gap
        self.let("extra", g * n * (n - 1) / 2, domain="nonnegative")
        if g == 1:
            self.step(
                "The numbers are the smallest, the smallest + 1, and so on: {count:int} times the "
                "smallest plus 0 + 1 + ... + ({count:int} - 1) more."
            )
            self.step("That extra is {count:int} x ({count:int} - 1) / 2 = {extra}")
        else:
            self.step(
                "The numbers are the smallest, the smallest + 2, and so on: {count:int} times the "
                "smallest plus 0 + 2 + ... + 2 x ({count:int} - 1) more."
            )
            self.step("That extra is {count:int} x ({count:int} - 1) = {extra}")
        self.let("repeated", total - g * n * (n - 1) / 2)
        self.step("{total} - {extra} = {repeated}")
        self.step("{repeated} / {count:int} = {smallest}")
        if c[-1] == "small":
            self.step("The smallest number is {smallest}.")
            return small
        large = self.let("largest", small + g * (n - 1))
        self.step(f"{{smallest}} + {g} x ({{count:int}} - 1) = {{largest}}")
        self.step("The largest number is {largest}.")
        return large

    level2 = level3 = level1
