"""Ages: k years older or younger, m times as old; now, in n years, n years ago."""

from __future__ import annotations

from typing import Any

from lark import Token

from gramgen.semantics import Story


class Ages(Story):
    title = "Ages: older, younger, times as old; sums of ages now and in other years"
    answer_unit = "years"

    # Quantities here are whole by construction (the unknowns are chosen first and the
    # rest computed by + - x); checking them as positive numbers (not necessarily whole)
    # lets the "not enough information" check try any number in place of a vague one.
    answer_domain = "rational"

    def let(self, name: str, expr: Any, *, domain: str = "rational", hi: Any = None) -> Any:
        return super().let(name, expr, domain=domain, hi=hi)

    # -- terminals -------------------------------------------------------------------

    def THIRD(self, tok: Token) -> str:
        return self.person(tok, "c")

    # -- sentences: each returns what it says, the level actions give it meaning -----

    def older(self, c: list[Any]) -> tuple[str, Token]:
        return ("older", self.tokens(c)[0])

    def younger(self, c: list[Any]) -> tuple[str, Token]:
        return ("younger", self.tokens(c)[0])

    def times(self, c: list[Any]) -> tuple[str, Token]:
        return ("times", self.tokens(c)[0])

    def fact_b(self, c: list[Any]) -> tuple[Token, str]:
        return self.tokens(c)[0], ""  # "is 9 years old": worded from context if left vague

    def fact_b_bare(self, c: list[Any]) -> tuple[Token, str]:
        return self.tokens(c)[0], "a certain age"  # "has just turned 9": "... a certain age"

    def sum_now(self, c: list[Any]) -> tuple[str, Token | None, Token]:
        (total,) = self.tokens(c)
        return ("now", None, total)

    def sum_future(self, c: list[Any]) -> tuple[str, Token | None, Token]:
        n, total = self.tokens(c)
        return ("future", n, total)

    def sum_past(self, c: list[Any]) -> tuple[str, Token | None, Token]:
        n, total = self.tokens(c)
        return ("past", n, total)

    def ask_now(self, c: list[Any]) -> tuple[str, Token | None]:
        return ("now", None)

    def ask_future(self, c: list[Any]) -> tuple[str, Token | None]:
        return ("future", self.tokens(c)[0])

    def ask_past(self, c: list[Any]) -> tuple[str, Token | None]:
        return ("past", self.tokens(c)[0])

    # -- helpers ---------------------------------------------------------------------

    def _ask(self, ask: tuple[str, Token | None], a_age: Any) -> Any:
        """The age of ``a``, asked now, in n years or n years ago."""
        when, tok = ask
        if when == "now":
            self.step("So {a} is {a_age} years old.")
            return a_age
        assert tok is not None
        if when == "future":
            n = self.number(tok, 2, 15, name="n_ask")
            later = self.let("later", a_age + n)
            self.step("In {n_ask} years {a} will be {a_age} + {n_ask} = {later} years old.")
            return later
        n = self.number(tok, 2, 8, name="n_ask")
        earlier = self.let("earlier", a_age - n)
        self.let("earlier_check", earlier - 1)  # at least 2 years old back then
        self.step("{n_ask} years ago {a} was {a_age} - {n_ask} = {earlier} years old.")
        return earlier

    def _shifted_sum(
        self, kind: str, ntok: Token | None, stok: Token, expr: Any, people: int
    ) -> tuple[Any, str]:
        """The sum of the ages now, from a sum stated now, in n years or n years ago."""
        if kind == "now":
            return self.result(stok, expr, name="total"), "total"
        assert ntok is not None
        word = "two" if people == 2 else "three"
        if kind == "future":
            n = self.number(ntok, 2, 12, name="n")
            self.result(stok, expr + people * n, name="total")
            now = self.let("sum_now", expr)
            self.step(
                f"In {{n}} years each of the {word} will be {{n}} years older, so the sum of "
                f"their ages now is {{total}} - {people} x {{n}} = {{sum_now}}."
            )
        else:
            n = self.number(ntok, 2, 6, name="n")
            self.result(stok, expr - people * n, name="total")
            now = self.let("sum_now", expr)
            self.step(
                f"{{n}} years ago each of the {word} was {{n}} years younger, so the sum of "
                f"their ages now is {{total}} + {people} x {{n}} = {{sum_now}}."
            )
        return now, "sum_now"

    # -- levels ----------------------------------------------------------------------

    def level1(self, c: list[Any]) -> Any:
        (kind, ktok), (btok, vague), ask = c
        if kind == "times":
            m = self.number(ktok, 2, 4, name="m")
            b_age = self.number(btok, 2, 12, name="b_age", vague=vague)
            a_age = self.let("a_age", m * b_age)
            self.step("{a} is {m} times as old as {b}: {m} x {b_age} = {a_age}.")
        elif kind == "older":
            k = self.number(ktok, 2, 30, name="k")
            b_age = self.number(btok, 2, 40, name="b_age", vague=vague)
            a_age = self.let("a_age", b_age + k, hi=95)
            self.step("{a} is {k} years older than {b}: {b_age} + {k} = {a_age}.")
        else:
            k = self.number(ktok, 2, 30, name="k")
            b_age = self.number(btok, 8, 60, name="b_age", vague=vague)
            a_age = self.let("a_age", b_age - k)
            self.let("a_check", a_age - 1)  # at least 2 years old
            self.step("{a} is {k} years younger than {b}: {b_age} - {k} = {a_age}.")
        return self._ask(ask, a_age)

    def level2(self, c: list[Any]) -> Any:
        (kind, ktok), (skind, ntok, stok), ask = c
        past = skind == "past"
        if kind == "times":
            m = self.number(ktok, 2, 4, name="m")
            b_age = self.unknown("b_age", 8 if past else 3, 18 if past else 14)
            a_age = self.let("a_age", m * b_age)
        else:
            k = self.number(ktok, 2, 30, name="k")
            lo = 8 if past else 3
            b_age = self.unknown("b_age", lo + 12 if kind == "younger" else lo, 45)
            a_age = self.let("a_age", b_age + k if kind == "older" else b_age - k, hi=95)
            if kind == "younger":
                self.let("a_check", a_age - 1 - (6 if past else 0))
        now, now_name = self._shifted_sum(skind, ntok, stok, a_age + b_age, 2)
        if kind == "times":
            self.let("parts", 1 + m)
            self.step(
                "Count the age of {b} as one share; {a} is {m} shares, so together they are "
                "1 + {m} = {parts} shares."
            )
            self.step(f"One share, the age of {{b}}, is {{{now_name}}} / {{parts}} = {{b_age}}.")
            self.step("{a} is {m} x {b_age} = {a_age} years old.")
        elif kind == "older":
            self.let("twice", now - k)
            self.step(
                f"Without the {{k}} years by which {{a}} is older, the two ages would be equal: "
                f"{{{now_name}}} - {{k}} = {{twice}}."
            )
            self.step("Half of that is the age of {b}: {twice} / 2 = {b_age}.")
            self.step("{a} is {b_age} + {k} = {a_age} years old.")
        else:
            self.let("twice", now + k)
            self.step(
                f"Adding the {{k}} years by which {{a}} is younger makes the two ages equal: "
                f"{{{now_name}}} + {{k}} = {{twice}}."
            )
            self.step("Half of that is the age of {b}: {twice} / 2 = {b_age}.")
            self.step("{a} is {b_age} - {k} = {a_age} years old.")
        return self._ask(ask, a_age)

    def level3(self, c: list[Any]) -> Any:
        (kab, tab), (kbc, tbc), (skind, ntok, stok), ask = c
        past = skind == "past"
        # the age of c is one share; b and a are some shares plus or minus some years
        if kbc == "times":
            m_bc = self.number(tbc, 2, 3, name="m_bc")
            coef_b, const_b = m_bc, 0
            b_text, cb, terms_b = "{m_bc} shares", "{m_bc}", []
        else:
            k_bc = self.number(tbc, 2, 20, name="k_bc")
            sign_b = 1 if kbc == "older" else -1
            coef_b, const_b = 1, sign_b * k_bc
            b_text = "one share " + ("plus" if sign_b > 0 else "minus") + " {k_bc} years"
            cb, terms_b = "1", [(sign_b, "{k_bc}")]
        if kab == "times":
            m_ab = self.number(tab, 2, 3, name="m_ab")
            coef_a, const_a = m_ab * coef_b, m_ab * const_b
            a_text = "{m_ab} times as much"
            ca = "{m_ab}" if cb == "1" else f"{{m_ab}} x {cb}"
            terms_a = [(sg, f"{{m_ab}} x {t}") for sg, t in terms_b]
        else:
            k_ab = self.number(tab, 2, 25, name="k_ab")
            sign_a = 1 if kab == "older" else -1
            coef_a, const_a = coef_b, const_b + sign_a * k_ab
            a_text = "that " + ("plus" if sign_a > 0 else "minus") + " {k_ab} years"
            ca, terms_a = cb, [*terms_b, (sign_a, "{k_ab}")]
        some_times = "times" in (kab, kbc)
        some_younger = "younger" in (kab, kbc)
        lo = (8 if past else 2) + (14 if some_younger else 0)
        c_age = self.unknown("c_age", lo, lo + (12 if some_times else 28))
        b_age = self.let("b_age", coef_b * c_age + const_b, hi=95)
        a_age = self.let("a_age", coef_a * c_age + const_a, hi=95)
        for q, age in (("a", a_age), ("b", b_age)):  # everyone at least 2 (then, too)
            self.let(f"{q}_check", age - 1 - (6 if past else 0))
        now, now_name = self._shifted_sum(skind, ntok, stok, a_age + b_age + c_age, 3)
        self.step(
            f"Count the age of {{c}} as one share. Then {{b}} is {b_text}, and {{a}} is {a_text}."
        )
        self.let("shares", 1 + coef_b + coef_a)
        self.step(f"Altogether the three ages are 1 + {cb} + {ca} = {{shares}} shares.")
        terms = [*terms_b, *terms_a]
        if terms:
            extra = " ".join(f"{'-' if sg > 0 else '+'} {t}" for sg, t in terms)
            self.let("rest", now - const_b - const_a)
            self.step(
                f"Setting the extra years aside: {{{now_name}}} {extra} = {{rest}}, so one share "
                "is {rest} / {shares} = {c_age}."
            )
        else:
            self.step(f"One share is {{{now_name}}} / {{shares}} = {{c_age}}.")
        if kbc == "times":
            self.step("{b} is {m_bc} x {c_age} = {b_age} years old.")
        else:
            op = "+" if kbc == "older" else "-"
            self.step(f"{{b}} is {{c_age}} {op} {{k_bc}} = {{b_age}} years old.")
        if kab == "times":
            self.step("{a} is {m_ab} x {b_age} = {a_age} years old.")
        else:
            op = "+" if kab == "older" else "-"
            self.step(f"{{a}} is {{b_age}} {op} {{k_ab}} = {{a_age}} years old.")
        return self._ask(ask, a_age)
