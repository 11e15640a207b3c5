"""Combine (part-part-whole): friends' amounts put together; at level 3 a missing part."""

from __future__ import annotations

from typing import Any, ClassVar

from lark import Token

from gramgen.semantics import Semantics


class CombineParts(Semantics):
    title = "Combine: put parts together, or find a missing part"
    lexicons: ClassVar[dict[str, Any]] = {
        "thing": ("shell", "acorn", "pebble", "can", "bottle", "leaf", "feather", "chestnut"),
    }
    answer_unit = "thing"

    # the range of each part per level
    PARTS: ClassVar[dict[int, tuple[int, int]]] = {1: (2, 12), 2: (8, 45), 3: (25, 220)}

    def NAME_A(self, tok: Token) -> str:
        return self.person(tok, "a")

    def NAME_B(self, tok: Token) -> str:
        return self.person(tok, "b")

    def NAME_C(self, tok: Token) -> str:
        return self.person(tok, "c")

    def POSS_A(self, tok: Token) -> str:
        return self.pronoun(tok, "a", "possessive")

    POSS_A_CAP = POSS_A

    def POSS_B(self, tok: Token) -> str:
        return self.pronoun(tok, "b", "possessive")

    def POSS_C(self, tok: Token) -> str:
        return self.pronoun(tok, "c", "possessive")

    def ITEM(self, tok: Token) -> str:
        return self.noun(tok, "thing")  # every count is at least 2

    def NUM(self, tok: Token) -> Token:
        return tok

    def _part(self, c: list[Any], name: str) -> Any:
        (tok,) = self.tokens(c)
        lo, hi = self.PARTS[self.level]
        return self.number(tok, lo, hi, name=name)

    def first(self, c: list[Any]) -> Any:
        return self._part(c, "first")

    def second(self, c: list[Any]) -> Any:
        return self._part(c, "second")

    def third(self, c: list[Any]) -> Any:
        return self._part(c, "third")

    def whole(self, c: list[Any]) -> Token:
        (tok,) = self.tokens(c)
        return tok  # computed in level3 from the parts

    def together2(self, c: list[Any]) -> None:
        return None

    together3 = missing = together2

    def level1(self, c: list[Any]) -> Any:
        first, second, _ = c
        total = self.let("total", first + second)
        self.step("{first} + {second} = {total}")
        self.step("{a} and {b} collected {total} {thing} altogether.")
        return total

    def level2(self, c: list[Any]) -> Any:
        first, second, third, _ = c
        total = self.let("total", first + second + third)
        self.step("{first} + {second} + {third} = {total}")
        self.step("{a}, {b} and {c} collected {total} {thing} altogether.")
        return total

    def level3(self, c: list[Any]) -> Any:
        whole, first, second, _ = c
        lo, hi = self.PARTS[self.level]
        third = self.unknown("third", lo, hi)
        self.result(whole, first + second + third, name="total")
        self.let("known", first + second)
        self.step("{a} and {b} collected {first} + {second} = {known} {thing}.")
        self.step("{total} - {known} = {third}")
        self.step("{c} collected {third} {thing}.")
        return third
