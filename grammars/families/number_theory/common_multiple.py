"""Least common multiple: events that start together, packs bought to match."""

from __future__ import annotations

from typing import Any

import sympy
from lark import Token

from gramgen.semantics import Story

# How the larger amount's share relates to the smaller one's (c): numbers of these
# forms share no factor with c, so the least common multiple of g c and g q is g c q.
SHARES = {"next": (1, 1), "double_plus": (2, 1), "double_minus": (2, -1)}
# level -> range of c (the smaller amount's share) and of the common factor g
RANGES = {1: ((2, 5), (2, 7)), 2: ((2, 4), (2, 5)), 3: ((2, 5), (2, 7))}


def _q(name: str) -> Any:
    return sympy.Symbol(name, real=True)


class CommonMultiple(Story):
    title = "Least common multiple: events that happen together again, packs that match"
    verbs = ("WANT",)

    def __init__(self, level: int = 1) -> None:
        super().__init__(level)
        self.share = "next"
        self.toks: list[Token] = []

    # -- sentences -------------------------------------------------------------------

    def _amounts(self, c: list[Any], share: str) -> None:
        self.share = share
        self.toks = self.tokens(c)

    def r_next(self, c: list[Any]) -> None:
        self._amounts(c, "next")

    def r_double_plus(self, c: list[Any]) -> None:
        self._amounts(c, "double_plus")

    def r_double_minus(self, c: list[Any]) -> None:
        self._amounts(c, "double_minus")

    def at_noon(self, c: list[Any]) -> None:
        return None

    plan = ask_next = at_noon

    def ask_again(self, c: list[Any]) -> Token:
        (tok,) = self.tokens(c)
        return tok

    def ask_lcm(self, c: list[Any]) -> str:
        return "lcm"

    def ask_small(self, c: list[Any]) -> str:
        return "small"

    def ask_large(self, c: list[Any]) -> str:
        return "large"

    def ask_packs(self, c: list[Any]) -> str:
        return str(c[0])

    def distract(self, c: list[Any]) -> None:
        for tok in self.tokens(c):
            self.number(tok, 2, 40, name="aside", vague=None)

    # -- the common multiple -----------------------------------------------------------

    def _multiple(self, what: str) -> Any:
        small_tok, large_tok = self.toks
        (c_lo, c_hi), (g_lo, g_hi) = RANGES[self.level]
        m, s = SHARES[self.share]
        # the shares and the common factor (at least 2) are chosen first, and both
        # amounts made from them: g c and g q are whole, and share the factor g, by
        # construction (neither is left vague: another number rarely keeps the larger
        # one a multiple of the common factor)
        share = self.unknown("c", c_lo, c_hi)
        g = self.unknown("g", g_lo, g_hi)
        small = self.result(small_tok, g * share, name="small")
        q = self.let("q", m * share + s, domain="whole")
        self.result(large_tok, g * q, name="large")
        lcm = self.let("lcm", small * q, domain="whole")
        self.step("{small} = {g} x {c} and {large} = {g} x {q}.")
        self.step(
            "{c} and {q} have no common factor other than 1, so the least common multiple "
            "of {small} and {large} is {g} x {c} x {q} = {lcm}."
        )
        return lcm

    def level1(self, c: list[Any]) -> Any:
        lcm = self._multiple("minutes")
        self.step("So they next happen together {lcm} minutes after noon.")
        return lcm

    def level2(self, c: list[Any]) -> Any:
        lcm = self._multiple("things")
        ask = c[-1]
        if ask == "lcm":
            self.step("So the smallest number of each is {lcm}.")
            return lcm
        if ask == "small":
            self.step("{lcm} / {small} = {q}")
            self.step("So {a} needs at least {q} of the smaller packs.")
            return _q("q")
        self.step("{lcm} / {large} = {c}")
        self.step("So {a} needs at least {c} of the larger packs.")
        return _q("c")

    def level3(self, c: list[Any]) -> Any:
        lcm = self._multiple("minutes")
        k = self.number(c[-1], 2, 5, name="k", vague="a few")
        total = self.let("total", k * lcm)
        self.step(
            "They happen together every {lcm} minutes, "
            "so {k} more times take {k} x {lcm} = {total} minutes."
        )
        self.step("So that is {total} minutes after noon.")
        return total
