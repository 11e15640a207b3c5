"""Sharing with a remainder: how many each, how many left over, or how many more needed."""

from __future__ import annotations

from typing import Any, ClassVar

import sympy
from lark import Token

from gramgen.semantics import Story


class SharingRemainder(Story):
    title = "Sharing with a remainder: each share and what is left over"
    lexicons: ClassVar[dict[str, Any]] = {
        "thing": ("sticker", "marble", "card", "cookie", "crayon", "pencil", "bead", "candy"),
        "group": ("friend", "cousin", "classmate", "teammate", "neighbor"),
    }
    answer_unit = "thing"

    # (things lo, hi), (people lo, hi) per level; level 3 draws two amounts
    THINGS: ClassVar[dict[int, tuple[int, int]]] = {1: (13, 30), 2: (40, 150), 3: (40, 200)}
    PEOPLE: ClassVar[dict[int, tuple[int, int]]] = {1: (3, 6), 2: (3, 9), 3: (4, 12)}

    def GETS(self, tok: Token) -> str:
        return self.verb(tok, "a")

    BUYS = FINDS = PICKS = SHARES = WANTS = DEALS = DIVIDES = HANDS = GETS

    def ITEM(self, tok: Token) -> str:
        return self.noun(tok, "thing")  # every count of things is at least 2

    def GROUP(self, tok: Token) -> str:
        return self.noun(tok, "group")  # at least 2 people

    def GROUP_ONE(self, tok: Token) -> str:
        return self.noun(tok, "group", 1)

    def have(self, c: list[Any]) -> Any:
        (tok,) = self.tokens(c)
        return self.number(tok, *self.THINGS[self.level], name="first")

    def more(self, c: list[Any]) -> Any:
        (tok,) = self.tokens(c)
        return self.number(tok, 20, 150, name="extra")

    def share(self, c: list[Any]) -> Any:
        (tok,) = self.tokens(c)
        return self.number(tok, *self.PEOPLE[self.level], name="people")

    def ask_each(self, c: list[Any]) -> str:
        return "each"

    def ask_left(self, c: list[Any]) -> str:
        return "left"

    def ask_short(self, c: list[Any]) -> str:
        return "short"

    def _share(self, total: Any, people: Any, ask: str) -> Any:
        each = self.let("each", sympy.floor(total / people))
        used = self.let("used", people * each)
        # the remainder is never 0: there is always something left over
        left = self.let("left", total - used)
        self.step("{total} ÷ {people} is {each} each with some left over.")
        self.step("{people} x {each} = {used}")
        self.step("{total} - {used} = {left}")
        if ask == "each":
            self.step("Each {group:1} gets {each} {thing}.")
            return each
        if ask == "left":
            self.step("So {left} of the {thing} are left over.")
            return left
        short = self.let("short", people - left)
        self.step("{people} - {left} = {short}")
        self.step("{a} needs {short} more to give every {group:1} one more.")
        return short

    def level1(self, c: list[Any]) -> Any:
        first, people, ask = c
        self.let("total", first)
        return self._share(first, people, ask)

    level2 = level1

    def level3(self, c: list[Any]) -> Any:
        first, extra, people, ask = c
        total = self.let("total", first + extra)
        self.step("{first} + {extra} = {total}")
        return self._share(total, people, ask)
