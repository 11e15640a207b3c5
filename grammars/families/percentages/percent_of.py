"""Percent of a quantity: a percent of someone's things are one color; how many?"""

from __future__ import annotations

from typing import Any, ClassVar

from lark import Token

from gramgen.semantics import Story


class PercentOf(Story):
    title = "Percent of a quantity"
    lexicons: ClassVar[dict[str, Any]] = {
        "thing": ("marble", "bead", "balloon", "pencil", "sticker", "button", "tile", "sock",
                  "ribbon", "crayon", "card", "flower", "shell", "block"),
        "color": ("red", "blue", "green", "yellow", "white", "purple", "pink", "black",
                  "orange", "silver"),
    }  # fmt: skip
    answer_unit = "thing"

    # -- bindings ---------------------------------------------------------------------

    def NOTICE(self, tok: Token) -> str:
        return self.verb(tok, "a")

    SORT = GIVE = LOSE = DECIDE = DOES = NOTICE

    def ITEM(self, tok: Token) -> str:
        return self.noun(tok, "thing")

    def OTHER_ITEM(self, tok: Token) -> str:
        return self.noun(tok, "other", lexicon="thing")

    def COLOR(self, tok: Token) -> str:
        return self.word(tok, "color")

    def OTHER_COLOR(self, tok: Token) -> str:
        return self.word(tok, "color2", lexicon="color")

    def PCT(self, tok: Token) -> Token:
        return tok

    # -- sentences --------------------------------------------------------------------

    def setup(self, c: list[Any]) -> Any:
        (tok,) = self.tokens(c)
        # the total is a multiple of 10, 20 or 100, so that every percent drawn
        # (tens, fives, tens of tens) gives whole things
        size, lo, hi = {1: (10, 1, 10), 2: (20, 2, 20), 3: (100, 2, 9)}[self.level]
        groups = self.unknown("groups", lo, hi)
        return self.result(tok, groups * size, name="total")

    def share(self, c: list[Any]) -> Any:
        (tok,) = self.tokens(c, "PCT")
        step = 5 if self.level == 2 else 10
        return self.number(tok, step, 100 - step, step=step, name="pct", style="percent")

    def giveaway(self, c: list[Any]) -> Any:
        (tok,) = self.tokens(c, "PCT")
        return self.number(tok, 10, 90, step=10, name="pct2", style="percent")

    def other(self, c: list[Any]) -> None:
        (tok,) = self.tokens(c)
        self.number(tok, 5, 60, name="distractor")

    def ask_part(self, c: list[Any]) -> str:
        return "part"

    def ask_rest(self, c: list[Any]) -> str:
        return "rest"

    def ask_any(self, c: list[Any]) -> str:
        return c[0]

    def ask_left(self, c: list[Any]) -> str:
        return "left"

    # -- the answer -------------------------------------------------------------------

    def _part(self, total: Any, pct: Any) -> Any:
        part = self.let("part", total * pct / 100)
        self.step("{pct} of {total} is {total} x {pct:int} / 100 = {part}.")
        return part

    def level1(self, c: list[Any]) -> Any:
        total, pct, _ = c
        part = self._part(total, pct)
        self.step("{a} has {part} {color} {thing}.")
        return part

    def level2(self, c: list[Any]) -> Any:
        total, pct, ask = c
        part = self._part(total, pct)
        if ask == "part":
            self.step("{a} has {part} {color} {thing}.")
            return part
        rest = self.let("rest", total - part)
        self.step("{total} - {part} = {rest}")
        self.step("{rest} of the {thing} are not {color}.")
        return rest

    def level3(self, c: list[Any]) -> Any:
        _, total, pct, pct2, _ = c
        part = self._part(total, pct)
        gone = self.let("gone", part * pct2 / 100)
        self.step("{pct2} of {part} is {part} x {pct2:int} / 100 = {gone}.")
        left = self.let("left", part - gone)
        self.step("{part} - {gone} = {left}")
        self.step("{a} has {left} {color} {thing} left.")
        return left
