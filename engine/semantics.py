"""Semantic actions: give a grammar's derivations meaning, choose their numbers, verify answers.

A *family* is a ``.lark`` grammar with a Python module of the same name beside
it, holding a :class:`Semantics` subclass: a ``lark.Transformer`` whose methods,
named after rules, aliases and terminals, compute each node's value from its
children. The same actions run twice:

* **build**: on the tree of a fresh derivation, where every number slot is a
  sympy symbol. The actions' arithmetic builds the answer as an expression; the
  solver chooses slot values that meet every domain *by construction*
  (:mod:`gramgen.solvers.construct`), and the slots are filled in;
* **check**: on the tree parsed back from the rendered text, where the slots
  are the numbers written there. The same arithmetic gives the answer again,
  exactly, and it must equal the one computed at build time.

Names, pronouns and nouns are *bindings*: every slot bound to role ``"a"`` is
the same person, and pronouns and plurals agree with the person and the count
(``inflect`` does the English).
"""

from __future__ import annotations

import importlib.util
import random
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any, ClassVar

from lark import Token, Transformer
from lark.exceptions import VisitError

from .derive import item_seed
from .errors import GramgenError, InvalidArgument, SemanticError
from .grammar import Grammar
from .parse import DerivationParser, ParseFailed
from .sample import Sampler
from .trees import to_lark

__all__ = ["Family", "Problem", "Semantics"]

PEOPLE = (
    ("Ava", "she"), ("Ben", "he"), ("Chloe", "she"), ("Diego", "he"), ("Emma", "she"),
    ("Farid", "he"), ("Grace", "she"), ("Hiro", "he"), ("Isla", "she"), ("Jamal", "he"),
    ("Kira", "she"), ("Liam", "he"), ("Maya", "she"), ("Noah", "he"), ("Olga", "she"),
    ("Pedro", "he"), ("Quinn", "they"), ("Rosa", "she"), ("Sam", "they"), ("Tomas", "he"),
)  # fmt: skip

_PRONOUNS = {
    "he": {"subject": "he", "object": "him", "possessive": "his"},
    "she": {"subject": "she", "object": "her", "possessive": "her"},
    "they": {"subject": "they", "object": "them", "possessive": "their"},
}


@dataclass
class _Slot:
    index: int  # in derivation.tokens
    kind: str  # number | name | pronoun | noun
    role: str = ""
    symbol: Any = None
    form: str = ""
    count: Any = None
    capital: bool = False


@dataclass
class Problem:
    """What the build pass learned: slots, the answer expression, domains, steps."""

    slots: list[_Slot] = field(default_factory=list)
    ranges: dict[str, tuple[int, int]] = field(default_factory=dict)
    quantities: dict[str, Any] = field(default_factory=dict)  # name -> expression
    whole: set[str] = field(default_factory=set)
    steps: list[tuple[str, str]] = field(default_factory=list)  # (template, quantity)
    nouns: dict[str, str] = field(default_factory=dict)


