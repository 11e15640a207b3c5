"""Remainder puzzles: the smallest number leaving given remainders for two group sizes."""

from __future__ import annotations

from typing import Any, ClassVar

import sympy
from lark import Token

from gramgen.semantics import Story

# How the larger group size's share relates to the smaller one's (c): numbers of these
# forms share no factor with c, so the least common multiple of g c and g q is g c q.
SHARES = {"next": (1, 1), "double_plus": (2, 1), "double_minus": (2, -1)}
# level -> range of c (the smaller size's share) and of the common factor g
RANGES = {1: ((2, 4), (1, 3)), 2: ((2, 5), (3, 6)), 3: ((2, 4), (1, 3))}


def _q(name: str) -> Any:
    return sympy.Symbol(name, real=True)


class RemainderPuzzle(Story):
    title = "Remainder puzzles: the smallest number with given remainders"
    verbs = ("PUT", "MAKE", "PACK", "HAVE", "KNOW", "BE")
    lexicons: ClassVar[dict[str, Any]] = {
        "item": ("marble", "sticker", "shell", "button", "card", "bead", "stamp", "coin",
                 "pebble", "badge"),
    }  # fmt: skip
    answer_unit = "item"

    def __init__(self, level: int = 1) -> None:
        super().__init__(level)
        self.share = "next"
        self.order = "abr"
        self.toks: list[Token] = []

    def ITEM(self, tok: Token) -> str:
        return self.noun(tok, "item")

    # -- sentences -------------------------------------------------------------------

    def _sizes(self, c: list[Any], share: str, order: str = "abr") -> None:
        self.share, self.order = share, order
        self.toks = self.tokens(c)

    def r_next(self, c: list[Any]) -> None:
        self._sizes(c, "next")

    def r_next_b(self, c: list[Any]) -> None:
        self._sizes(c, "next", "arb")

    def r_double_plus(self, c: list[Any]) -> None:
        self._sizes(c, "double_plus")

    def r_double_plus_b(self, c: list[Any]) -> None:
        self._sizes(c, "double_plus", "arb")

    def r_double_minus(self, c: list[Any]) -> None:
        self._sizes(c, "double_minus")

    def r_double_minus_b(self, c: list[Any]) -> None:
        self._sizes(c, "double_minus", "arb")

    def more_than(self, c: list[Any]) -> Token:
        (tok,) = self.tokens(c)
        return tok

    def intro(self, c: list[Any]) -> None:
        return None

    ask_group = ask_plain = intro

    # -- the least common multiple -----------------------------------------------------

    def _lcm(self, small_tok: Token, large_tok: Token) -> Any:
        (c_lo, c_hi), (g_lo, g_hi) = RANGES[self.level]
        m, s = SHARES[self.share]
        share = self.unknown("c", c_lo, c_hi)
        # the common factor is chosen first and both sizes made from it (a size is
        # never left vague: another rarely keeps the other a multiple of the factor)
        g = self.unknown("g", g_lo, g_hi)
        small = self.result(small_tok, g * share, name="size_a")
        self.let("size_least", small - 3, domain="nonnegative")  # groups of 3 or more
        q = self.let("q", m * share + s, domain="whole")
        self.result(large_tok, g * q, name="b")
        lcm = self.let("lcm", small * q, domain="whole")
        self.step("{size_a} = {g} x {c} and {b} = {g} x {q}.")
        self.step(
            "{c} and {q} have no common factor but 1, so the least common multiple of {size_a} and "
            "{b} is {g} x {c} x {q} = {lcm}."
        )
        return lcm

    def _same(self) -> tuple[Any, Any]:
        if self.order == "abr":
            a_tok, b_tok, r_tok = self.toks
        else:
            a_tok, r_tok, b_tok = self.toks
        lcm = self._lcm(a_tok, b_tok)
        r = self.number(r_tok, 1, 8, name="r")
        self.let("r_fits", _q("size_a") - r, domain="whole")  # a remainder is less than a group
        self.let("r_two", r - 1, domain="nonnegative")
        return lcm, r

    def level1(self, c: list[Any]) -> Any:
        lcm, r = self._same()
        self.step(
            "Taking away the {r} left over leaves a number that fills groups of {size_a} and of "
            "{b} exactly: a common multiple of both."
        )
        n = self.let("n", lcm + r, domain="whole")
        self.step(
            "With at least one full group, the smallest is {lcm}, "
            "so the number is {lcm} + {r} = {n}."
        )
        self.step("So the smallest number is {n}.")
        return n

    def level2(self, c: list[Any]) -> Any:
        a_tok, ra_tok, b_tok, rb_tok = self.toks
        lcm = self._lcm(a_tok, b_tok)
        self.result(ra_tok, _q("size_a") - 1, name="ra")
        self.result(rb_tok, _q("b") - 1, name="rb")
        self.step(
            "{ra} is one less than {size_a} and {rb} is one less than {b}: with one more, both "
            "groupings would come out exactly."
        )
        n = self.let("n", lcm - 1, domain="whole")
        self.step(
            "So one more than the number is a common multiple: the smallest is {lcm}, "
            "and {lcm} - 1 = {n}."
        )
        self.step("So the smallest number is {n}.")
        return n

    def level3(self, c: list[Any]) -> Any:
        lcm, r = self._same()
        lo = self.number(c[2], 20, 200, step=5, name="lo", vague=None)
        self.step("The numbers that leave {r} both ways are {r} more than a multiple of {lcm}.")
        k = self.let("k", sympy.ceiling((lo + 1 - r) / lcm), domain="whole")
        n = self.let("n", lcm * k + r, domain="whole")
        prev = self.let("prev", n - lcm, domain="any")
        self.let("below", lo - prev, domain="nonnegative")
        self.step("{lcm} x {k} + {r} = {n} is more than {lo}, but {n} - {lcm} = {prev} is not.")
        self.step("So the smallest number is {n}.")
        return n
