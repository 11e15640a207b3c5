"""Cost, markup and profit: selling prices, markups, takings and profit on a batch."""

from __future__ import annotations

from typing import Any, ClassVar

from lark import Token

from gramgen.semantics import Story


class ProfitMarkup(Story):
    title = "Cost, markup and profit"
    verbs = ("BUY", "MARK", "ADD", "PRICE", "SET", "SELL", "PUT", "LOSE", "DOES")
    lexicons: ClassVar[dict[str, Any]] = {
        "item": ("lamp", "vase", "mug", "candle", "scarf", "kite", "backpack", "clock",
                 "teapot", "umbrella", "basket", "cushion", "frame", "plant"),
    }  # fmt: skip
    answer_style = "money"
    answer_domain = "rational"

    def let(self, name: str, expr: Any, *, domain: str = "rational", hi: Any = None) -> Any:
        """Amounts of money: positive, in dollars and cents."""
        return super().let(name, expr, domain=domain, hi=hi)

    # -- terminals ---------------------------------------------------------------------

    def ART(self, tok: Token) -> str:
        return self.article(tok, "item")

    def ITEM(self, tok: Token) -> str:
        return self.noun(tok, "item", 1)

    ITEM_ONE = ITEM

    def ITEMS(self, tok: Token) -> str:
        return self.noun(tok, "item", 2)

    MONEY = PCT = Story.NUM

    # -- sentences ---------------------------------------------------------------------

    def cost_one(self, c: list[Any]) -> Any:
        (tok,) = self.tokens(c, "MONEY")
        return self.number(tok, 8, 60, name="cost", style="money")

    def _markup(self, c: list[Any]) -> Any:
        (tok,) = self.tokens(c, "PCT")
        lo, hi = (20, 100) if self.level == 1 else (20, 80)
        return self.number(tok, lo, hi, step=5, name="rate", style="percent")

    markup_one = _markup

    def batch(self, c: list[Any]) -> tuple[Any, Any]:
        (ntok,) = self.tokens(c, "NUM")
        (mtok,) = self.tokens(c, "MONEY")
        lo, hi = (10, 40) if self.level == 2 else (20, 80)
        count = self.number(ntok, lo, hi, name="count")
        cost = self.number(mtok, 2, 25, name="cost", style="money")
        return count, cost

    def sell_price(self, c: list[Any]) -> tuple[str, Token]:
        (tok,) = self.tokens(c, "MONEY")
        return "price", tok

    def sell_markup(self, c: list[Any]) -> tuple[str, Any]:
        return "markup", self._markup(c)

    def unsold(self, c: list[Any]) -> Any:
        (tok,) = self.tokens(c, "NUM")
        return self.number(tok, 2, 8, name="unsold")

    def other_count(self, c: list[Any]) -> None:
        (tok,) = self.tokens(c, "NUM")
        self.number(tok, 3, 12, name="aside")

    def other_money(self, c: list[Any]) -> None:
        (tok,) = self.tokens(c, "MONEY")
        self.number(tok, 15, 90, name="aside", style="money")

    def ask_price(self, c: list[Any]) -> str:
        return "price"

    def ask_markup(self, c: list[Any]) -> str:
        return "markup"

    def ask_profit_all(self, c: list[Any]) -> str:
        return "profit"

    def ask_takings(self, c: list[Any]) -> str:
        return "takings"

    def ask_one(self, c: list[Any]) -> str:
        return str(c[0])

    ask_batch = ask_one

    def ask_profit(self, c: list[Any]) -> str:
        return "profit"

    # -- the answer --------------------------------------------------------------------

    def _price(self, cost: Any, sell: tuple[str, Any], each: str) -> Any:
        """The selling price of one item (and the steps that find it)."""
        kind, what = sell
        if kind == "markup":
            up = self.let("markup", cost * what / 100)
            self.step(
                f"The markup on {each} is {{rate}} of {{cost}}: "
                "{cost} x {rate:int} / 100 = {markup}."
            )
            price = self.let("price", cost + up)
            self.step(f"So {each} sells for {{cost}} + {{markup}} = {{price}}.")
            return price
        # a price written in the text, above the cost by a hidden margin
        margin = self.unknown("margin", 1, 12)
        self.let("room", cost - margin, domain="nonnegative")  # at most double the cost
        return self.result(what, cost + margin, name="price", style="money")

    def level1(self, c: list[Any]) -> Any:
        cost, rate, ask = c
        up = self.let("markup", cost * rate / 100)
        self.step("The markup is {rate} of {cost}: {cost} x {rate:int} / 100 = {markup}.")
        if ask == "markup":
            self.step("The markup is {markup}.")
            return up
        price = self.let("price", cost + up)
        self.step("The selling price is {cost} + {markup} = {price}.")
        self.step("{a} sells the {item:1} for {price}.")
        return price

    def level2(self, c: list[Any]) -> Any:
        (count, cost), sell, ask = c
        price = self._price(cost, sell, "each one")
        takings = self.let("takings", count * price)
        self.step("Selling all {count}: {count} x {price} = {takings}.")
        if ask == "takings":
            self.step("The {item} bring in {takings}.")
            return takings
        spent = self.let("spent", count * cost)
        self.step("Buying them cost {count} x {cost} = {spent}.")
        profit = self.let("profit", takings - spent)
        self.step("The profit is {takings} - {spent} = {profit}.")
        self.step("{a} makes a profit of {profit}.")
        return profit

    def level3(self, c: list[Any]) -> Any:
        (count, cost), sell, unsold, _, _ = c
        spent = self.let("spent", count * cost)
        self.step("Buying them cost {count} x {cost} = {spent}.")
        price = self._price(cost, sell, "each one")
        sold = self.let("sold", count - unsold, domain="whole")
        self.step("Only {count} - {unsold} = {sold:int} are sold.")
        takings = self.let("takings", sold * price)
        self.step("They bring in {sold:int} x {price} = {takings}.")
        profit = self.let("profit", takings - spent)
        self.step("The profit is {takings} - {spent} = {profit}.")
        self.step("{a} makes a profit of {profit}.")
        return profit