class Semantics(Transformer[Token, Any]):
    """Base class for a family's actions. Subclass it beside the grammar.

    In an action, ``self.number(tok, lo, hi)`` is a number slot, ``self.person(tok,
    role)`` a name, ``self.pronoun(tok, role, form)`` a pronoun, ``self.noun(tok,
    role, count)`` a noun that agrees with ``count``; ``self.let(name, expr,
    whole=True)`` names an intermediate quantity (and requires it whole and
    positive), ``self.step(text, name)`` adds a solution step. The root action
    returns the answer.
    """

    nouns: ClassVar[Mapping[str, Sequence[str]]] = {}

    def __init__(self, mode: str) -> None:
        super().__init__(visit_tokens=True)
        self.mode = mode
        self.problem = Problem()
        self._count = 0

    # -- slots ---------------------------------------------------------------------------

    def number(self, tok: Token, lo: int = 1, hi: int = 20) -> Any:
        """A number written in the text: a symbol when building, its value when checking."""
        if self.mode == "check":
            return Fraction(str(tok))
        import sympy  # type: ignore[import-untyped, unused-ignore]

        name = f"n{self._count}"
        self._count += 1
        sym = sympy.Symbol(name, integer=True, positive=True)
        self.problem.slots.append(_Slot(int(tok.start_pos or 0), "number", symbol=sym))
        self.problem.ranges[name] = (lo, hi)
        return sym

    def person(self, tok: Token, role: str) -> str:
        """A person's name; every name bound to ``role`` is the same person."""
        if self.mode == "build":
            self.problem.slots.append(_Slot(int(tok.start_pos or 0), "name", role=role))
        return role

    def pronoun(self, tok: Token, role: str, form: str = "subject") -> str:
        """A pronoun for the person bound to ``role`` (subject, object or possessive)."""
        if self.mode == "build":
            slot = _Slot(int(tok.start_pos or 0), "pronoun", role=role, form=form)
            self.problem.slots.append(slot)
        return role

    def verb(self, tok: Token, role: str, *, after_pronoun: bool = True) -> str:
        """A present-tense verb that agrees with the person bound to ``role`` when its
        subject is that person's pronoun (``she finds``, ``they find``); the grammar's
        terminal must accept both forms."""
        if self.mode == "build" and after_pronoun:
            slot = _Slot(int(tok.start_pos or 0), "verb", role=role, form=str(tok))
            self.problem.slots.append(slot)
        return role

    def noun(self, tok: Token, role: str, count: Any = 2) -> str:
        """A noun for the thing bound to ``role``, singular or plural as ``count`` says."""
        if self.mode == "build":
            slot = _Slot(int(tok.start_pos or 0), "noun", role=role, count=count)
            self.problem.slots.append(slot)
        return role

    # -- quantities and steps --------------------------------------------------------------

    def let(self, name: str, expr: Any, *, whole: bool = True) -> Any:
        """Name an intermediate quantity; ``whole`` requires it a positive whole number."""
        if self.mode == "build":
            self.problem.quantities[name] = expr
            if whole:
                self.problem.whole.add(name)
        return expr

    def step(self, text: str, name: str) -> None:
        """A solution step: ``text`` with ``{quantity}`` fields, computing ``name``."""
        if self.mode == "build":
            self.problem.steps.append((text, name))


def _load_actions(grammar_path: Path) -> type[Semantics]:
    module_path = grammar_path.with_suffix(".py")
    if not module_path.is_file():
        raise InvalidArgument(f"no semantic actions beside {grammar_path}: expected {module_path}")
    spec = importlib.util.spec_from_file_location(
        f"gramgen_family_{grammar_path.stem}", module_path
    )
    if spec is None or spec.loader is None:
        raise InvalidArgument(f"cannot load semantic actions from {module_path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    found = [
        v
        for v in vars(module).values()
        if isinstance(v, type) and issubclass(v, Semantics) and v is not Semantics
    ]
    if len(found) != 1:
        raise InvalidArgument(
            f"{module_path} must define exactly one Semantics subclass, found {len(found)}"
        )
    return found[0]


