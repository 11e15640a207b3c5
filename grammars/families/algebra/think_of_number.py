"""Think of a number: undo a chain of operations, or balance two expressions of it."""

from __future__ import annotations

from typing import Any

import sympy
from lark import Token

from gramgen.semantics import Story

# level -> the secret number's range and each operation's (lo, hi)
RANGES: dict[int, dict[str, tuple[int, int]]] = {
    1: {"number": (2, 20), "mul": (2, 6), "add": (1, 20), "sub": (1, 15), "div": (2, 5)},
    2: {"number": (5, 50), "mul": (2, 9), "add": (5, 60), "sub": (3, 40), "div": (2, 6)},
    3: {"number": (2, 20), "mul": (2, 9), "add": (1, 30), "sub": (1, 30), "same": (2, 9)},
}
VERBS = ("MULTIPLY", "MAKE", "DOUBLE", "TRIPLE", "ADD", "INCREASE", "SUBTRACT", "TAKE",
         "DECREASE", "DIVIDE", "SPLIT", "KEEP", "HALVE", "CUT", "GET", "END", "HAVE",
         "NOTICE", "START", "SCALE", "DO")  # fmt: skip


class ThinkOfNumber(Story):
    title = "Think of a number: find the number from what was done to it"
    # the secret number is whole; a variant that leaves a number vague may make it a
    # fraction, which still answers it
    answer_domain = "rational"

    def __init__(self, level: int = 1) -> None:
        super().__init__(level)
        self.number_q = self.unknown("number", *RANGES[level]["number"])
        self.value: Any = self.number_q
        self.ops: list[tuple[str, str]] = []  # (kind, name of its number or a constant)

    def __default_token__(self, tok: Token) -> Any:
        if tok.type in VERBS:
            return self.verb(tok, "a")
        return tok

    # -- operations -----------------------------------------------------------------------

    def _apply(self, kind: str, c: list[Any], const: int | None = None) -> None:
        i = len(self.ops) + 1
        if const is None:
            (tok,) = self.tokens(c)
            arg: Any = self.number(tok, *RANGES[self.level][kind], name=f"n{i}")
            label = f"{{n{i}}}"
        else:
            arg, label = const, str(const)
        value = {
            "mul": lambda v: v * arg,
            "add": lambda v: v + arg,
            "sub": lambda v: v - arg,
            "div": lambda v: v / arg,
        }[kind](self.value)
        # after a division the value must be whole; otherwise any positive number
        self.value = self.let(f"after{i}", value, domain="whole" if kind == "div" else "rational")
        self.ops.append((kind, label))

    def op_mul(self, c: list[Any]) -> None:
        self._apply("mul", c)

    scale = op_mul

    def op_double(self, c: list[Any]) -> None:
        self._apply("mul", c, 2)

    def op_triple(self, c: list[Any]) -> None:
        self._apply("mul", c, 3)

    def op_add(self, c: list[Any]) -> None:
        self._apply("add", c)

    def op_sub(self, c: list[Any]) -> None:
        self._apply("sub", c)

    def op_div(self, c: list[Any]) -> None:
        self._apply("div", c)

    def op_halve(self, c: list[Any]) -> None:
        self._apply("div", c, 2)

    def outcome(self, c: list[Any]) -> None:
        (tok,) = self.tokens(c)
        self.result(tok, self.value, name="final")

    def same_add(self, c: list[Any]) -> str:
        k_tok, c_tok = self.tokens(c)
        k2 = self.number(k_tok, *RANGES[3]["same"], name="k2")
        self.result(c_tok, self.value - k2 * self.number_q, name="c")
        return "+"

    def same_sub(self, c: list[Any]) -> str:
        k_tok, c_tok = self.tokens(c)
        k2 = self.number(k_tok, *RANGES[3]["same"], name="k2")
        self.result(c_tok, k2 * self.number_q - self.value, name="c")
        return "-"

    def intro(self, c: list[Any]) -> None:
        return None

    ask = intro

    # -- levels -------------------------------------------------------------------------

    def level1(self, c: list[Any]) -> Any:
        """Work backwards from the result, undoing each operation."""
        self.step("Work backwards from {final}, undoing each step.")
        undo = {"mul": "/", "add": "-", "sub": "+", "div": "x"}
        n = len(self.ops)
        for i in range(n, 0, -1):
            kind, label = self.ops[i - 1]
            before = "{number}" if i == 1 else f"{{after{i - 1}}}"
            self.step(f"{{after{i}}} {undo[kind]} {label} = {before}")
        self.step("The number was {number}.")
        return self.number_q

    level2 = level1

    def level3(self, c: list[Any]) -> Any:
        """k1 * n + s1 * a = k2 * n + s2 * c: collect the n's on one side."""
        (s1, a_name), s2 = self.ops[1], c[-2]
        k1, a, k2 = (sympy.Symbol(q, real=True) for q in ("n1", "n2", "k2"))
        cq = sympy.Symbol("c", real=True)
        sign = {"add": "plus", "sub": "minus"}[s1]
        word = {"+": "plus", "-": "minus"}[s2]
        self.step(
            f"{{n1}} times the number {sign} {a_name} equals {{k2}} times the number {word} {{c}}."
        )
        if (s1, s2) == ("add", "-"):  # k1 n + a = k2 n - c: (k2 - k1) n = a + c
            diff, dtext, small = k2 - k1, "{k2} - {n1}", "n1"
            gap, gtext = a + cq, "{n2} + {c}"
        else:
            diff, dtext, small = k1 - k2, "{n1} - {k2}", "k2"
            gap, gtext = {
                ("add", "+"): (cq - a, "{c} - {n2}"),
                ("sub", "+"): (cq + a, "{c} + {n2}"),
                ("sub", "-"): (a - cq, "{n2} - {c}"),
            }[(s1, s2)]
        self.let("diff", diff)
        self.let("gap", gap)
        self.step(f"Take {{{small}}} times the number from both sides: {dtext} = {{diff}}.")
        self.step(f"So the number multiplied by {{diff}} equals {gtext} = {{gap}}.")  # "1 times"
        self.step("{gap} / {diff} = {number}")
        self.step("The number was {number}.")
        return self.number_q
