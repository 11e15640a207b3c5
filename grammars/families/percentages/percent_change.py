"""Percent change: sales go up or down by a percent; the new value, or the percent."""

from __future__ import annotations

from typing import Any, ClassVar

from lark import Token

from gramgen.semantics import Story


class PercentChange(Story):
    title = "Percent increase and decrease"
    lexicons: ClassVar[dict[str, Any]] = {
        "thing": ("muffin", "cookie", "bagel", "pie", "cupcake", "sandwich", "pretzel",
                  "donut", "croissant", "scone", "brownie", "pastry"),
        "percent": ("percent",),
    }  # fmt: skip
    answer_style = "int"
    answer_domain = "rational"
    # the answer's unit is a role: the things sold (levels 1-2) or "percent" (level 3)
    answer_unit = "unit"

    def SELL(self, tok: Token) -> str:
        return self.verb(tok, "a")

    HAS = DOES = SELL

    @property
    def _things(self) -> str:
        return "thing" if self.level == 3 else "unit"

    def ITEMS(self, tok: Token) -> str:
        return self.noun(tok, self._things, lexicon="thing")

    def OTHER_ITEMS(self, tok: Token) -> str:
        return self.noun(tok, "other", lexicon="thing")

    def PERCENT(self, tok: Token) -> str:
        return self.word(tok, "unit", lexicon="percent")

    PCT = Story.NUM

    # -- sentences --------------------------------------------------------------------

    def setup(self, c: list[Any]) -> Any:
        (tok,) = self.tokens(c)
        if self.level == 3:
            return tok  # level 3 decides which of the two numbers is drawn
        # a multiple of 10 (100) sold a week, so that changes by multiples of 10%
        # leave whole numbers (also when a percent is left vague)
        size, lo, hi = (10, 2, 10) if self.level == 1 else (100, 1, 5)
        groups = self.unknown("groups", lo, hi)
        return self.result(tok, groups * size, name="before", style="comma")

    def up(self, c: list[Any]) -> tuple[int, Token]:
        (tok,) = self.tokens(c, "PCT")
        return 1, tok

    def down(self, c: list[Any]) -> tuple[int, Token]:
        (tok,) = self.tokens(c, "PCT")
        return -1, tok

    def other(self, c: list[Any]) -> None:
        (tok,) = self.tokens(c)
        self.number(tok, 3, 12, name="aside")

    def now(self, c: list[Any]) -> Token:
        (tok,) = self.tokens(c)
        return tok

    def ask_new(self, c: list[Any]) -> None:
        return None

    def ask_up(self, c: list[Any]) -> int:
        return 1

    def ask_down(self, c: list[Any]) -> int:
        return -1

    # -- the answer -------------------------------------------------------------------

    def _apply(self, before: Any, change: tuple[int, Token], n: str) -> Any:
        sign, tok = change
        # at most 40% at level 2, so that the answer stays under 1,000
        top = 50 if self.level == 1 else 40
        rate = self.number(tok, 10, top, step=10, name=f"rate{n}", style="percent")
        after = self.let(f"after{n}", before * (100 + sign * rate) / 100)
        what, op = ("an increase", "+") if sign > 0 else ("a decrease", "-")
        self.step(
            f"{{rate{n}}} is {what}: {{{before}}} x (100 {op} {{rate{n}:int}}) / 100 = "
            f"{{after{n}}}."
        )
        return after

    def level1(self, c: list[Any]) -> Any:
        before, change, _ = c
        after = self._apply(before, change, "")
        self.step("{a} sells {after} {unit} a week now.")
        return after

    def level2(self, c: list[Any]) -> Any:
        before, change1, change2, _ = c
        mid = self._apply(before, change1, "1")
        after = self._apply(mid, change2, "2")
        self.step("{a} sells {after2} {unit} a week now.")
        return after

    def level3(self, c: list[Any]) -> Any:
        old_tok, new_tok, _, sign = c
        rate = self.unknown("rate", 5, 60, step=5)
        # the smaller number is drawn and the larger computed, so that a problem
        # with the smaller number left vague is still open
        if sign > 0:
            old = self.number(old_tok, 40, 800, name="before", style="comma")
            new = self.result(new_tok, old * (100 + rate) / 100, name="after", style="comma")
            diff = self.let("diff", new - old)
            self.step("Sales went up by {after} - {before} = {diff}.")
            word = "increase"
        else:
            new = self.number(new_tok, 40, 800, name="after", style="comma")
            old = self.result(old_tok, new * 100 / (100 - rate), name="before", style="comma")
            diff = self.let("diff", old - new)
            self.step("Sales went down by {before} - {after} = {diff}.")
            word = "decrease"
        answer = self.let("answer_pct", diff * 100 / old, domain="rational")
        self.step("As a percent of the old sales: {diff} x 100 / {before} = {answer_pct}.")
        self.step(f"The weekly sales {word} by {{answer_pct}} percent.")
        return answer