class Family:
    """A problem family: a grammar and its actions; generates and checks problems."""

    def __init__(self, path: str | Path, **options: Any) -> None:
        self.path = Path(path)
        self.grammar = Grammar.from_file(self.path, **options)
        self.actions = _load_actions(self.path)
        self.sampler = Sampler(self.grammar, spacing="prose")
        self.parser = DerivationParser(self.sampler)
        self._constructors: dict[tuple[int, ...], Any] = {}

    def _run(self, mode: str, tree: Any) -> tuple[Semantics, Any]:
        actions = self.actions(mode)
        try:
            return actions, actions.transform(tree)
        except VisitError as err:
            raise SemanticError(
                f"{self.path.name}: action for {err.rule!r} raised "
                f"{type(err.orig_exc).__name__}: {err.orig_exc}"
            ) from err.orig_exc

    def generate(self, n: int, *, seed: int = 0) -> Iterator[dict[str, Any]]:
        """``n`` verified problems, item *i* depending only on ``(seed, i)``."""
        for i in range(n):
            yield self.item(seed, i)

    def item(self, seed: int, index: int) -> dict[str, Any]:
        """Problem number ``index`` of the run seeded ``seed``, verified."""
        # gramgen.solvers lives in solvers/; mypy cannot follow the package-dir mapping
        from gramgen.solvers import (  # type: ignore[import-not-found, unused-ignore]
            Domain,
        )
        from gramgen.solvers import (  # type: ignore[import-not-found, unused-ignore]
            Problem as SolverProblem,
        )
        from gramgen.solvers import (  # type: ignore[import-not-found, unused-ignore]
            Sampler as Construct,
        )

        s = item_seed(seed, index)
        rng = random.Random(s)
        smp = self.sampler.item(seed, index)
        if smp is None:
            raise GramgenError(f"{self.path.name}: item {index} has no derivation that re-parses")
        d = smp.derivation
        actions, answer = self._run("build", to_lark(self.sampler, d))
        prob = actions.problem
        key = tuple(d.path)
        construct = self._constructors.get(key)
        if construct is None:
            names = {slot.symbol.name for slot in prob.slots if slot.kind == "number"}
            relations = [f"answer = {answer}"]
            relations += [f"{q} = {e}" for q, e in prob.quantities.items()]
            domains = {q: Domain(kind="integer", positive=True) for q in prob.whole}
            domains["answer"] = Domain(kind="integer", positive=True)
            problem = SolverProblem(
                relations=tuple(relations),
                knowns=dict.fromkeys(names, 1),
                unknowns=("answer", *prob.quantities),
                answer="answer",
                domains=domains,
            )
            free = {q: Domain.between(lo, hi) for q, (lo, hi) in prob.ranges.items()}
            construct = Construct.from_problem(problem, free)
            self._constructors[key] = construct
        chosen = construct.sample(rng)
        values = {**chosen.knowns, **chosen.values}
        tokens = list(d.tokens)
        people = rng.sample(PEOPLE, k=len(PEOPLE))
        who: dict[str, tuple[str, str]] = {}
        for slot in prob.slots:
            if slot.kind in ("name", "pronoun") and slot.role not in who:
                who[slot.role] = people[len(who)]
        nouns = {
            role: options[rng.randrange(len(options))]
            for role, options in self.actions.nouns.items()
        }
        for slot in sorted(prob.slots, key=lambda sl: sl.index):
            sym, _ = tokens[slot.index]
            prev = next((t for _, t in reversed(tokens[: slot.index]) if t), "")
            slot.capital = not prev or prev[-1] in ".!?"
            tokens[slot.index] = (sym, _slot_text(slot, values, who, nouns))
        d.tokens = tokens
        text, _repaired, reason = self.sampler.render(d)
        if text is None:
            raise GramgenError(f"{self.path.name}: item {index} does not re-parse: {reason}")
        value = values["answer"]
        steps = [tpl.format(**{k: _fmt(v) for k, v in values.items()}) for tpl, _ in prob.steps]
        record = {
            "question": text,
            "answer": _fmt(value),
            "steps": steps,
            "family": self.path.stem,
            "seed": s,
            "index": index,
            "path": list(d.path),
        }
        check = self.check(record)
        if check is not None:
            raise GramgenError(f"{self.path.name}: item {index} failed its own check: {check}")
        return record

    def check(self, record: dict[str, Any]) -> str | None:
        """None if the record's question, parsed back, gives its answer; else what is wrong."""
        try:
            d = self.parser.parse(str(record["question"]))
        except ParseFailed as err:
            return f"the question does not parse: {err}"
        _, answer = self._run("check", to_lark(self.sampler, d))
        if Fraction(answer) != Fraction(str(record["answer"])):
            return (
                f"the question gives {_fmt(Fraction(answer))}, the record says {record['answer']}"
            )
        return None


def _fmt(v: Any) -> str:
    f = Fraction(v)
    return str(f.numerator) if f.denominator == 1 else f"{f.numerator}/{f.denominator}"


def _third_person(base: str) -> str:
    """``find`` -> ``finds``, ``watch`` -> ``watches``, ``carry`` -> ``carries``."""
    if base == "have":
        return "has"
    if base.endswith(("s", "sh", "ch", "x", "z", "o")):
        return base + "es"
    if len(base) > 1 and base.endswith("y") and base[-2] not in "aeiou":
        return base[:-1] + "ies"
    return base + "s"


def _slot_text(
    slot: _Slot,
    values: dict[str, Any],
    who: dict[str, tuple[str, str]],
    nouns: dict[str, str],
) -> str:
    if slot.kind == "number":
        return _fmt(values[slot.symbol.name])
    if slot.kind == "name":
        return who[slot.role][0]
    import inflect

    if slot.kind == "pronoun":
        word = _PRONOUNS[who[slot.role][1]][slot.form]
        return word.capitalize() if slot.capital else word
    if slot.kind == "verb":
        base = str(inflect.engine().plural_verb(slot.form))
        return base if who[slot.role][1] == "they" else _third_person(base)

    count = slot.count
    if not isinstance(count, int | Fraction):
        count = values.get(getattr(count, "name", ""), 2)
    engine = inflect.engine()
    noun = nouns[slot.role]
    return noun if Fraction(count) == 1 else str(engine.plural_noun(noun))
