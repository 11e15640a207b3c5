"""Shopping with decimals: add prices in dollars and cents, and find the change."""

from __future__ import annotations

from fractions import Fraction
from typing import Any, ClassVar

from lark import Token

from gramgen.semantics import Story

CENT = Fraction(1, 100)


class DecimalShopping(Story):
    title = "Shopping with decimals: totals and change"
    lexicons: ClassVar[dict[str, Any]] = {
        "thing": ("notebook", "sandwich", "muffin", "smoothie", "bracelet", "keychain",
                  "magazine", "comic", "salad", "candle", "umbrella", "apron"),
    }  # fmt: skip
    answer_style = "cents"
    answer_domain = "rational"

    def BUYS(self, tok: Token) -> str:
        return self.verb(tok, "a")

    PICKS = TAKES = GETS = SPENDS = GRABS = PAYS = HANDS = HAS = USES = GIVES = BUYS

    # Semantics.article() records no lexicon, so an article written before its noun
    # (as English has it) finds no word to agree with; bind it with the lexicon here.
    def ART(self, tok: Token) -> str:
        return self.article(tok, "thing")

    def ART_TWO(self, tok: Token) -> str:
        return self.article(tok, "thing2", lexicon="thing")

    def ITEM(self, tok: Token) -> str:
        return self.noun(tok, "thing")  # buy_many: at least 2 things

    def ITEM_ONE(self, tok: Token) -> str:
        return self.noun(tok, "thing", 1)

    def ITEM_TWO(self, tok: Token) -> str:
        return self.noun(tok, "thing2", 1, lexicon="thing")

    def MONEY(self, tok: Token) -> Token:
        return tok

    def _price(self, c: list[Any], name: str, lo: str, hi: str) -> Any:
        (tok,) = self.tokens(c, "MONEY")
        step = CENT * (5 if self.level == 1 else 1)
        return self.number(tok, Fraction(lo), Fraction(hi), step=step, name=name, style="cents")

    def buy_first(self, c: list[Any]) -> Any:
        return self._price(c, "price1", "1.25", "6.95")

    def buy_second(self, c: list[Any]) -> Any:
        return self._price(c, "price2", "1.25", "7.99" if self.level > 1 else "6.95")

    def buy_many(self, c: list[Any]) -> tuple[Any, Any]:
        (tok,) = self.tokens(c)
        count = self.number(tok, 2, 6, name="count")
        return count, self._price(c, "price1", "0.75", "4.99")

    def pay(self, c: list[Any]) -> Any:
        (tok,) = self.tokens(c, "MONEY")
        # $20 to $50 at level 2, $50 or $100 at level 3: always more than the total
        lo, hi, step = (20, 50, 10) if self.level == 2 else (50, 100, 50)
        return self.number(tok, lo, hi, step=step, name="paid", style="money")

    def ask_total(self, c: list[Any]) -> None:
        return None

    ask_change = ask_total

    def level1(self, c: list[Any]) -> Any:
        p1, p2, _ = c
        total = self.let("total", p1 + p2, domain="rational")
        self.step("{price1} + {price2} = {total}")
        self.step("{a} spends {total} in all.")
        return total

    def _change(self, total: Any, paid: Any) -> Any:
        change = self.let("change", paid - total, domain="rational")
        self.step("{paid} - {total} = {change}")
        self.step("{a} gets {change} in change.")
        return change

    def level2(self, c: list[Any]) -> Any:
        p1, p2, paid, _ = c
        total = self.let("total", p1 + p2, domain="rational")
        self.step("{price1} + {price2} = {total}")
        return self._change(total, paid)

    def level3(self, c: list[Any]) -> Any:
        (count, p1), p2, paid, _ = c
        many = self.let("many", count * p1, domain="rational")
        self.step("{count} x {price1} = {many}")
        total = self.let("total", many + p2, domain="rational")
        self.step("{many} + {price2} = {total}")
        return self._change(total, paid)
