"""Independent events: a coin with a spinner or number cube, and draws from two jars."""

from __future__ import annotations

from typing import Any, ClassVar

from lark import Token

from gramgen.semantics import Story


class IndependentEvents(Story):
    title = "Independent events: multiplying probabilities, at least one, exactly one"
    lexicons: ClassVar[dict[str, Any]] = {
        # colors and containers that all take "a"
        "color": ("red", "blue", "green", "yellow", "white", "black", "purple", "pink",
                  "brown"),
        "box": ("jar", "bag", "box", "bowl", "tin", "basket"),
        "thing": ("marble", "bead", "ball", "button", "counter", "token", "tile"),
    }  # fmt: skip
    answer_style = "fraction"
    answer_domain = "rational"

    def let(self, name: str, expr: Any, *, domain: str = "rational", hi: Any = None) -> Any:
        """Probabilities: positive."""
        return super().let(name, expr, domain=domain, hi=hi)

    # -- terminals ---------------------------------------------------------------------

    def COLOR(self, tok: Token) -> str:
        return self.word(tok, "c1", lexicon="color")

    def COLOR2(self, tok: Token) -> str:
        return self.word(tok, "c2", lexicon="color")

    def BOX(self, tok: Token) -> str:
        return self.word(tok, "box")

    def THING(self, tok: Token) -> str:
        return self.noun(tok, "thing", 1)

    def THINGS(self, tok: Token) -> str:
        return self.noun(tok, "thing", 2)

    # -- sentences ---------------------------------------------------------------------

    def spinner(self, c: list[Any]) -> tuple[Any, Any]:
        ntok, ktok = self.tokens(c, "NUM")
        sections = self.number(ntok, 4, 12, name="sections")
        colored = self.number(ktok, 2, 11, name="colored")
        self.let("others", sections - colored)  # not every section is that color
        return sections, colored

    def number_cube(self, c: list[Any]) -> None:
        return None

    coin = number_cube

    def _jar(self, c: list[Any], k: int) -> tuple[Any, Any]:
        atok, btok = self.tokens(c, "NUM")
        first = self.number(atok, 2, 8, name=f"first{k}")
        second = self.number(btok, 2, 8, name=f"second{k}")
        return first, second

    def jar_one(self, c: list[Any]) -> tuple[Any, Any]:
        return self._jar(c, 1)

    def jar_two(self, c: list[Any]) -> tuple[Any, Any]:
        return self._jar(c, 2)

    def other(self, c: list[Any]) -> None:
        (tok,) = self.tokens(c, "NUM")
        self.number(tok, 3, 30, name="aside")

    def ask_spin(self, c: list[Any]) -> None:
        return None

    def ask_cube(self, c: list[Any]) -> Any:
        (tok,) = self.tokens(c, "NUM")
        return self.number(tok, 1, 4, name="above")

    def both_first(self, c: list[Any]) -> str:
        return "first"

    def both_second(self, c: list[Any]) -> str:
        return "second"

    def at_least_one(self, c: list[Any]) -> str:
        return "at_least"

    def exactly_one(self, c: list[Any]) -> str:
        return "exactly"

    def _pass(self, c: list[Any]) -> Any:
        return c[0]

    ask_both = ask_one_more = _pass

    # -- levels ------------------------------------------------------------------------

    def level1(self, c: list[Any]) -> Any:
        if isinstance(c[0], tuple):  # a spinner
            self.step("The spinner shows {c1} on {colored} of {sections} sections: "
                      "{colored}/{sections}.")  # fmt: skip
            self.step("The coin lands on the side asked for with probability 1/2.")
            prob = self.let("prob", c[0][1] / c[0][0] / 2)
            self.step("The two do not affect each other: {colored}/{sections} x 1/2 = {prob}.")
            self.step("The probability is {prob}.")
            return prob
        above = c[2]
        ways = self.let("ways", 6 - above)
        self.step("Of the 6 numbers, 6 - {above} = {ways} are greater than {above}.")
        self.step("The coin lands on the side asked for with probability 1/2.")
        prob = self.let("prob", ways / 6 / 2)
        self.step("The two do not affect each other: {ways}/6 x 1/2 = {prob}.")
        self.step("The probability is {prob}.")
        return prob

    def _totals(self, jar1: tuple[Any, Any], jar2: tuple[Any, Any]) -> tuple[Any, Any]:
        n1 = self.let("total1", jar1[0] + jar1[1])
        self.step("The first {box} holds {first1} + {second1} = {total1} {thing}.")
        n2 = self.let("total2", jar2[0] + jar2[1])
        self.step("The second {box} holds {first2} + {second2} = {total2} {thing}.")
        return n1, n2

    def level2(self, c: list[Any]) -> Any:
        jar1, jar2, which = c
        n1, n2 = self._totals(jar1, jar2)
        k, hue = (0, "c1") if which == "first" else (1, "c2")
        name = "first" if k == 0 else "second"
        prob = self.let("prob", jar1[k] / n1 * jar2[k] / n2)
        self.step(
            f"The draws do not affect each other: {{{name}1}}/{{total1}} x "
            f"{{{name}2}}/{{total2}} = {{prob}}."
        )
        self.step(f"The probability that both are {{{hue}}} is {{prob}}.")
        return prob

    def level3(self, c: list[Any]) -> Any:
        jar1, jar2, _, which = c
        n1, n2 = self._totals(jar1, jar2)
        if which == "at_least":
            none = self.let("neither", jar1[1] / n1 * jar2[1] / n2)
            self.step("Neither is {c1}: {second1}/{total1} x {second2}/{total2} = {neither}.")
            prob = self.let("prob", 1 - none)
            self.step("At least one is {c1}: 1 - {neither} = {prob}.")
            self.step("The probability is {prob}.")
            return prob
        p1 = self.let("only_first", jar1[0] / n1 * jar2[1] / n2)
        self.step("Only the first is {c1}: {first1}/{total1} x {second2}/{total2} = {only_first}.")
        p2 = self.let("only_second", jar1[1] / n1 * jar2[0] / n2)
        self.step("Only the second is {c1}: {second1}/{total1} x {first2}/{total2} = "
                  "{only_second}.")  # fmt: skip
        prob = self.let("prob", p1 + p2)
        self.step("Exactly one is {c1}: {only_first} + {only_second} = {prob}.")
        self.step("The probability is {prob}.")
        return prob
