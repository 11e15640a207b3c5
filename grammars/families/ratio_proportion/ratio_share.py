"""Sharing in a ratio: split a total between two or three people in a given ratio."""

from __future__ import annotations

from typing import Any, ClassVar

from lark import Token

from gramgen.semantics import Story


class RatioShare(Story):
    title = "Sharing a total in a ratio"
    lexicons: ClassVar[dict[str, Any]] = {
        "thing": ("sticker", "marble", "card", "stamp", "shell", "bead", "coin", "button",
                  "crayon", "candy", "token", "ticket"),
    }  # fmt: skip
    answer_unit = "thing"

    def THIRD(self, tok: Token) -> str:
        return self.person(tok, "c")

    def FOURTH(self, tok: Token) -> str:
        return self.person(tok, "d")

    def ITEMS(self, tok: Token) -> str:
        return self.noun(tok, "thing")

    def OTHER_ITEMS(self, tok: Token) -> str:
        return self.noun(tok, "other", lexicon="thing")

    # -- sentences: the numbers are made where their meaning is known ----------------

    def setup_two(self, c: list[Any]) -> Token:
        (tok,) = self.tokens(c)
        return tok

    setup_three = setup_two

    def ratio_ab(self, c: list[Any]) -> tuple[str, list[Token]]:
        return "ab", self.tokens(c)

    def ratio_ba(self, c: list[Any]) -> tuple[str, list[Token]]:
        return "ba", self.tokens(c)

    def ratio_three(self, c: list[Any]) -> list[Token]:
        return self.tokens(c)

    def other(self, c: list[Any]) -> None:
        (tok,) = self.tokens(c)
        self.number(tok, 3, 12, name="aside")

    def ask_a(self, c: list[Any]) -> str:
        return "a"

    def ask_b(self, c: list[Any]) -> str:
        return "b"

    def ask_c(self, c: list[Any]) -> str:
        return "c"

    def ask_diff(self, c: list[Any]) -> str:
        return "diff"

    # -- the answer -------------------------------------------------------------------

    def _terms(self, toks: list[Token]) -> list[Any]:
        """The ratio's terms, smallest first and in lowest terms: x, x + d, k(x + d) + 1.

        The terms are results (never left vague); the total is drawn. At most 19
        parts, so that a problem with the total left vague is still open (two totals
        up to 39, the number of parts and twice it, split evenly)."""
        three = len(toks) == 3
        x0 = self.unknown("x0", 1, 3 if three else 4)
        x = self.result(toks[0], x0, name="x")
        if three:
            d, k = self.unknown("step_up", 1, 2), self.unknown("k", 1, 2)
            y = self.result(toks[1], x0 + d, name="y")
            # k (x0 + d) + 1 written out, so that the number of parts is one polynomial
            # in the draws and the total is drawn among its multiples
            z = self.result(toks[2], k * x0 + k * d + 1, name="z")
            return [x, y, z]
        return [x, self.result(toks[1], x * self.unknown("k", 1, 3) + 1, name="y")]

    def _each(self, tok: Token, terms: list[Any], lo: int, hi: int) -> Any:
        total = self.number(tok, lo, hi, name="total")
        parts = self.let("parts", sum(terms))
        self.step(" + ".join(f"{{{t}}}" for t in terms) + " = {parts} parts in all.")
        each = self.let("each", total / parts)
        self.step("One part is {total} / {parts} = {each} {thing}.")
        return each

    def _share(self, each: Any, term: Any, role: str) -> Any:
        share = self.let("share", each * term)
        self.step(f"{{{role}}} gets {{{term}}} x {{each}} = {{share}} {{thing}}.")
        return share

    def _two(self, c: list[Any], lo: int, hi: int) -> Any:
        tok, (order, toks), ask = c
        x, y = self._terms(toks)
        each = self._each(tok, [x, y], lo, hi)
        a, b = (x, y) if order == "ab" else (y, x)
        if ask == "diff":
            gap = self.let("gap", y - x)
            self.step("The shares differ by {y} - {x} = {gap}, in parts.")
            diff = self.let("diff", gap * each)
            self.step("{gap} x {each} = {diff}")
            self.step("One share is {diff} {thing} bigger than the other.")
            return diff
        return self._share(each, a if ask == "a" else b, ask)

    def level1(self, c: list[Any]) -> Any:
        # from 18: a total is a multiple of at most 17 parts, so a part is at least 2
        # ("1 marbles" is wrong) by construction, at every level
        return self._two(c, 18, 100)

    def level2(self, c: list[Any]) -> Any:
        return self._two(c, 100, 500)

    def level3(self, c: list[Any]) -> Any:
        tok, toks, _, ask = c
        terms = self._terms(toks)
        each = self._each(tok, terms, 60, 400)
        return self._share(each, terms["abc".index(ask)], ask)
