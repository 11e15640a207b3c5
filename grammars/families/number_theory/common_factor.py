"""Greatest common factor: identical groups with nothing left over, largest square tiles."""

from __future__ import annotations

from typing import Any, ClassVar

import sympy
from lark import Token

from gramgen.semantics import Story

# How the second amount's share relates to the first's (c): numbers of these forms
# share no factor with c, so the common factor of g c and g q is exactly g.
SHARES = {"next": (1, 1), "double_plus": (2, 1), "double_minus": (2, -1)}
# level -> range of c (the first amount's share) and of the common factor g
RANGES = {1: ((2, 6), (2, 12)), 2: ((2, 5), (2, 10)), 3: ((2, 5), (5, 30))}


def _q(name: str) -> Any:
    return sympy.Symbol(name, real=True)


class CommonFactor(Story):
    MONEY = Story.NUM
    title = "Greatest common factor: identical groups and the largest square tiles"
    verbs = ("WANT", "PLAN", "MAKE")
    lexicons: ClassVar[dict[str, Any]] = {
        "thing": ("pencil", "eraser", "sticker", "marker", "apple", "orange", "cookie",
                  "muffin", "balloon", "notebook", "crayon", "badge"),
        "group": ("bag", "box", "basket", "pack", "kit", "bundle"),
        "room": ("kitchen", "hallway", "bathroom", "classroom", "bedroom", "studio"),
    }  # fmt: skip

    def __init__(self, level: int = 1) -> None:
        super().__init__(level)
        self.share = "next"
        self.toks: list[Token] = []

    # -- terminals -------------------------------------------------------------------

    def ITEM_A(self, tok: Token) -> str:
        return self.noun(tok, "x", lexicon="thing")

    def ITEM_B(self, tok: Token) -> str:
        return self.noun(tok, "y", lexicon="thing")

    def ITEM_C(self, tok: Token) -> str:
        return self.noun(tok, "z", lexicon="thing")

    def GROUP(self, tok: Token) -> str:
        return self.noun(tok, "group")

    def GROUP1(self, tok: Token) -> str:
        return self.noun(tok, "group", 1)

    def ROOM(self, tok: Token) -> str:
        return self.word(tok, "room")

    def POSS_ROOM(self, tok: Token) -> str:
        return self.pronoun(tok, "a", "possessive")

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

    def plan(self, c: list[Any]) -> None:
        return None

    tiles = plan

    def ask_groups(self, c: list[Any]) -> str:
        return "groups"

    def ask_three(self, c: list[Any]) -> str:
        return str(c[0]) if c else "groups"

    def ask_each(self, c: list[Any]) -> str:
        return "each"

    def ask_side(self, c: list[Any]) -> str:
        return "side"

    def ask_count(self, c: list[Any]) -> str:
        return "count"

    def ask_tiles(self, c: list[Any]) -> str:
        return str(c[0])

    def ask_cost(self, c: list[Any]) -> str:
        return "cost"

    def price(self, c: list[Any]) -> None:
        (tok,) = self.tokens(c, "MONEY")
        self.number(tok, 2, 9, name="price", style="money")

    def distract(self, c: list[Any]) -> None:
        for tok in self.tokens(c):
            self.number(tok, 3, 30, name="aside", vague=None)

    # -- the common factor -------------------------------------------------------------

    def _factor(self, first_tok: Token, second_tok: Token, lo: int, hi: int) -> tuple[Any, Any]:
        """The first amount g c (drawn), the second g q; returns (c, q)."""
        (c_lo, c_hi), _ = RANGES[self.level]
        m, s = SHARES[self.share]
        share = self.unknown("c", c_lo, c_hi)
        # (never left vague: another amount rarely keeps the second a multiple of the
        # common factor; the price of a tile is the number left vague)
        first = self.number(first_tok, lo, hi, name="first", vague=None)
        g = self.let("g", first / share, domain="whole")
        self.let("g_big", g - 1, domain="whole")  # a common factor of at least 2
        q = self.let("q", m * share + s, domain="whole")
        self.result(second_tok, g * q, name="second")
        return share, q

    def _explain(self, names: str) -> None:
        self.step("{first} = {g} x {c} and {second} = {g} x {q}.")
        self.step(
            f"{{c}} and {{q}} have no common factor other than 1, so {{g}} is the greatest "
            f"common factor of {names}."
        )

    def level1(self, c: list[Any]) -> Any:
        first_tok, second_tok = self.toks
        _, g_hi = RANGES[1][1]
        self._factor(first_tok, second_tok, 4, 6 * g_hi)
        self._explain("{first} and {second}")
        self.step("Each {group:1} gets {c} {x} and {q} {y}.")
        self.step("So the greatest number of {group} is {g}.")
        return _q("g")

    def level3(self, c: list[Any]) -> Any:
        long_tok, wide_tok = self.toks
        _, g_hi = RANGES[3][1]
        self._factor(wide_tok, long_tok, 60, 5 * g_hi)
        self._explain("{second} and {first}")
        if c[-1] == "side":
            self.step("So the largest tiles have sides of {g} centimeters.")
            return _q("g")
        tiles = self.let("tiles", _q("c") * _q("q"))
        self.step("Along the length fit {q} tiles and along the width {c} tiles.")
        self.step("{q} x {c} = {tiles}")
        if c[-1] == "count":
            self.step("So {tiles} of the largest tiles are needed.")
            return tiles
        cost = self.let("cost", tiles * _q("price"))
        self.step("{tiles} x {price} = {cost:money}")
        self.step("So the tiles cost {cost:money} in all.")
        return cost

    def level2(self, c: list[Any]) -> Any:
        first_tok, second_tok, third_tok = self.toks
        _, g_hi = RANGES[2][1]
        self._factor(first_tok, second_tok, 4, 5 * g_hi)
        k = self.unknown("k", 2, 9)
        self.result(third_tok, _q("g") * k, name="third")
        self.let("r", k)
        self.step("{first} = {g} x {c}, {second} = {g} x {q} and {third} = {g} x {r}.")
        self.step(
            "{c} and {q} have no common factor other than 1, so {g} is the greatest "
            "common factor of all three amounts."
        )
        if c[-1] == "groups":
            self.step("So the greatest number of {group} is {g}.")
            return _q("g")
        each = self.let("each", _q("c") + _q("q") + k)
        self.step("Each {group:1} gets {c} {x}, {q} {y} and {r} {z}: {c} + {q} + {r} = {each}.")
        self.step("So each {group:1} holds {each} things.")
        return each
