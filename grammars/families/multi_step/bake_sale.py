"""A bake sale in several steps: treats baked, kept back, bagged and sold; raised or profit."""

from __future__ import annotations

from typing import Any, ClassVar

from lark import Token

from gramgen.semantics import Story


class BakeSale(Story):
    title = "Bake sale: batches, bags, prices and ingredients in several steps"
    verbs = ("KEEP", "SAVE", "ADD", "GIVE", "BURN", "THROW", "SELL", "PRICE", "DOES", "PACK",
             "PUT", "FILL", "BAKE", "MAKE", "BRING", "HAVE", "TAKE", "SPEND", "PAY")  # fmt: skip
    lexicons: ClassVar[dict[str, Any]] = {
        "treat": ("cookie", "brownie", "macaroon", "pretzel", "cupcake"),
        "big": ("muffin", "bun", "tart", "scone", "doughnut"),
    }
    answer_style = "money"
    answer_domain = "rational"

    def let(self, name: str, expr: Any, *, domain: str = "rational", hi: Any = None) -> Any:
        """Amounts of money: positive."""
        return super().let(name, expr, domain=domain, hi=hi)

    # -- terminals ---------------------------------------------------------------------

    def TREATS(self, tok: Token) -> str:
        return self.noun(tok, "treat", 2)

    def BIGS(self, tok: Token) -> str:
        return self.noun(tok, "big", 2)

    MONEY = Story.NUM

    # -- sentences ---------------------------------------------------------------------

    def _bake(self, batches_tok: Token, per_tok: Token) -> tuple[Any, Any]:
        hi = 5 if self.level == 1 else 6
        batches = self.number(batches_tok, 2, hi, name="batches")
        per = self.number(per_tok, 12, 36, step=6, name="per_batch")
        return batches, per

    def bake(self, c: list[Any]) -> tuple[Any, Any]:
        batches, per = self.tokens(c, "NUM")
        return self._bake(batches, per)

    def bake_rev(self, c: list[Any]) -> tuple[Any, Any]:
        per, batches = self.tokens(c, "NUM")
        return self._bake(batches, per)

    def keep(self, c: list[Any]) -> Any:
        (tok,) = self.tokens(c, "NUM")
        return self.number(tok, 2, 10, name="kept")

    def sell_each(self, c: list[Any]) -> Any:
        (tok,) = self.tokens(c, "MONEY")
        return self.number(tok, "0.25", "1.5", step="0.25", name="price", style="money")

    def pack(self, c: list[Any]) -> tuple[Any, Any]:
        (ntok,) = self.tokens(c, "NUM")
        (mtok,) = self.tokens(c, "MONEY")
        size = self.number(ntok, 3, 6, name="bag_size")
        return size, self.number(mtok, 2, 6, step="0.5", name="bag_price", style="money")

    def extra(self, c: list[Any]) -> tuple[Any, Any]:
        (ntok,) = self.tokens(c, "NUM")
        (mtok,) = self.tokens(c, "MONEY")
        count = self.number(ntok, 6, 24, name="bigs")
        return count, self.number(mtok, 1, "3.5", step="0.25", name="big_price", style="money")

    def unsold(self, c: list[Any]) -> Any:
        (tok,) = self.tokens(c, "NUM")
        return self.number(tok, 2, 4, name="unsold")

    def cost(self, c: list[Any]) -> Any:
        (tok,) = self.tokens(c, "MONEY")
        return self.number(tok, 8, 40, name="cost", style="money")

    def other_count(self, c: list[Any]) -> None:
        (tok,) = self.tokens(c, "NUM")
        self.number(tok, 3, 12, name="aside")

    def other_big(self, c: list[Any]) -> None:
        (tok,) = self.tokens(c, "MONEY")
        self.number(tok, 60, 300, step=5, name="aside", style="money")

    def other_small(self, c: list[Any]) -> None:
        (tok,) = self.tokens(c, "MONEY")
        self.number(tok, 4, 15, name="aside", style="money")

    def ask_money(self, c: list[Any]) -> str:
        return "raised"

    ask_raised = ask_money

    def ask_profit(self, c: list[Any]) -> str:
        return "profit"

    def ask_end(self, c: list[Any]) -> str:
        return str(c[0])

    # -- levels ------------------------------------------------------------------------

    def _baked(self, batches: Any, per: Any) -> Any:
        baked = self.let("baked", batches * per, domain="whole")
        self.step("{a} bakes {batches} x {per_batch} = {baked:int} {treat}.")
        return baked

    def level1(self, c: list[Any]) -> Any:
        (batches, per), kept, price, _ = c
        baked = self._baked(batches, per)
        sold = self.let("sold", baked - kept, domain="whole")
        self.step("{baked:int} - {kept} = {sold:int} are left to sell.")
        raised = self.let("raised", sold * price)
        self.step("{sold:int} x {price} = {raised}")
        self.step("{a} raises {raised}.")
        return raised

    def level2(self, c: list[Any]) -> Any:
        return self._bags(c[0], c[1], c[2], None, c[3], c[-1])

    def level3(self, c: list[Any]) -> Any:
        return self._bags(c[0], c[1], c[2], c[3], c[4], c[-1])

    def _bags(
        self,
        bake: tuple[Any, Any],
        pack: tuple[Any, Any],
        extra: tuple[Any, Any],
        unsold: Any,
        cost: Any,
        ask: str,
    ) -> Any:
        (batches, per), (size, bag_price), (bigs, big_price) = bake, pack, extra
        baked = self._baked(batches, per)
        bags = self.let("bags", baked / size, domain="whole")
        self.step("In bags of {bag_size}: {baked:int} / {bag_size} = {bags:int} bags.")
        if unsold is not None:
            sold = self.let("sold_bags", bags - unsold, domain="whole")
            self.let("sold_check", sold - 2, domain="nonnegative")
            self.step("{bags:int} - {unsold} = {sold_bags:int} bags are sold.")
            money1 = self.let("bag_money", sold * bag_price)
            self.step("The bags bring in {sold_bags:int} x {bag_price} = {bag_money}.")
        else:
            money1 = self.let("bag_money", bags * bag_price)
            self.step("The bags bring in {bags:int} x {bag_price} = {bag_money}.")
        money2 = self.let("big_money", bigs * big_price)
        self.step("The {big} bring in {bigs} x {big_price} = {big_money}.")
        raised = self.let("raised", money1 + money2)
        self.step("Together: {bag_money} + {big_money} = {raised}.")
        if ask == "raised":
            self.step("{a} raises {raised}.")
            return raised
        profit = self.let("profit", raised - cost)
        self.step("After the ingredients: {raised} - {cost} = {profit}.")
        self.step("{a} makes a profit of {profit}.")
        return profit
