"""Mixtures: blend two prices or two strengths to hit a target; find an amount."""

from __future__ import annotations

from typing import Any, ClassVar

from lark import Token

from gramgen.semantics import Story


class Mixture(Story):
    title = "Mixtures of two prices or strengths"
    lexicons: ClassVar[dict[str, Any]] = {
        "nut": ("peanuts", "almonds", "cashews", "walnuts", "pecans", "hazelnuts",
                "pistachios", "raisins", "cranberries"),
        "solute": ("salt", "sugar", "acid"),
        "pounds": ("pounds",),
        "liters": ("liters",),
    }  # fmt: skip
    answer_style = "decimal"
    answer_domain = "rational"
    answer_unit = "unit"  # a role: pounds (level 1) or liters

    def WANT(self, tok: Token) -> str:
        return self.verb(tok, "a")

    NEED = HAVE = ADD = LABEL = PLAN = WANT

    def CHEAP(self, tok: Token) -> str:
        return self.word(tok, "cheap", lexicon="nut")

    def DEAR(self, tok: Token) -> str:
        return self.word(tok, "dear", lexicon="nut")

    def SOL(self, tok: Token) -> str:
        return self.word(tok, "solute")

    def UNIT(self, tok: Token) -> str:
        return self.word(tok, "unit", lexicon="pounds" if self.level == 1 else "liters")

    QTY = MONEY = PCT = Story.NUM

    # -- sentences: tokens go up to the level rule, which builds the equation ----------

    def _toks(self, c: list[Any]) -> list[Token]:
        return [t for t in c if isinstance(t, Token) and t.type in ("QTY", "MONEY", "PCT")]

    have_nuts = target_price = ask_nuts = _toks
    have_solution = target_strength = ask_solution = need_solution = _toks

    def weak_first(self, c: list[Any]) -> list[Token]:
        return self._toks(c)

    def strong_first(self, c: list[Any]) -> list[Token]:
        return self._toks(c)[::-1]

    def other(self, c: list[Any]) -> None:
        (tok,) = self.tokens(c)
        self.number(tok, 2, 12, name="aside")

    def ask_weak(self, c: list[Any]) -> str:
        return "weak"

    def ask_strong(self, c: list[Any]) -> str:
        return "strong"

    def _fives(self, q: Any) -> None:
        """A strength is a multiple of 5% (so a changed digit is caught early)."""
        self.let(f"{q}_fives", q / 5)

    # -- the answer -------------------------------------------------------------------

    def level1(self, c: list[Any]) -> Any:
        (qty_tok, cheap_tok), (mix_tok,), (dear_tok,) = c
        added = self.unknown("added", 2, 12)
        qty = self.number(qty_tok, 2, 12, name="qty")
        cheap = self.number(cheap_tok, 2, 6, name="cheap_price", style="money")
        dear = self.number(dear_tok, 5, 12, name="dear_price", style="money")
        mix = self.result(mix_tok, (qty * cheap + added * dear) / (qty + added),
                          name="mix_price", style="money")  # fmt: skip
        below = self.let("below", mix - cheap)
        above = self.let("above", dear - mix)
        self.let("close", 6 - above)  # the dearer price is at most $5 above the mix
        self.step("A pound of {cheap} is {mix_price} - {cheap_price} = {below:money} below the "
                  "mix price.")  # fmt: skip
        self.step("A pound of {dear} is {dear_price} - {mix_price} = {above:money} above it.")
        self.let("balance", qty * below)
        self.step("The {cheap} fall short by {qty} x {below:money} = {balance:money} in all.")
        self.step("Each pound of {dear} makes up {above:money}: {balance} / {above} = {added}.")
        self.step("{a} must add {added} pounds of {dear}.")
        return added

    def level2(self, c: list[Any]) -> Any:
        (qty_tok, strong_tok), (mix_tok,), (weak_tok,) = c
        added = self.unknown("added", 2, 20)
        qty = self.number(qty_tok, 2, 20, name="qty")
        strong = self.number(strong_tok, 20, 45, step=5, name="strong", style="percent")
        weak = self.number(weak_tok, 5, 30, step=5, name="weak", style="percent")
        mix = self.result(mix_tok, (qty * strong + added * weak) / (qty + added),
                          name="mix", style="percent")  # fmt: skip
        self._fives(mix)
        self.let("mix_low", mix - 9)  # between 10% and 35%
        self.let("mix_high", 36 - mix)
        above = self.let("above", strong - mix)
        below = self.let("below", mix - weak)
        self.let("near", 21 - below)  # at most 20 points below the target
        self.step("The {strong} solution is {strong:int} - {mix:int} = {above} points above "
                  "the target.")  # fmt: skip
        self.step("The {weak} solution is {mix:int} - {weak:int} = {below} points below it.")
        self.let("balance", qty * above)
        self.step("The extra {solute} to balance: {qty} x {above} = {balance}.")
        self.step("Each liter added takes away {below}: {balance} / {below} = {added}.")
        self.step("{a} must add {added} liters of the {weak} solution.")
        return added

    def level3(self, c: list[Any]) -> Any:
        (total_tok, mix_tok), (weak_tok, strong_tok), _, ask = c
        x_weak = self.unknown("x_weak", 2, 20)
        x_strong = self.unknown("x_strong", 2, 20)
        weak = self.number(weak_tok, 5, 15, step=5, name="weak", style="percent")
        strong = self.number(strong_tok, 25, 40, step=5, name="strong", style="percent")
        total = self.result(total_tok, x_weak + x_strong, name="total")
        mix = self.result(mix_tok, (x_weak * weak + x_strong * strong) / total,
                          name="mix", style="percent")  # fmt: skip
        for q in (strong, weak, mix):
            self._fives(q)
        self.let("mix_low", mix - 14)
        self.let("mix_high", 26 - mix)
        below = self.let("below", mix - weak)
        above = self.let("above", strong - mix)
        self.step(
            "The weaker solution is {mix:int} - {weak:int} = {below} points below the "
            "target; the stronger is {strong:int} - {mix:int} = {above} points above."
        )
        parts = self.let("parts", below + above)
        self.step("The amounts go in the ratio {above} : {below}, {above} + {below} = {parts} "
                  "parts.")  # fmt: skip
        if ask == "weak":
            weak_l = self.let("weak_liters", total * above / parts, domain="rational")
            self.step("{total} x {above} / {parts} = {weak_liters}")
            self.step("{a} needs {weak_liters} liters of the weaker solution.")
            return weak_l
        strong_l = self.let("strong_liters", total * below / parts, domain="rational")
        self.step("{total} x {below} / {parts} = {strong_liters}")
        self.step("{a} needs {strong_liters} liters of the stronger solution.")
        return strong_l
