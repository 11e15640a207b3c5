"""A fraction of a quantity: how many children are a fraction of a group (or the rest)."""

from __future__ import annotations

from typing import Any, ClassVar

from lark import Token

from gramgen.semantics import Story

Part = tuple[str, Token]


class FractionOfQuantity(Story):
    title = "Fraction of a quantity"
    lexicons: ClassVar[dict[str, Any]] = {
        "group": ("student", "child", "pupil", "kid"),
        "act": ("walk to school", "take the bus", "bring a packed lunch", "wear glasses",
                "play the piano", "have a pet", "ride a bike", "play chess",
                "sing in the choir", "like spinach", "have a sister", "play soccer"),
    }  # fmt: skip
    answer_unit = "group"

    # Denominators of the fraction per level and phrasing group (the aliases); the
    # group size is drawn among multiples of the denominator(s), so every part is whole,
    # and the numerator is chosen first, so the fraction is not a free number.
    PART_DEN: ClassVar[dict[int, dict[str, int]]] = {
        1: {"a": 2, "b": 3, "c": 4, "d": 5},
        2: {"a": 4, "b": 6, "c": 8, "d": 5},
        3: {"a": 2, "b": 3, "c": 4, "d": 3},
    }
    REST_DEN: ClassVar[dict[str, int]] = {"a": 2, "b": 3, "c": 4}
    # how many times the denominator(s) the group is
    UNITS: ClassVar[dict[int, tuple[int, int]]] = {1: (2, 8), 2: (3, 15), 3: (3, 12)}

    def GROUP(self, tok: Token) -> str:
        return self.noun(tok, "group")  # every count written beside it is at least 2

    def ACT(self, tok: Token) -> str:
        return self.word(tok, "act")

    def ACT_TWO(self, tok: Token) -> str:
        return self.word(tok, "act2", lexicon="act")

    def FRAC(self, tok: Token) -> Token:
        return tok

    def whole(self, c: list[Any]) -> Token:
        (tok,) = self.tokens(c)
        return tok

    def part_a(self, c: list[Any]) -> Part:
        return "a", self.tokens(c, "FRAC")[0]

    def part_b(self, c: list[Any]) -> Part:
        return "b", self.tokens(c, "FRAC")[0]

    def part_c(self, c: list[Any]) -> Part:
        return "c", self.tokens(c, "FRAC")[0]

    def part_d(self, c: list[Any]) -> Part:
        return "d", self.tokens(c, "FRAC")[0]

    rest_a, rest_b, rest_c = part_a, part_b, part_c

    def ask_part(self, c: list[Any]) -> None:
        return None

    ask_rest = ask_part

    def ask_second(self, c: list[Any]) -> str:
        return "second"

    def ask_neither(self, c: list[Any]) -> str:
        return "neither"

    def _fraction(self, tok: Token, den: int, name: str) -> Any:
        """A fraction k/den (0 < k < den), written in lowest terms."""
        k = self.unknown(f"{name}_top", 1, den - 1)
        return self.result(tok, k / den, name=name, style="fraction", domain="rational")

    def _setup(self, whole_tok: Token, part: Part, extra: int = 1) -> tuple[Any, Any]:
        den = self.PART_DEN[self.level][part[0]]
        lo, hi = self.UNITS[self.level]
        size = den * extra
        whole = self.number(whole_tok, size * lo, size * hi, step=size, name="whole")
        frac = self._fraction(part[1], den, "frac")
        part_n = self.let("part", whole * frac)
        self.step("{whole} x {frac} = {part}")
        return whole, part_n

    def level1(self, c: list[Any]) -> Any:
        whole, part, _ = c
        _, part_n = self._setup(whole, part)
        self.step("So {part} of the {group} {act}.")
        return part_n

    def level2(self, c: list[Any]) -> Any:
        whole, part, _ = c
        whole_n, part_n = self._setup(whole, part)
        rest = self.let("rest", whole_n - part_n)
        self.step("{whole} - {part} = {rest}")
        self.step("So {rest} of the {group} do not {act}.")
        return rest

    def level3(self, c: list[Any]) -> Any:
        whole, part, rest_part, ask = c
        den2 = self.REST_DEN[rest_part[0]]
        whole_n, part_n = self._setup(whole, part, extra=den2)
        rest = self.let("rest", whole_n - part_n)
        self.step("{whole} - {part} = {rest} do not {act}.")
        frac2 = self._fraction(rest_part[1], den2, "frac2")
        second = self.let("second", rest * frac2)
        self.step("{rest} x {frac2} = {second}")
        if ask == "second":
            self.step("So {second} of the {group} {act2}.")
            return second
        neither = self.let("neither", rest - second)
        self.step("{rest} - {second} = {neither}")
        self.step("So {neither} of the {group} do neither.")
        return neither
