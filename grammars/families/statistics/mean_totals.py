"""Means and totals: a missing score, the score that changed a mean, two groups' means."""

from __future__ import annotations

from typing import Any

from lark import Token

from gramgen.semantics import Story


class MeanTotals(Story):
    title = "Means and totals: missing values and the means of combined groups"
    verbs = ("TAKE",)

    # -- sentences ---------------------------------------------------------------------

    def count_mean(self, c: list[Any]) -> tuple[Token, Token]:
        count, mean = self.tokens(c, "NUM")
        return count, mean

    def mean_count(self, c: list[Any]) -> tuple[Token, Token]:
        mean, count = self.tokens(c, "NUM")
        return count, mean

    def _one(self, c: list[Any]) -> Token:
        (tok,) = self.tokens(c, "NUM")
        return tok

    all_but = one_more = _one

    def other(self, c: list[Any]) -> None:
        self.number(self._one(c), 4, 12, name="aside")

    def ask_last(self, c: list[Any]) -> str:
        return "last"

    ask_added = ask_sum = ask_last

    def ask_all(self, c: list[Any]) -> str:
        return "all"

    def ask_b(self, c: list[Any]) -> str:
        return "second"

    # -- levels ------------------------------------------------------------------------

    def level1(self, c: list[Any]) -> Any:
        (ctok, mtok), _ = c
        count = self.number(ctok, 3, 8, name="count")
        mean = self.number(mtok, 55, 95, name="mean")
        total = self.let("total", count * mean)
        self.step("The total is the mean times the number of scores: {count} x {mean} = {total}.")
        self.step("{a}'s scores add up to {total}.")
        return total

    def level2(self, c: list[Any]) -> Any:
        (ctok, mtok), rtok, _ = c
        count = self.number(ctok, 3, 6, name="count")
        mean = self.number(mtok, 60, 95, name="mean")
        last = self.unknown("last", 50, 100)
        total = self.let("total", count * mean)
        rest = self.result(rtok, total - last, name="rest")
        self.let("rest_cap", 100 * (count - 1) - rest, domain="nonnegative")  # none over 100
        self.let("rest_floor", rest - 40 * (count - 1), domain="nonnegative")  # none below 40
        self.step("{count} scores with a mean of {mean} add up to {count} x {mean} = {total}.")
        self.step("The last score is {total} - {rest} = {last}.")
        self.step("{a} scored {last} on the last test.")
        return last

    def _one_more(self, c: list[Any]) -> Any:
        (ctok, mtok), ntok, _, _ = c
        count = self.number(ctok, 3, 8, name="count")
        mean1 = self.number(mtok, 55, 90, name="mean1")
        new = self.unknown("new", 40, 100)
        self.let("changed", (new - mean1) ** 2)  # the mean does change
        total1 = self.let("total1", count * mean1)
        mean2 = self.result(ntok, (total1 + new) / (count + 1), name="mean2")
        self.let("total2", (count + 1) * mean2)
        self.step("Before: {count} x {mean1} = {total1} points in all.")
        self.step("After: ({count} + 1) x {mean2} = {total2} points in all.")
        self.step("The new score is {total2} - {total1} = {new}.")
        self.step("{a} scored {new} on that test.")
        return new

    def level3(self, c: list[Any]) -> Any:
        if c[-1] == "last":
            return self._one_more(c)
        (n1tok, m1tok), (n2tok, mtok), _, ask = c
        n1 = self.number(n1tok, 12, 32, name="n1")
        m1 = self.number(m1tok, 55, 95, name="mean1")
        n2 = self.number(n2tok, 12, 32, name="n2")
        t1 = self.let("total1", n1 * m1)
        count = self.let("count", n1 + n2)
        if ask == "all":
            m2 = self.number(mtok, 55, 95, name="mean2")
            self.let("different", (m2 - m1) ** 2)  # the classes differ
            t2 = self.let("total2", n2 * m2)
            total = self.let("total", t1 + t2)
            mean = self.let("mean", total / count)
            self.step("First class: {n1} x {mean1} = {total1:comma} points.")
            self.step("Second class: {n2} x {mean2} = {total2:comma} points.")
            self.step("All the points: {total1:comma} + {total2:comma} = {total:comma}.")
            self.step("All the students: {n1} + {n2} = {count}.")
            self.step("The mean is {total:comma} / {count} = {mean}.")
            return mean
        m2 = self.unknown("mean2", 55, 95)
        self.let("different", (m2 - m1) ** 2)  # the classes differ
        mean = self.result(mtok, (t1 + n2 * m2) / count, name="mean")
        total = self.let("total", count * mean)
        t2 = self.let("total2", total - t1)
        self.step("All the students: {n1} + {n2} = {count}.")
        self.step("All the points: {count} x {mean} = {total:comma}.")
        self.step("First class: {n1} x {mean1} = {total1:comma} points.")
        self.step("Second class: {total:comma} - {total1:comma} = {total2:comma} points.")
        self.step("Its mean is {total2:comma} / {n2} = {mean2}.")
        return m2
