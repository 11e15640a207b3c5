"""Median and range of a few numbers, listed in a jumbled order."""

from __future__ import annotations

from typing import Any

from lark import Token

from gramgen.semantics import Story

# the anchor (a stated number chosen freely) and the gaps between neighbors in order
ANCHOR = {1: (15, 40), 2: (20, 60), 3: (40, 120)}
GAP = {1: (1, 8), 2: (1, 12), 3: (2, 20)}


class MedianRange(Story):
    main_role = "p"
    title = "Median and range of a short list of numbers"
    answer_style = "decimal"
    answer_domain = "rational"

    def __getattr__(self, name: str) -> Any:
        # list phrasings are aliased o + the rank of each value as written: o2031
        if name.startswith("o") and name[1:].isdigit():
            ranks = [int(ch) for ch in name[1:]]
            return lambda c: (ranks, self.tokens(c))
        raise AttributeError(name)

    def other(self, c: list[Any]) -> None:
        (tok,) = self.tokens(c)
        self.number(tok, 2, 12, name="distractor")

    def median(self, c: list[Any]) -> str:
        return "median"

    def range_(self, c: list[Any]) -> str:
        return "range"

    def _values(self, ranks: list[int], tokens: list[Token], anchor: int) -> None:
        """Sorted values v1 < v2 < ...: the anchor is stated freely, the others are
        built from it with gaps chosen first, so the order holds by construction."""
        n = len(ranks)
        tok = dict(zip(ranks, tokens, strict=True))
        lo, hi = ANCHOR[self.level]
        glo, ghi = GAP[self.level]
        value = {anchor: self.number(tok[anchor], lo, hi, name=f"v{anchor + 1}")}
        for r in range(anchor - 1, -1, -1):
            gap = self.unknown(f"g{r + 1}", glo, ghi)
            value[r] = self.result(tok[r], value[r + 1] - gap, name=f"v{r + 1}")
        for r in range(anchor + 1, n):
            gap = self.unknown(f"g{r}", glo, ghi)
            value[r] = self.result(tok[r], value[r - 1] + gap, name=f"v{r + 1}")
        self.step("In order: " + ", ".join(f"{{v{r + 1}:int}}" for r in range(n)) + ".")

    def level1(self, c: list[Any]) -> Any:
        (ranks, tokens), kind = c[0], c[-1]
        n = len(ranks)
        if kind == "range":
            self._values(ranks, tokens, 0)
            answer = self.let("spread", self._v(n) - self._v(1))
            self.step(f"Largest minus smallest: {{v{n}:int}} - {{v1:int}} = {{spread}}")
            self.step("The range is {spread}.")
            return answer
        if n % 2:
            mid = n // 2
            self._values(ranks, tokens, mid)
            answer = self.let("middle", self._v(mid + 1))
            self.step(f"The middle value of the {n} is {{v{mid + 1}:int}}.")
            self.step("The median is {middle}.")
            return answer
        mid = n // 2  # the two middle values are v(mid) and v(mid + 1)
        self._values(ranks, tokens, mid - 1)
        answer = self.let("middle", (self._v(mid) + self._v(mid + 1)) / 2, domain="rational")
        self.step(f"The two middle values are {{v{mid}:int}} and {{v{mid + 1}:int}}: "
                  f"({{v{mid}:int}} + {{v{mid + 1}:int}}) / 2 = {{middle}}")  # fmt: skip
        self.step("The median is {middle}.")
        return answer

    level2 = level3 = level1

    @staticmethod
    def _v(k: int) -> Any:
        import sympy

        return sympy.Symbol(f"v{k}", real=True)
