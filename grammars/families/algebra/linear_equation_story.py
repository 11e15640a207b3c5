"""Linear equations in stories: a fixed fee plus a price per unit; how many units?"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from lark import Token

from gramgen.semantics import Story

# context -> (lo, hi, step) of the fee and of the price per unit, the count's range
# and the price difference between the two options (level 3)
CONTEXTS: dict[str, dict[str, tuple[int, ...]]] = {
    "visit": {"fee": (10, 50, 1), "price": (3, 12, 1), "count": (3, 20), "diff": (2, 6, 1)},
    "km": {"fee": (2, 8, 1), "price": (1, 4, 1), "count": (3, 25), "diff": (1, 3, 1)},
    "plumber": {"fee": (30, 90, 5), "price": (20, 60, 5), "count": (2, 8), "diff": (5, 20, 5)},
    "bike": {"fee": (2, 10, 1), "price": (3, 12, 1), "count": (2, 8), "diff": (2, 5, 1)},
    "game": {"fee": (2, 8, 1), "price": (2, 8, 1), "count": (2, 10), "diff": (1, 4, 1)},
    "lesson": {"fee": (10, 60, 5), "price": (10, 40, 5), "count": (2, 16), "diff": (5, 15, 5)},
    "session": {"fee": (10, 40, 5), "price": (5, 15, 1), "count": (2, 16), "diff": (2, 6, 1)},
}
UNITS = {"plumber": "hour", "bike": "hour"}  # context -> its unit's lexicon, if not itself


def _context(unit: str) -> Callable[[LinearEquationStory, list[Any]], None]:
    def action(self: LinearEquationStory, c: list[Any]) -> None:
        self.offer(unit, c)

    action.__name__ = f"ctx_{unit}"  # (unit: the context)
    return action


class LinearEquationStory(Story):
    title = "Linear equations in stories: fixed fee plus a price per visit"
    lexicons: ClassVar[dict[str, Any]] = {
        "visit": ("visit",), "km": ("kilometer",), "hour": ("hour",), "game": ("game",),
        "lesson": ("lesson",), "session": ("session",),
    }  # fmt: skip
    answer_unit = "unit"
    # generated answers are whole; a variant that leaves a price vague may be answered
    # by a fraction
    answer_domain = "rational"

    def __init__(self, level: int = 1) -> None:
        super().__init__(level)
        self.context = "visit"
        self.count: Any = None
        self.diff: Any = None

    def MONEY(self, tok: Token) -> Token:
        return tok

    UNIT = MONEY

    def _unit(self, c: list[Any], count: int) -> None:
        for tok in self.tokens(c, "UNIT"):
            self.noun(tok, "unit", count, lexicon=UNITS.get(self.context, self.context))

    # -- sentences ----------------------------------------------------------------------

    def offer(self, context: str, c: list[Any]) -> None:
        self.context = context
        ranges = CONTEXTS[context]
        fee_tok, price_tok = self.tokens(c, "MONEY")
        self.count = self.unknown("count", *ranges["count"])
        lo, hi, step = ranges["price"]
        if self.level == 2:  # dollars and cents
            step = min(step, 0.25)
        self.number(price_tok, lo, hi, step=step, name="price", style="money")
        if self.level == 3:  # the fee is what the saving per unit adds up to
            lo, hi, step = ranges["diff"]
            self.diff = self.unknown("diff", lo, hi, step=step)
            self.result(fee_tok, self.count * self.diff, name="fee", style="money")
            return
        lo, hi, step = ranges["fee"]
        if self.level == 2:
            step = min(step, 0.5)
        self.number(fee_tok, lo, hi, step=step, name="fee", style="money")

    ctx_visit, ctx_km, ctx_plumber, ctx_bike, ctx_game, ctx_lesson, ctx_session = (
        _context(u) for u in CONTEXTS
    )

    def extra(self, c: list[Any]) -> None:
        (tok,) = self.tokens(c, "MONEY")
        self.number(tok, 1, 8, step=0.5, name="extra", style="money")

    def paid(self, c: list[Any]) -> None:
        import sympy

        (tok,) = self.tokens(c, "MONEY")
        fee, price = (sympy.Symbol(q, real=True) for q in ("fee", "price"))
        fixed = fee + sympy.Symbol("extra", real=True) if self.level == 2 else fee
        self.result(tok, fixed + price * self.count, name="total", style="money")

    def ask(self, c: list[Any]) -> None:
        self._unit(c, 2)

    def choose(self, c: list[Any]) -> None:
        return None

    ask_same = ask

    def other(self, c: list[Any]) -> None:
        import sympy

        (tok,) = self.tokens(c, "MONEY")
        price = sympy.Symbol("price", real=True)
        self.result(tok, price + self.diff, name="price_b", style="money")
        self._unit(c, 1)

    # -- levels -------------------------------------------------------------------------

    def level1(self, c: list[Any]) -> Any:
        import sympy

        total, fee, price = (sympy.Symbol(q, real=True) for q in ("total", "fee", "price"))
        if self.level == 2:
            fixed = self.let("fixed", fee + sympy.Symbol("extra", real=True), domain="rational")
            self.step("The one-off charges: {fee} + {extra} = {fixed:money}")
        else:
            fixed = fee
        rest = self.let("rest", total - fixed, domain="rational")
        fixed_name = "{fixed:money}" if self.level == 2 else "{fee}"
        self.step(f"Take away the one-off charges: {{total}} - {fixed_name} = {{rest:money}}")
        got = self.let("units", rest / price, domain="rational")
        self.step("Each {unit:1} costs {price}: {rest:money} / {price} = {units}")
        self.step("So {a} pays for {units} {unit}.")
        return got

    level2 = level1

    def level3(self, c: list[Any]) -> Any:
        import sympy

        fee, pa, pb = (sympy.Symbol(q, real=True) for q in ("fee", "price", "price_b"))
        saving = self.let("saving", pb - pa, domain="rational")
        self.step("Without the fee each {unit:1} costs {price_b} - {price} = {saving:money} more.")
        got = self.let("units", fee / saving, domain="rational")
        self.step("The fee is made up after {fee} / {saving:money} = {units} {unit}.")
        self.step("Both options cost the same for {units} {unit}.")
        return got
