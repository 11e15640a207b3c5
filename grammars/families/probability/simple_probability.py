"""Simple probability: the chance of a color when picking objects or spinning a spinner."""

from __future__ import annotations

from typing import Any, ClassVar

from lark import Token

from gramgen.semantics import Story


class SimpleProbability(Story):
    main_role = "p"
    other_role = "o"
    verbs = (
        "PAINT",
        "PUT",
        "KEEP",
    )
    title = "Simple probability: one pick, either/not, and two picks with or without replacement"
    lexicons: ClassVar[dict[str, Any]] = {
        "color": ("red", "blue", "green", "yellow", "white", "black", "purple", "brown",
                   "pink"),
        "thing": ("marble", "bead", "ball", "button", "counter", "cube", "token", "card",
                  "tile"),
        "box": ("bag", "jar", "box", "bowl", "tin", "basket", "pouch"),
    }  # fmt: skip
    answer_style = "fraction"
    answer_domain = "rational"

    # -- terminals ------------------------------------------------------------------

    def BOX(self, tok: Token) -> str:
        return self.word(tok, "box")

    def COLOR(self, tok: Token) -> str:
        return self.word(tok, "c1", lexicon="color")

    def COLOR2(self, tok: Token) -> str:
        return self.word(tok, "c2", lexicon="color")

    def COLOR3(self, tok: Token) -> str:
        return self.word(tok, "c3", lexicon="color")

    def THING(self, tok: Token) -> str:
        return self.noun(tok, "thing", 2)

    def THING_ONE(self, tok: Token) -> str:
        return self.noun(tok, "thing", 1)

    ART = Story.NUM

    # -- sentences ------------------------------------------------------------------

    # The total is chosen first and kept odd (3 mod 4 when two objects are drawn
    # without replacement), so no answer has 8 as its denominator: gramgen's check of
    # the last step cannot handle eighths. The last count the text states is the rest.

    def _counts(self, c: list[Any], lo: int, hi: int, span: tuple[int, int, int]) -> list[Any]:
        """The count before each color, in the order of the colors (c1, c2, c3)."""
        tokens = {}
        for i, x in enumerate(c):
            if isinstance(x, Token) and x.type == "NUM":
                tokens[int(c[i + 1][1])] = x  # the color role that follows: c1, c2 or c3
        self.order = list(tokens)  # as the text lists them
        mult, hlo, hhi = span
        half = self.unknown("half", hlo, hhi)
        self.total = self.let("total", mult * half + mult - 1)
        # stated again as a whole number, so that a text whose counts make the total
        # even (a corrupted copy) fails its check before gramgen meets an eighth
        self.let("groups", (self.total + 1) / mult - 1)
        found = {k: self.number(tokens[k], lo, hi, name=f"n{k}") for k in self.order[:-1]}
        k = self.order[-1]
        found[k] = self.result(tokens[k], self.total - sum(found.values()), name=f"n{k}")
        self.let("spare", found[k] - 1)  # at least two of every color
        return [found[k] for k in sorted(found)]

    order: ClassVar[list[int]] = []
    total: Any = None

    def bag_two(self, c: list[Any]) -> list[Any]:
        if self.level == 1:
            return self._counts(c, 2, 10, (2, 3, 9))
        return self._counts(c, 2, 15, (4, 1, 6))

    def bag_three(self, c: list[Any]) -> list[Any]:
        return self._counts(c, 3, 12, (2, 6, 16))

    def spinner(self, c: list[Any]) -> list[Any]:
        whole, part = self.tokens(c)
        half = self.unknown("half", 2, 6)
        self.total = self.result(whole, 2 * half + 1, name="sections")
        self.let("groups", (self.total - 1) / 2)
        n1 = self.number(part, 2, 11, name="n1")
        n2 = self.let("n2", self.total - n1)  # the rest
        self.let("spare", n2 - 1)  # at least two sections of each color
        return [n1, n2]

    def other(self, c: list[Any]) -> None:
        (tok,) = self.tokens(c)
        self.number(tok, 3, 30, name="distractor")

    def pick_one(self, c: list[Any]) -> str:
        for tok in self.tokens(c, "ART"):
            self.article(tok, "c1")
        return "c1"

    def spin_once(self, c: list[Any]) -> str:
        return "c2"

    def pick_twice_back(self, c: list[Any]) -> str:
        return "c1"

    def pick_either(self, c: list[Any]) -> str:
        return "either"

    def pick_not(self, c: list[Any]) -> str:
        return "not"

    # -- the solutions --------------------------------------------------------------

    def _total(self, counts: list[Any]) -> Any:
        if len(self.order) == 0:  # a spinner
            self.step("{sections} - {n1} = {n2} sections are {c2}.")
        else:
            self.step(" + ".join(f"{{n{k}}}" for k in self.order) + " = {total}")
        return self.total

    def _prob(self, expr: Any) -> Any:
        return self.let("prob", expr, domain="rational")

    def level1(self, c: list[Any]) -> Any:
        counts, hue = c
        total = self._total(counts)
        k = int(hue[1])
        prob = self._prob(counts[k - 1] / total)
        whole = "total" if self.order else "sections"
        self.step(f"{{n{k}}} of the {{{whole}}} are {{{hue}}}: {{n{k}}}/{{{whole}}} = {{prob}}")
        self.step(f"The probability of {{{hue}}} is {{prob}}.")
        return prob

    def level2(self, c: list[Any]) -> Any:
        (n1, n2, n3), kind = c
        total = self._total([n1, n2, n3])
        if kind == "either":
            fav = self.let("fav", n1 + n2)
            self.step("{n1} + {n2} = {fav} are {c1} or {c2}.")
            self.step("{fav}/{total} = {prob}")
            self.step("The probability of {c1} or {c2} is {prob}.")
        else:
            fav = self.let("fav", n2 + n3)
            self.step("{n2} + {n3} = {fav} are not {c1}.")
            self.step("{fav}/{total} = {prob}")
            self.step("The probability of not picking {c1} is {prob}.")
        return self._prob(fav / total)

    def _twice(self, c: list[Any], back: bool) -> Any:
        counts, _, hue = c
        total = self._total(counts)
        k = int(hue[1])
        count = counts[k - 1]
        nk = f"{{n{k}}}"
        if back:
            self.step(f"Each pick: {nk}/{{total}} are {{{hue}}}, and the {{thing:1}} goes back.")
            prob = self._prob((count / total) ** 2)
            self.step(f"{nk}/{{total}} x {nk}/{{total}} = {{prob}}")
        else:
            self.let("left", count - 1)
            self.let("rest", total - 1)
            self.step(f"First pick: {nk}/{{total}}. Then {nk} - 1 = {{left}} {{{hue}}} "
                      "of {total} - 1 = {rest} are left.")  # fmt: skip
            prob = self._prob(count * (count - 1) / (total * (total - 1)))
            self.step(f"{nk}/{{total}} x {{left}}/{{rest}} = {{prob}}")
        self.step(f"The probability that both are {{{hue}}} is {{prob}}.")
        return prob

    def level3(self, c: list[Any]) -> Any:
        return self._twice(c, self.back)

    back = True

    def pick_twice_keep(self, c: list[Any]) -> str:
        self.back = False
        return "c1"
