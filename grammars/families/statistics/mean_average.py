"""Mean (average) of a list of scores, and the next score needed for a target mean."""

from __future__ import annotations

from typing import Any

from lark import Token

from gramgen.semantics import Story

RANGES = {"tests": (55, 100), "games": (4, 30)}


class MeanAverage(Story):
    main_role = "p"
    verbs = (
        "WANT",
        "HOPE",
        "PLAN",
        "NEED",
        "AIM",
        "DOES",
    )
    title = "Mean: the average of scores, and the missing score for a target average"

    # -- terminals ------------------------------------------------------------------

    # -- sentences ------------------------------------------------------------------

    def three(self, c: list[Any]) -> list[Token]:
        return self.tokens(c)

    four_five = three_four = three

    def _scores(self, c: list[Any], kind: str) -> list[Any]:
        self.kind = kind
        lo, hi = RANGES[kind]
        (tokens,) = [x for x in c if isinstance(x, list)]
        return [self.number(t, lo, hi, name=f"s{i}") for i, t in enumerate(tokens, 1)]

    def tests(self, c: list[Any]) -> list[Any]:
        return self._scores(c, "tests")

    def games(self, c: list[Any]) -> list[Any]:
        return self._scores(c, "games")

    def target(self, c: list[Any]) -> Token:
        (tok,) = self.tokens(c)
        return tok

    def ask_mean(self, c: list[Any]) -> None:
        return None

    ask_missing = ask_mean

    # -- the solutions --------------------------------------------------------------

    def _sum(self, scores: list[Any]) -> Any:
        total = self.let("total", sum(scores))
        self.step(" + ".join(f"{{s{i}}}" for i in range(1, len(scores) + 1)) + " = {total}")
        return total

    def level1(self, c: list[Any]) -> Any:
        scores = c[0]
        total = self._sum(scores)
        mean = self.let("mean", total / len(scores))
        self.step(f"There are {len(scores)} scores: {{total}} / {len(scores)} = {{mean}}")
        self.step("The mean score is {mean}.")
        return mean

    level2 = level1

    def level3(self, c: list[Any]) -> Any:
        scores, tok = c[0], c[1]
        lo, hi = RANGES[self.kind]
        nxt = self.unknown("next", lo, hi)  # the answer is chosen first
        n = len(scores) + 1
        target = self.result(tok, (sum(scores) + nxt) / n, name="target")
        needed = self.let("needed", target * n)
        self.step(f"With {n} scores the total must be {{target}} x {n} = {{needed}}")
        total = self._sum(scores)
        answer = self.let("missing", needed - total)
        self.step("{needed} - {total} = {missing}")
        self.step("{p} needs to score {missing} next.")
        return answer
