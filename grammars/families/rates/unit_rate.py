"""Unit rates: the price of one item, the price of some more, and the better buy."""

from __future__ import annotations

from fractions import Fraction
from typing import Any, ClassVar

from lark import Token

from gramgen.semantics import Story

NICKEL = Fraction(1, 20)


class UnitRate(Story):
    title = "Unit prices and the better buy"
    lexicons: ClassVar[dict[str, Any]] = {
        # things of a few dollars (level 1) and of cents to a few dollars
        "dear": ("notebook", "mug", "candle", "towel", "puzzle", "kite", "plant", "sandwich",
                 "sketchbook", "pillow", "flashlight", "scarf"),
        "thing": ("pen", "pencil", "marker", "eraser", "apple", "orange", "lemon", "bagel",
                  "battery", "muffin", "lime", "peach", "donut", "cookie"),
        "shop": ("ValueMart", "FreshCo", "QuickStop", "Shopwell", "BargainBarn", "CornerMart",
                 "MegaSave", "GreenGrocer"),
    }  # fmt: skip
    answer_style = "money"
    answer_domain = "rational"

    def BUY(self, tok: Token) -> str:
        return self.verb(tok, "a")

    def SHOP1(self, tok: Token) -> str:
        return self.word(tok, "shop1", lexicon="shop")

    def SHOP2(self, tok: Token) -> str:
        return self.word(tok, "shop2", lexicon="shop")

    @property
    def _lexicon(self) -> str:
        return "dear" if self.level == 1 else "thing"

    def ITEM(self, tok: Token) -> str:
        return self.noun(tok, "thing", 1, lexicon=self._lexicon)

    def ITEMS(self, tok: Token) -> str:
        return self.noun(tok, "thing", 2, lexicon=self._lexicon)

    NUM2 = MONEY = MONEY_X = Story.NUM

    # -- sentences --------------------------------------------------------------------

    def _offer(self, toks: list[Token], n: str, lo: int, hi: int, each: Any) -> Any:
        count_tok, money_tok = toks
        count = self.number(count_tok, lo, hi, name=f"count{n}")
        cost = self.result(money_tok, count * each, name=f"cost{n}", style="money",
                           domain="rational")  # fmt: skip
        return count, cost

    def offer(self, c: list[Any]) -> tuple[Any, Any]:
        toks = [*self.tokens(c), *self.tokens(c, "MONEY")]
        if self.level == 1:
            return self._offer(toks, "", 2, 9, self.unknown("each0", 1, 12))
        return self._offer(toks, "", 6, 30, self.unknown("each0", NICKEL * 5, 4, step=NICKEL))

    def offer_a(self, c: list[Any]) -> tuple[str, list[Token]]:
        return "a", [*self.tokens(c), *self.tokens(c, "MONEY")]

    def offer_b(self, c: list[Any]) -> tuple[str, list[Token]]:
        return "b", [*self.tokens(c), *self.tokens(c, "MONEY")]

    def ask_more(self, c: list[Any]) -> Any:
        (tok,) = self.tokens(c, "NUM2")
        return self.number(tok, 2, 40, name="count2")

    def other(self, c: list[Any]) -> None:
        for tok in self.tokens(c):
            self.number(tok, 2, 15, name="aside")
        for tok in self.tokens(c, "MONEY_X"):
            self.number(tok, 2, 9, name="aside", style="money")

    def ask_one(self, c: list[Any]) -> None:
        return None

    ask_best = ask_one

    # -- the answer -------------------------------------------------------------------

    def _each(self, count: Any, cost: Any, n: str = "") -> Any:
        each = self.let(f"each{n}", cost / count, domain="rational")
        self.step(f"{{cost{n}}} / {{count{n}}} = {{each{n}}} per {{thing:1}}.")
        return each

    def _cents(self, amount: Any) -> None:
        """``amount`` is a whole number of cents."""
        self.let("cents", amount * 100)

    def level1(self, c: list[Any]) -> Any:
        (count, cost), _ = c
        each = self._each(count, cost)
        self._cents(each)
        self.step("One {thing:1} costs {each}.")
        return each

    def level2(self, c: list[Any]) -> Any:
        (count, cost), count2 = c
        self.let("change", 1 / (count2 - count), domain="any")  # a different number
        each = self._each(count, cost)
        total = self.let("total", count2 * each, domain="rational")
        self._cents(total)
        self.step("{count2} x {each} = {total}")
        self.step("{count2} {thing} cost {total}.")
        return total

    def level3(self, c: list[Any]) -> Any:
        offers = dict(c[:2])
        # the shop of the offer_a sentences is the cheaper one (either may come first)
        cheap = self.unknown("each01", NICKEL * 5, 3, step=NICKEL)
        gap = self.unknown("gap", NICKEL, 1, step=NICKEL)
        count1, cost1 = self._offer(offers["a"], "1", 2, 12, cheap)
        count2, cost2 = self._offer(offers["b"], "2", 2, 12, cheap + gap)
        each1 = self._each(count1, cost1, "1")
        each2 = self._each(count2, cost2, "2")
        diff = self.let("diff", each2 - each1, domain="rational")
        self._cents(diff)
        self.let("cents2", each2 * 100)
        self.step("{shop1} is cheaper: {each2} - {each1} = {diff}.")
        self.step("The better buy is {diff} cheaper per {thing:1}.")
        return diff
