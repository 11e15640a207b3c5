"""Problem families: a grammar and its semantic actions, generating verified problems.

For each derivation *structure* (the alternatives taken) the actions run once on
symbols (:mod:`gramgen.semantics`); the model is solved once and compiled
(:mod:`gramgen.solvers`), so every problem of that structure costs a draw of
numbers chosen by construction, an exact check of the instance, and filling
the numbers, names and words into the derivation's tokens.

The text of a problem is checked by parsing it back with the grammar, rebuilding
the model from the parse, solving it with the numbers the text states and
comparing the answer; its trace is run and its steps' arithmetic checked. By
default that full check runs on every problem that uses an alternative (a
phrasing) no checked problem has used yet, so every phrasing of every level is
checked; the fill-ins (names, words, numbers) of every problem are checked to
be tokens of their terminals, and every instance is checked exactly.
``verify="full"`` runs the full check on every problem, and
:meth:`Family.check` (``gramgen check``) on any record.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fnmatch
import functools
import hashlib
import importlib.util
import inspect
import itertools
import math
import os
import random
import re
import sys
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any, Final, TypeVar

from lark import Token
from lark.exceptions import VisitError
from lark.visitors import Discard

from ._inflect import engine as _inflect
from .derive import Derivation
from .english import is_plural, is_singular
from .english import plural as _plural
from .english import singular as _singular
from .errors import GramgenError, GrammarError, InvalidArgument, SemanticError
from .filler import Fill, Lexes, plan_fill
from .grammar import Grammar, Kind
from .parse import DerivationParser, ParseFailed
from .records import RECORD_FIELDS, field_problem
from .sample import Sampler
from .seeds import Draws, Rng, below
from .semantics import (
    PEOPLE,
    PRONOUNS,
    Model,
    Semantics,
    Slot,
    format_number,
    load_lexicon,
    parse_number,
)
from .trees import Views, all_choices, transform, view
from .writer import Writer, compile_writer, style_for, template_parts

__all__ = [
    "Family",
    "bundled_families",
    "find_families",
    "load_family",
]


def _families_dir() -> Path:
    import importlib.resources

    return Path(str(importlib.resources.files("gramgen.grammars"))) / "families"


FAMILIES_DIR = _families_dir()
_LEVEL_RULE = re.compile(r"^[?!]?level(\d+)\s*(?:\.\s*-?\d+\s*)?:", re.MULTILINE)
_START_RULE = re.compile(r"^[?!]?start\s*(?:\.\s*-?\d+\s*)?:", re.MULTILINE)


def _levels(source: str) -> list[int]:
    return sorted({int(m.group(1)) for m in _LEVEL_RULE.finditer(source)})


def level_starts(path: Path) -> list[str]:
    """The start rules of the difficulty levels (``level1``, ``level2``, ...) of the
    grammar at ``path``, as a family uses them: where its actions module stands beside
    it (a rule named ``start`` may then be a sentence like any other), or where it has
    no ``start`` rule; else an empty list."""
    source = path.read_text(encoding="utf-8", errors="replace")
    if not path.with_suffix(".py").is_file() and _START_RULE.search(source):
        return []
    return [f"level{n}" for n in _levels(source)]


_ANSWER_NONE = "not enough information"
# derivation paths and views per level whose entries are kept: families with many
# phrasings meet new paths for millions of problems, and memory must stay flat. A path's
# entry is ~1.6 KB with its question's frame (at most ~105 MB a level); a view's holds
# its solved model and writer, and views are far fewer (a few thousand in the bundled
# families).
_PATHS_KEPT = 65_536
_VIEWS_KEPT = 20_000

_K = TypeVar("_K")
_V = TypeVar("_V")


def _kept(cache: dict[_K, _V], key: _K, value: _V, bound: int) -> _V:
    """``value``, put in ``cache`` under ``key``; a full cache (``bound`` entries) first
    lets its oldest quarter go (emptying it all would halve its hits where paths are
    many: on average it would be half full)."""
    if len(cache) >= bound:
        for old in list(itertools.islice(cache, bound // 4)):
            del cache[old]
    cache[key] = value
    return value


@functools.cache
def _version() -> str:
    from . import __version__

    return __version__


# -- the solver side ------------------------------------------------------------------------


def _domain(kind: str, hi: Fraction | None) -> Any:
    from gramgen.solvers import Domain  # type: ignore[import-not-found, unused-ignore]

    if kind == "whole":
        return Domain(kind="integer", positive=True, hi=hi)
    if kind == "nonnegative":
        return Domain(kind="integer", nonnegative=True, hi=hi)
    if kind == "integer":
        return Domain(kind="integer", hi=hi)
    if kind == "rational":
        return Domain(kind="rational", positive=True, hi=hi)
    if kind == "any":
        return Domain(kind="rational", hi=hi)
    raise InvalidArgument(
        f"unknown domain {kind!r}; expected whole, nonnegative, integer, rational or any"
    )


_T = TypeVar("_T")


def _relation(lhs: Any, rhs: Any) -> str:
    return f"{lhs} = {rhs}"


@dataclass
class _Entry:
    """Everything about one derivation structure, computed once."""

    model: Model
    construct: Any = None
    error: str | None = None
    check_skeleton: Any = None
    trace_lines: list[tuple[str, str | None]] = field(default_factory=list)
    trace_kind: str = "python"
    # the entry whose meaning was solved (this one, or the first structure that meant
    # the same); its sympy trace has run on a checked problem
    meaning: _Entry | None = None
    traced: bool = False
    droppable: list[Slot] | None = None  # (on the view's entry: see _open_slots)
    open_names: frozenset[str] | None = None  # (on the meaning's entry: see _open_slots)
    # the model's slots index the tokens the actions were handed (the same for every
    # derivation of the view: see _Path.kept)
    numbers: list[Slot] = field(default_factory=list)
    others: list[Slot] = field(default_factory=list)  # in the order of the tokens
    slot_tokens: tuple[int, ...] = ()  # every slot's index (for _path: read once)
    # (index, kind, role) of its name, noun and word slots, in that order (see
    # _role_words: read once, not each slot's attributes for every problem)
    word_slots: tuple[tuple[int, str, str], ...] = ()
    styles: dict[str, str] = field(default_factory=dict)
    # its steps and trace written from the numbers, compiled on first use; and whether
    # they or the answer's unit need the problem's role words
    writer: Writer | None = None
    wants_words: bool = False
    fill: Fill | None = None  # its filling of slots, planned on first use


class _Path:
    """One derivation path: its view's entry (shared by every path the actions see
    alike) and what differs per path. Slim (slots, no dict; its sequences tuples,
    which the cycle collector stops visiting): a family with many phrasings keeps
    tens of thousands per level."""

    __slots__ = (
        "choices", "edges", "error", "frame", "holes", "kept", "more", "varying", "verified",
        "view",
    )  # fmt: skip

    def __init__(
        self, view: _Entry, kept: tuple[int, ...], choices: frozenset[int], verified: bool,
        varying: tuple[int, ...], holes: tuple[int, ...],
    ) -> None:  # fmt: skip
        self.view = view
        # ``kept[i]``: the index among the derivation's tokens of the i-th token handed
        # to the actions (the view's slots index those), so a new path of a known view
        # places no slots of its own
        self.kept = kept
        # the choices taken, one int each: level << 42 | symbol << 21 | choice (a set of
        # ints is one object to the garbage collector; a set of tuples is one per choice)
        self.choices = choices
        self.verified = verified  # every choice it makes has had a full check
        self.error = view.error  # (or its construction collapsed on this path)
        # tokens outside the slots whose text varies (e.g. "has" | "owns"); the holes:
        # those and the slots, the tokens whose text a problem gives
        self.varying = varying
        self.holes = holes
        # the question's text around the holes (see _frame) for each combination of the
        # varying tokens' first and last characters (spacing depends only on the edges;
        # fill-ins are checked to be tokens of their terminals, so the slots' texts do
        # not change it): the first combination met and its frame here (most paths have
        # no varying token, so only one), any others in ``more``
        self.edges: tuple[str, ...] | None = None
        self.frame: tuple[str, ...] = ()
        self.more: dict[tuple[str, ...], tuple[str, ...]] | None = None


def _choice_ints(level: int, choices: Iterable[tuple[int, int]]) -> frozenset[int]:
    """``(symbol, choice)`` pairs made at ``level``, one int each (as ``_Path.choices``)."""
    lvl = level << 42
    return frozenset([lvl | (sym << 21) | c for sym, c in choices])


def _clone(obj: _T) -> _T:
    """A shallow copy of a plain dataclass instance (``copy.copy``, without its
    general machinery: a new derivation structure makes two)."""
    new = object.__new__(type(obj))
    new.__dict__.update(obj.__dict__)
    return new


@dataclass
class _Level:
    name: str
    number: int
    sampler: Sampler
    entries: dict[tuple[int, ...], _Path] = field(default_factory=dict)  # by path
    # by what the actions see (trees.view): their model, solved, with slots in the
    # order of the tokens handed to them
    views: dict[tuple[int, ...], _Entry] = field(default_factory=dict)
    tables: Views | None = None  # for trees.view: token types told apart by what the actions do
    # every choice a derivation can make (as _Path.choices; None: unbounded), and whether
    # all have had a full check: then a new derivation has nothing left to check
    universe: frozenset[int] | None = None
    complete: bool = False


@dataclass
class FamilyStats:
    """Counts over a family's generation: full checks run, templates, rejections."""

    items: int = 0
    full_checks: int = 0
    templates: int = 0
    rejected: Counter[str] = field(default_factory=Counter)


class Family:
    """A problem family: a grammar, its actions and the solver behind them.

    ``lexicons`` overrides the actions' lexicons by role (a list of words or a
    data file ``path.csv:column``); ``people`` replaces the names drawn (pairs
    of name and pronoun set ``he``/``she``/``they``).
    """

    def __init__(
        self,
        path: str | Path,
        *,
        lexicons: Mapping[str, Any] | None = None,
        people: Sequence[tuple[str, str]] | None = None,
        **options: Any,
    ) -> None:
        self.path = Path(path)
        if not self.path.is_file():
            raise InvalidArgument(f"family grammar {self.path} does not exist")
        source = self.path.read_text(encoding="utf-8")
        levels = _levels(source)
        if levels and levels != list(range(1, len(levels) + 1)):
            raise InvalidArgument(
                f"{self.path}: level rules must be level1..levelN without gaps, found "
                + ", ".join(f"level{n}" for n in levels)
            )
        self.actions = _load_actions(self.path)
        module_text = self.path.with_suffix(".py").read_bytes()
        self.sha256 = hashlib.sha256(source.encode() + b"\0" + module_text).hexdigest()
        self.name = self.path.stem
        self.topic = self.actions.topic or self.path.parent.name
        doc = inspect.getdoc(self.actions) or ""
        self.title = self.actions.title or (doc.splitlines()[0] if doc else self.name)
        starts = [f"level{n}" for n in levels] or None
        if starts:
            options = {**options, "start": starts}
        self.grammar = Grammar.from_file(self.path, **options)
        _check_names(self.grammar, self.actions, self.path)
        names = starts or [self.grammar.starts[0]]
        self.levels = len(names) if starts else self.actions.levels
        self._levels: dict[int, _Level] = {}
        base = Sampler(self.grammar, start=names[0], spacing="prose", roundtrip=False)
        for n in range(1, self.levels + 1):
            name = names[n - 1] if starts else names[0]
            smp = (
                base
                if name == names[0]
                else Sampler(self.grammar, start=name, spacing="prose", roundtrip=False)
            )
            self._levels[n] = _Level(name, n, smp)
            # regex terminals are slots the actions fill: their simplest text stands in
            # (a literal alternation such as "has" | "owns" is a phrasing: still drawn)
            engine = smp.engine
            for sid, t in enumerate(engine.term_gen):
                if t is not None and t.sampler is not None and engine.term_const[sid] is None:
                    engine.term_const[sid] = t.simplest()
        self.renderer = base.renderer
        raw = {**self.actions.lexicons, **(lexicons or {})}
        self.lexicons = {role: load_lexicon(words) for role, words in raw.items()}
        self.people = tuple(people) if people is not None else PEOPLE
        for name, pron in self.people:
            if pron not in PRONOUNS:
                raise InvalidArgument(f"person {name!r}: pronoun set must be he, she or they")
        self._lexes: Lexes = [{} for _ in self.grammar.symbols]  # see filler.Lexes
        self._solved: dict[tuple[Any, ...], _Entry] = {}
        self._verified: set[int] = set()  # the choices (as _Path.choices) of checked problems
        self._parser: DerivationParser | None = None
        self.stats = FamilyStats()
        self.relpath = _relative(self.path)

    def prepare(self) -> None:
        """Load what generation needs up front (inflect is slow to import), so that
        forked workers start ready."""
        _inflect()

    def __repr__(self) -> str:
        return f"Family({self.name!r}, topic={self.topic!r}, levels={self.levels})"

    def draws(self) -> tuple[int, int, Counter[str]]:
        """Over every construction so far: draws of the free numbers tried, accepted,
        and the reasons of those rejected (rejection is construction's fallback)."""
        tries = accepted = 0
        reasons: Counter[str] = Counter()
        for e in self._solved.values():
            if e.construct is not None:
                st = e.construct.stats
                tries, accepted = tries + st.tries, accepted + st.accepted
                reasons.update(st.reasons)
        return tries, accepted, reasons

    # -- structures ----------------------------------------------------------------------

    def _level(self, level: int) -> _Level:
        lv = self._levels.get(level)
        if lv is None:
            raise InvalidArgument(
                f"family {self.name!r} has difficulty levels 1..{self.levels}, not {level!r}"
            )
        return lv

    def _transform(self, level: int, d: Derivation, lv: _Level) -> Semantics:
        actions = self.actions(level)
        try:
            answer = transform(lv.sampler, d, actions)
        except VisitError as err:
            text = " ".join(t for _, t in d.tokens if t)
            raise SemanticError(
                f"{self.path.name}: action for {err.rule!r} raised "
                f"{type(err.orig_exc).__name__}: {err.orig_exc} (derivation {d.path}: {text!r})"
            ) from err.orig_exc
        except InvalidArgument as err:
            raise SemanticError(f"{self.path.name}: {err}") from err
        if answer is None:
            raise SemanticError(
                f"{self.path.name}: the root action of {lv.name!r} returned None; it must "
                "return the answer"
            )
        actions.model.answer = answer
        return actions

    def model(self, level: int, derivation: Derivation) -> Model:
        """The model the actions build for ``derivation`` of ``level``, run afresh
        (slot indices are positions in ``derivation.tokens``)."""
        lv = self._level(level)
        return self._transform(level, derivation, lv).model

    def _entry(self, lv: _Level, d: Derivation) -> _Path:
        key = tuple(d.path)
        entry = lv.entries.get(key)
        if entry is None:
            if lv.tables is None:
                lv.tables = Views(lv.sampler.grammar, self._token_keys(lv))
                every = all_choices(lv.sampler, lv.sampler.start)
                if every is not None:
                    lv.universe = _choice_ints(lv.number, every)
            shape, kept, choices = view(lv.sampler, d, lv.tables, record=not lv.complete)
            base = lv.views.get(shape)
            if base is None:
                base = _kept(lv.views, shape, self._base(lv, d, kept), _VIEWS_KEPT)
            entry = _kept(lv.entries, key, self._path(lv, base, d, kept, choices), _PATHS_KEPT)
        return entry

    def _token_keys(self, lv: _Level) -> dict[int, Any]:
        """Per terminal, what its token callback does (returns and binds) on a fresh
        instance of the actions: terminals whose callbacks do the same (verbs bound
        alike, say) are one to the actions, and derivations differing only in them
        share a model. A callback that hands on the token keeps its type apart."""
        keys: dict[int, Any] = {}
        engine = lv.sampler.engine
        for s in self.grammar.symbols:
            if s.kind is not Kind.TERM:
                continue
            actions = self.actions(lv.number)
            text = engine.term_const[s.id] or ""
            try:
                out = actions._call_userfunc_token(Token(s.terminal, text, start_pos=0))  # type: ignore[no-untyped-call]
            except Exception:  # the real run reports it, with the derivation
                continue
            if isinstance(out, Token) or out is Discard:
                continue
            m = actions.model
            slots = [dataclasses.astuple(dataclasses.replace(x, index=0)) for x in m.slots]
            keys[s.id] = ("did", repr(out), repr(slots), repr(dataclasses.replace(m, slots=[])))
        return keys

    def _base(self, lv: _Level, d: Derivation, kept: Sequence[int]) -> _Entry:
        """The entry of every derivation the actions see as they see ``d`` (the same
        nodes and kept tokens; only filtered-out literals differ): the actions run
        once, their slots indexed by the order of the tokens they were handed."""
        model = self.model(lv.number, d)
        order = {t: k for k, t in enumerate(kept)}
        for slot in model.slots:
            k = order.get(slot.index)
            if k is None:
                raise SemanticError(
                    f"{self.path.name}: a slot is bound to token {slot.index} "
                    f"({d.tokens[slot.index][1]!r}), which no action was handed"
                )
            slot.index = k
        roles = {s.role for s in model.slots if s.role}
        clash = roles & {*model.written, *model.free, *model.lets, *model.unknowns}
        if clash:  # "{a}" in a step would write the quantity, not the person
            raise SemanticError(
                f"{self.path.name}: {sorted(clash)} name both a quantity and a role; "
                "rename one of them"
            )
        entry = _Entry(model)
        entry.slot_tokens = tuple([s.index for s in model.slots])
        entry.numbers = [s for s in model.slots if s.kind == "number"]
        entry.others = sorted((s for s in model.slots if s.kind != "number"), key=lambda s: s.index)
        entry.word_slots = tuple([(s.index, s.kind, s.role) for s in entry.others
                                  if s.kind in ("name", "noun", "word")])  # fmt: skip
        entry.styles = {s.name: s.style for s in entry.numbers}
        m = model
        meaning = (tuple(m.relations), m.answer, tuple(m.free.items()),
                   tuple(m.domains.items()), tuple(m.written), tuple(m.unknowns))  # fmt: skip
        solved = self._solved.get(meaning)
        if solved is None:  # structures that mean the same are solved once
            try:
                self._solve(entry)
            except GramgenError as err:
                entry.error = str(err)
            self._solved[meaning] = entry
            entry.meaning = entry
        else:
            entry.meaning = solved
            entry.construct, entry.error = solved.construct, solved.error
            entry.check_skeleton = solved.check_skeleton
            entry.trace_lines, entry.trace_kind = solved.trace_lines, solved.trace_kind
        return entry

    def _path(
        self,
        lv: _Level,
        view: _Entry,
        d: Derivation,
        kept: Sequence[int],
        choices: Iterable[tuple[int, int]],
    ) -> _Path:
        """The entry of derivation ``d`` of ``view``, whose tokens ``kept`` were handed
        to the actions."""
        at = {kept[i] for i in view.slot_tokens}
        const = lv.sampler.engine.term_const
        varying = tuple(
            [i for i, (sym, _) in enumerate(d.tokens) if const[sym] is None and i not in at]
        )
        holes = tuple(sorted(at.union(varying)))
        made = _choice_ints(lv.number, choices)
        return _Path(view, tuple(kept), made, lv.complete, varying, holes)

    @staticmethod
    def _placed(entry: _Path, slots: Iterable[Slot]) -> list[Slot]:
        """``slots`` of ``entry``'s view on its derivation's tokens."""
        kept = entry.kept
        return [s.at(kept[s.index]) for s in slots]

    def _problem(self, m: Model, knowns: Iterable[str], unknowns: Sequence[str]) -> Any:
        from gramgen.solvers import Problem  # type: ignore[import-not-found, unused-ignore]

        relations = [_relation(lhs, rhs) for lhs, rhs in m.relations]
        relations.append(_relation("answer", m.answer))
        domains = {q: _domain(kind, hi) for q, (kind, _, hi) in m.domains.items()}
        domains["answer"] = _domain(self.actions.answer_domain, None)
        return Problem(
            relations=tuple(relations),
            knowns=dict.fromkeys(knowns, 1),
            unknowns=tuple(unknowns),
            answer="answer",
            domains={k: v for k, v in domains.items() if k in unknowns},
        )

    def _solve(self, entry: _Entry) -> None:
        from gramgen.solvers import Domain  # type: ignore[import-not-found, unused-ignore]
        from gramgen.solvers import (  # type: ignore[import-not-found, unused-ignore]
            Sampler as Construct,
        )

        m = entry.model
        free = list(m.free)
        dependents = [q for q in m.written if q not in m.free] + m.lets + ["answer"]
        problem = self._problem(m, free, dependents)
        domains: dict[str, Any] = {}
        steps: dict[str, Fraction] = {}
        for q, (lo, hi, step) in m.free.items():
            whole = step.denominator == 1 and lo.denominator == 1
            domains[q] = Domain.between(lo, hi, "integer" if whole else "rational")
            steps[q] = step
        entry.construct = Construct(problem.skeleton(), domains, steps=steps)
        # the check: the numbers the text states are known, everything else solved for
        unknowns = [*m.unknowns, *m.lets, "answer"]
        check = self._problem(m, m.written, unknowns)
        entry.check_skeleton = check.skeleton()
        from gramgen.solvers import (  # type: ignore[import-not-found, unused-ignore]
            python_expression,
        )

        lines = [(str(lhs), python_expression(rhs)) for lhs, rhs in m.relations
                 if str(lhs) in m.lets]  # fmt: skip
        lines.append(("answer", python_expression(m.answer)))
        plain = not (m.unknowns or _has_equations(m)) and all(e is not None for _, e in lines)
        entry.trace_kind = "python" if plain else "sympy"
        if plain:
            entry.trace_lines = [("from fractions import Fraction", None), ("import math", None),
                                 ("", None)]  # fmt: skip
            entry.trace_lines += [(f"{q} = Fraction({{}})", q) for q in m.written]
            entry.trace_lines += [(f"{q} = {e}", None) for q, e in lines]
        else:
            from gramgen.solvers import (  # type: ignore[import-not-found, unused-ignore]
                sympy_trace,
            )

            marker = 7919  # a placeholder value, replaced by each problem's own
            problem = self._problem(m, m.written, unknowns)
            problem = type(problem)(
                relations=problem.relations,
                knowns=dict.fromkeys(m.written, marker),
                unknowns=problem.unknowns,
                answer="answer",
                domains=problem.domains,
            )
            for line in sympy_trace(problem).splitlines():
                name = line.partition(" = ")[0]
                if name in m.written and line.endswith(f"Integer({marker})"):
                    entry.trace_lines.append((f"{name} = {{}}", name))
                else:
                    entry.trace_lines.append((line, None))

    # -- one problem ---------------------------------------------------------------------

    def item(
        self,
        index: int,
        *,
        seed: int = 0,
        level: int = 1,
        unsolvable: bool = False,
        verify: str = "coverage",
    ) -> dict[str, Any]:
        """Problem ``index`` of the run seeded ``seed`` at ``level``, verified.

        ``unsolvable`` leaves a number the answer needs vague ("some"), labelled
        as not enough information. ``verify`` is ``coverage`` (the exact check of
        every instance, and the full check of text, trace and steps on each
        problem using a phrasing not yet checked) or ``full`` (the full check on
        every problem). Raises :class:`Rejected` when the problem cannot be made
        (its reason says why).
        """
        lv = self._level(level)
        rng = Draws(seed, index)
        sampler = lv.sampler
        d = sampler.engine.derive_random(sampler.start, rng, sampler.max_size)
        entry = self._entry(lv, d)
        view = entry.view
        self.stats.items += 1
        if entry.error is not None:
            raise self._rejected(f"structure {d.path} cannot be solved: {entry.error}")
        try:
            chosen = view.construct.sample(rng)
        except GramgenError as err:  # acceptance collapsed: this structure cannot be filled
            entry.error = str(err)
            raise self._rejected(f"structure {d.path} cannot be filled: {err}") from None
        values: dict[str, Any] = {**chosen.knowns, **chosen.values}
        tokens = self._fill(entry, d.tokens, values, rng)
        record: dict[str, Any] = {
            "id": f"{self.name}-L{level}-{seed}-{index}",
            "question": "",
            "answer": "",
            "answer_type": "",
            "answer_value": None,
            "answer_text": "",
            "solvable": True,
            "steps": [],
            "trace": "",
            "family": self.name,
            "topic": self.topic,
            "difficulty": level,
            "provenance": {
                "grammar": self.relpath,
                "grammar_sha256": self.sha256,
                "path": list(d.path),
                "seed": seed,
                "index": index,
                "gramgen": _version(),
            },
        }
        if unsolvable:
            return self._unsolvable(lv, entry, d, tokens, values, record, rng, verify)
        varying = entry.varying
        edges = tuple([tokens[i][1][:1] + tokens[i][1][-1:] for i in varying]) if varying else ()
        frame = entry.frame if edges == entry.edges else self._frame(lv, entry, edges, d)
        parts = [frame[0]]
        for j, i in enumerate(entry.holes, 1):
            parts.append(tokens[i][1])
            parts.append(frame[j])
        record["question"] = "".join(parts)
        answer = values["answer"]
        record.update(_answer_fields(answer, self.actions.answer_style))
        writer = view.writer or self._writer(view)
        words = _role_words(entry, tokens) if view.wants_words else {}
        record["answer_text"] = self._answer_text(answer, words)
        record["steps"], record["trace"] = writer(values, words)
        if verify == "full" or not entry.verified:
            choices = entry.choices
            if verify == "full" or not choices <= self._verified:
                self.stats.full_checks += 1
                solved = view.meaning or view
                problems = self.check(record, sympy_trace=verify == "full" or not solved.traced)
                if problems:
                    raise self._rejected(f"failed its check: {'; '.join(problems)}")
                self._verified |= choices
                if lv.universe is not None:
                    lv.complete = lv.universe <= self._verified
                solved.traced = True
            entry.verified = True
        return record

    def _frame(
        self, lv: _Level, entry: _Path, edges: tuple[str, ...], d: Derivation
    ) -> tuple[str, ...]:
        """The question of ``entry``'s derivation ``d`` (whose varying tokens have
        ``edges``) cut at its holes: the text before the first hole's token, between
        each hole's token and the next's, and after the last (each hole's separator
        included), so that a problem joins those and its holes' texts, not every
        token and separator."""
        frame = entry.more.get(edges) if entry.more else None
        if frame is None:
            # the unfilled tokens: a slot's stand-in text is the same for every problem,
            # so the renderer's verdicts on pairs of tokens are found in its cache
            tokens = d.tokens
            seps = lv.sampler.renderer.separators(tokens)
            self.stats.templates += 1
            holes = entry.holes
            pieces: list[str] = []
            run: list[str] = []  # the text since the last hole
            h, hole = 0, holes[0] if holes else -1
            for k, sep in enumerate(seps):
                run.append(sep)
                if k == hole:
                    pieces.append("".join(run))
                    run = []
                    h += 1
                    hole = holes[h] if h < len(holes) else -1
                else:
                    run.append(tokens[k][1])
            pieces.append("".join(run))
            frame = tuple(pieces)
            if entry.edges is None:
                entry.edges, entry.frame = edges, frame
            else:
                entry.more = entry.more or {}
                entry.more[edges] = frame
        return frame

    def _rejected(self, reason: str) -> Rejected:
        self.stats.rejected[reason_shape(reason)] += 1
        return Rejected(reason)

    def _fill(
        self,
        entry: _Path,
        tokens: Sequence[tuple[int, str]],
        values: dict[str, Any],
        rng: Rng,
    ) -> list[tuple[int, str]]:
        """``tokens`` with ``entry``'s slots filled: numbers from ``values``, roles
        bound by drawing from ``rng``."""
        view = entry.view
        out = list(tokens)
        (view.fill or self._filler(view))(out, entry.kept, values, rng)
        return out

    def _filler(self, view: _Entry) -> Fill:
        """``view``'s fill, planned (once per view)."""
        view.fill = plan_fill(
            view.numbers, view.others, people=self.people, lexicons=self.lexicons,
            lexes=self._lexes, checked=self._checked, source=self.path.name,
        )  # fmt: skip
        return view.fill

    def _checked(self, sym: int, text: str) -> str:
        """``text`` if it is a token of terminal ``sym`` (it lexes in context: the
        template check parses the whole problem), else a clear error."""
        ok = self._lexes[sym].get(text)
        if ok:
            return text
        if ok is None:
            from . import _lark_adapter as adapter
            from ._regex import flags_from_letters, python_regex

            terminal = self.grammar.symbols[sym].terminal
            td = self.grammar.loaded.terminals[terminal]
            regexp, letters, _ = adapter.terminal_regexp(td)
            regex_module = bool(self.grammar.loaded.lark.options.regex)
            pattern = python_regex(regexp, flags_from_letters(letters), regex_module=regex_module)
            ok = self._lexes[sym][text] = pattern.fullmatch(text) is not None
        if not ok:
            terminal = self.grammar.symbols[sym].terminal
            raise SemanticError(
                f"{self.path.name}: the word {text!r} does not match terminal {terminal}: "
                "widen the terminal or change the lexicon"
            )
        return text

    def _writer(self, view: _Entry) -> Writer:
        """``view``'s writer of steps and trace, compiled (once per view)."""
        m = view.model
        roles = {role for _, _, role in view.word_slots}
        quantities = {*m.free, *m.written, *m.lets, "answer"}
        view.writer = compile_writer(
            m.steps, quantities, view.styles, self.actions.answer_style, roles,
            view.trace_lines, view.trace_kind, self.path.name,
        )  # fmt: skip
        fields = {name for t in m.steps for _, name, _ in template_parts(t)}
        view.wants_words = bool(fields & roles) or self.actions.answer_unit in roles
        return view.writer

    def _answer_text(self, answer: Any, words: Mapping[str, tuple[str, str]]) -> str:
        text = format_number(answer, style_for(answer, self.actions.answer_style))
        unit = self.actions.answer_unit
        if not unit:
            return text
        if unit in words:
            singular, plural = words[unit]
            return f"{text} {singular if answer == 1 else plural}"
        if unit in self.lexicons:
            raise SemanticError(
                f"{self.path.name}: answer_unit {unit!r} is a role this problem never binds "
                "(bind it in every structure, or name a word)"
            )
        return f"{text} {unit}"

    # -- unsolvable ----------------------------------------------------------------------

    def _unsolvable(
        self,
        lv: _Level,
        entry: _Path,
        d: Derivation,
        tokens: list[tuple[int, str]],
        values: Mapping[str, Any],
        record: dict[str, Any],
        rng: Rng,
        verify: str,
    ) -> dict[str, Any]:
        """The problem with one number the answer needs replaced by a vague phrase,
        checked as :meth:`check` checks it: two numbers in its place, with the other
        numbers of this problem, give two problems with different answers (``verify``
        ``full``: those problems written out and parsed back as well)."""
        open_slots = self._placed(entry, self._open_slots(entry.view))
        if not open_slots:
            raise self._rejected(
                f"structure {d.path} has no number whose loss leaves the answer open"
            )
        texts = [t for _, t in tokens]
        phrases = {s.index: _vague(s, texts) for s in open_slots}
        worded = [s for s in open_slots if phrases[s.index]]
        if not worded:
            raise self._rejected(
                f"structure {d.path} has no number the answer needs that can be worded vaguely"
            )
        slot = worded[below(rng)(len(worded))]
        vague = str(phrases[slot.index])
        seps = lv.sampler.renderer.separators(tokens)
        pieces = [sp + t for sp, (_, t) in zip(seps, tokens, strict=True)]
        start = sum(map(len, pieces[: slot.index])) + len(seps[slot.index])
        pieces[slot.index] = seps[slot.index] + vague
        record.update(
            question="".join(pieces), answer="", answer_type="none", answer_value=None,
            answer_text=_ANSWER_NONE, solvable=False, steps=[], trace="",
        )  # fmt: skip
        view = entry.view
        lo, hi, step = view.model.free[slot.name]
        stated = {w: values[w] for w in view.model.written}
        answers = set()
        for value in _vague_tries(slot.style, lo, hi, step):
            inst = view.check_skeleton.instantiate({**stated, slot.name: value})
            if inst.check.ok:
                answers.add(Fraction(inst.values["answer"]))
                if len(answers) == 2:
                    break
        else:  # (the structure's answer depends on the number, but not with these others)
            raise self._rejected(
                f"structure {d.path}: with this problem's other numbers the answer does "
                "not depend on the number left vague"
            )
        record["provenance"]["vague"] = [start, start + len(vague)]
        record["provenance"]["vague_number"] = {
            "style": slot.style, "range": [_fmt(lo), _fmt(hi), _fmt(step)]
        }  # fmt: skip
        if verify == "full":
            self.stats.full_checks += 1
            problems = self._check_unsolvable(lv, record)
            if problems:
                raise self._rejected(f"failed its check: {'; '.join(problems)}")
        return record

    def _open_slots(self, entry: _Entry) -> list[Slot]:
        """Numbers the text states, chosen freely, that the answer depends on, of view
        ``entry`` (the same for every derivation of a view, and by name for every view
        of a meaning: worked out once per meaning, a sympy solve per number)."""
        if entry.droppable is None:
            solved = entry.meaning or entry
            if solved.open_names is None:
                import sympy  # type: ignore[import-untyped, unused-ignore]

                m = solved.model
                free = [s.name for s in solved.numbers if s.name in m.free]
                if _piecewise(m, sympy):  # sympy.solve may never finish: look for an example
                    open_ = [q for q in free if _answers_differ(solved, q)]
                else:
                    open_ = [q for q in free if _undetermined(m, {q}, sympy)]
                solved.open_names = frozenset(open_)
            entry.droppable = [s for s in entry.numbers if s.name in solved.open_names]
        return entry.droppable

    # -- checking ------------------------------------------------------------------------

    def parser(self, level: int) -> DerivationParser:
        """The parser of the family's problems, for every level: one Earley parser
        (built on first use) with the levels' start rules; parse from ``level``'s
        with ``parser.parse(text, family.start(level))``."""
        lv = self._level(level)
        if self._parser is None:
            starts = [self._level(n).sampler.start for n in range(1, self.levels + 1)]
            self._parser = DerivationParser(lv.sampler, starts=starts)
        return self._parser

    def start(self, level: int) -> int:
        """The start symbol of ``level`` (for :meth:`parser`)."""
        return self._level(level).sampler.start

    def check(self, record: Mapping[str, Any], *, sympy_trace: bool = True) -> list[str]:
        """What is wrong with ``record`` (empty: it verifies).

        Every field must be there and of its type (:data:`gramgen.records.RECORD_FIELDS`), the
        family and topic this family's. Its question is parsed back with the grammar
        at its difficulty level, the model rebuilt from the parse and solved with the
        numbers the text states; the answer must be the record's, and its type, value
        and text (with its unit) as the question gives them; the names and plurals
        must agree, the trace must compute the answer, there must be steps, their
        arithmetic must hold and the last must state the answer.

        ``sympy_trace=False`` skips running a sympy trace (tens of milliseconds
        each): generation in ``coverage`` mode runs it on the first checked problem
        of each meaning, whose trace is one template filled with its numbers.
        """
        from gramgen.solvers import (  # type: ignore[import-not-found, unused-ignore]
            TraceError,
            run_sympy_trace,
            run_trace,
        )

        problems = self._fields(record)
        if problems:
            return problems
        level, question = record["difficulty"], record["question"]
        lv = self._level(level)
        if not record["solvable"]:
            return self._check_unsolvable(lv, record)
        try:
            d = self.parser(level).parse(question, lv.sampler.start)
        except ParseFailed as err:
            return [f"the question does not parse with {self.relpath}: {err}"]
        entry = self._entry(lv, d)
        view = entry.view
        placed = _clone(view.model)
        placed.slots = self._placed(entry, view.model.slots)
        if self.model(level, d) != placed:  # the actions, run on this very parse
            return [
                "the actions build a different model for this phrasing than for another "
                "they are handed alike (actions must not depend on a terminal's text)"
            ]
        if entry.error is not None:
            return [f"the question's structure cannot be solved: {entry.error}"]
        knowns: dict[str, Fraction] = {}
        for slot in view.numbers:
            text = d.tokens[entry.kept[slot.index]][1]
            try:
                knowns[slot.name] = parse_number(text)
            except InvalidArgument as err:
                problems.append(f"number {text!r}: {err}")
        if problems:
            return problems
        inst = view.check_skeleton.instantiate(knowns)
        if not inst.check.ok:
            return [f"the question's numbers do not give a verified answer: {inst.check}"]
        got = Fraction(inst.values["answer"])
        try:
            claimed = parse_number(record["answer"])
        except InvalidArgument:
            return [f"the record's answer {record['answer']!r} is not a number"]
        if got != claimed:
            problems.append(
                f"the question gives {_fmt(got)}, the record's answer is {record['answer']}"
            )
        else:
            expected = _answer_fields(got, self.actions.answer_style)
            words = _role_words(entry, d.tokens)
            expected["answer_text"] = self._answer_text(got, words)
            for key, value in expected.items():
                if record[key] != value:
                    problems.append(f"{key} is {record[key]!r}, the question gives {value!r}")
        problems += _agreement(entry, d.tokens, knowns, self.people)
        trace = str(record.get("trace", ""))
        ran: Any  # the trace's answer: any number type
        try:
            if view.trace_kind == "python":
                ran = run_trace(trace)["answer"]
            elif sympy_trace:
                ran = run_sympy_trace(trace)
            else:
                ran = got
            if Fraction(ran) != got:
                problems.append(f"the trace computes {_fmt(Fraction(ran))}, not {_fmt(got)}")
        except (TraceError, KeyError, TypeError) as err:
            problems.append(f"the trace does not run: {err}")
        steps = record["steps"]
        if not steps:
            problems.append("the record has no solution steps")
        problems += check_steps(steps)
        if steps and not _mentions(str(steps[-1]), got):
            problems.append(f"the last step does not state the answer {_fmt(got)}")
        return problems

    def _fields(self, record: Mapping[str, Any]) -> list[str]:
        """What is wrong with the fields a record of this family carries, each of its
        type (and the answer fields of an unsolvable one as they must be); empty: the
        record can be checked against its question."""
        if not isinstance(record, Mapping):
            return [f"a record is a JSON object, not {type(record).__name__}"]
        problems = []
        for name in RECORD_FIELDS:
            wrong = field_problem(record, name)
            if wrong is not None:
                problems.append(wrong)
        if problems:
            return problems
        if record["family"] != self.name:
            problems.append(f"family is {record['family']!r}, not {self.name!r}")
        if record["topic"] != self.topic:
            problems.append(f"topic is {record['topic']!r}; family {self.name!r} is {self.topic!r}")
        if not 1 <= record["difficulty"] <= self.levels:
            problems.append(
                f"difficulty is {record['difficulty']}; family {self.name!r} has levels "
                f"1-{self.levels}"
            )
        if not record["solvable"]:
            for key, value in _UNSOLVABLE_FIELDS.items():
                if record[key] != value:
                    problems.append(
                        f"{key} is {record[key]!r}; an unsolvable record's is {value!r}"
                    )
        return problems

    def _check_unsolvable(self, lv: _Level, record: Mapping[str, Any]) -> list[str]:
        """An unsolvable record's vague phrase, replaced by two different numbers,
        must give two problems that parse and verify with different answers."""
        prov = record.get("provenance") or {}
        question = str(record.get("question", ""))
        try:
            lo, hi = (int(x) for x in prov["vague"])
        except (KeyError, TypeError, ValueError):
            return ["an unsolvable record needs provenance.vague (where the vague phrase is)"]
        if record.get("answer") not in ("", None):
            return [f"an unsolvable record has answer {record.get('answer')!r}"]
        style, tries = "int", _vague_tries("int", None, None, None)
        number = prov.get("vague_number")
        if isinstance(number, dict):  # the values the number was drawn from, first
            try:
                style = str(number.get("style", "int"))
                a, b, step = (Fraction(str(x)) for x in number["range"])
                tries = _vague_tries(style, a, b, step)
            except (KeyError, TypeError, ValueError, ZeroDivisionError):
                return ["provenance.vague_number is not a style and a range"]
        answers: dict[Fraction, str] = {}
        failed: ParseFailed | None = None
        for value in tries:
            text = question[:lo] + format_number(value, style_for(value, style)) + question[hi:]
            try:
                d = self.parser(lv.number).parse(text, lv.sampler.start)
            except ParseFailed as err:  # not a number that slot takes ("2" for "2/3")
                failed = failed or err
                continue
            entry = self._entry(lv, d)
            if entry.error is not None:
                continue
            at, view = entry.kept, entry.view
            knowns = {s.name: parse_number(d.tokens[at[s.index]][1]) for s in view.numbers}
            inst = view.check_skeleton.instantiate(knowns)
            if inst.check.ok:
                answers.setdefault(Fraction(inst.values["answer"]), text)
            if len(answers) >= 2:
                return []
        if failed is not None and not answers:
            return [f"with a number for the vague phrase the question does not parse: {failed}"]
        return ["the answer does not depend on the number left vague"]


def _check_names(grammar: Grammar, actions: type[Semantics], path: Path) -> None:
    """A rule or alias named like a Semantics method would replace it: say so."""
    from .grammar import Kind
    from .semantics import _STATE, Story

    # the API, the settings and the state of the base classes (terminal callbacks are
    # upper case)
    reserved = {n for n in (*dir(Story), *_STATE) if not n.startswith("_") and not n.isupper()}
    for sym in grammar.symbols:
        if sym.kind is not Kind.RULE:
            continue
        names = [(sym.name, sym.pos)] + [(a.alias, a.pos) for a in sym.alts if a.alias]
        for name, pos in names:
            if name in reserved:
                raise GrammarError.at(
                    f"rule or alias {name!r} has the name of the Semantics method or "
                    f"attribute {name!r} its action would replace; rename it",
                    pos,
                    file=str(path),
                    rule=sym.name,
                )


class Rejected(GramgenError):
    """A candidate problem that was not emitted, with the reason."""


_SHAPE = re.compile(r"\[[\d, ]*\]|-?\d+(?:/\d+)?|(?<=of )\S+")


def reason_shape(reason: str) -> str:
    """A rejection reason with its paths, numbers and ids blanked, for counting."""
    return _SHAPE.sub("#", reason)[:120]


# -- helpers ---------------------------------------------------------------------------------


def _fmt(v: Fraction) -> str:
    return format_number(v, "fraction")


def _answer_fields(answer: Any, style: str) -> dict[str, Any]:
    """The typed answer: exact text (whole, decimal for decimal styles, else p/q)."""
    if type(answer) is int:  # the common case, and the cheapest
        return {"answer": str(answer), "answer_type": "integer", "answer_value": float(answer)}
    v = Fraction(answer)
    text = _fmt(v)
    if v.denominator != 1 and style in ("decimal", "money", "cents", "percent"):
        with contextlib.suppress(InvalidArgument):  # not terminating: keep p/q
            text = format_number(v, "decimal")
    return {
        "answer": text,
        "answer_type": "integer" if v.denominator == 1 else "rational",
        "answer_value": float(v),
    }


def _has_equations(m: Model) -> bool:
    names = set(m.lets) | set(m.written)
    return any(str(lhs) not in names for lhs, _ in m.relations)


def _relative(path: Path) -> str:
    try:
        return path.resolve().relative_to(FAMILIES_DIR.parent.resolve()).as_posix()
    except ValueError:
        return path.name


def _undetermined(m: Model, dropped: set[str], sympy: Any) -> bool:
    """Whether the answer is left open when the numbers ``dropped`` are not stated."""
    answer = sympy.Symbol("answer", real=True)
    eqs = [lhs - rhs for lhs, rhs in m.relations] + [answer - m.answer]
    syms = set().union(*(e.free_symbols for e in eqs))
    known = {s for s in syms if s.name in m.written and s.name not in dropped}
    unknown = sorted(syms - known, key=lambda s: s.name)
    try:
        sols = sympy.solve(eqs, unknown, dict=True)
    except (NotImplementedError, ValueError):
        return False
    if not sols:
        return False
    return any(not (sol.get(answer, answer).free_symbols <= known) for sol in sols)


def _piecewise(m: Model, sympy: Any) -> bool:
    """Whether the model's relations use floors, ceilings, minima, maxima, absolute
    values or remainders (over which ``sympy.solve`` can run for minutes, or not end)."""
    kinds = (sympy.floor, sympy.ceiling, sympy.Min, sympy.Max, sympy.Abs, sympy.Mod,
             sympy.Piecewise)  # fmt: skip
    exprs = [e for pair in m.relations for e in pair] + [m.answer]
    return any(isinstance(e, sympy.Basic) and e.has(*kinds) for e in exprs)


_NEARBY = (1, -1, 2, -2, 3, -3, 5, -5, 8, -8, 13, -13)


#: An unsolvable record's answer fields.
_UNSOLVABLE_FIELDS: Final[dict[str, Any]] = {
    "answer": "", "answer_type": "none", "answer_value": None, "answer_text": _ANSWER_NONE,
    "steps": [], "trace": "",
}  # fmt: skip


def _vague_tries(
    style: str, lo: Fraction | None, hi: Fraction | None, step: Fraction | None
) -> list[Fraction]:
    """The numbers tried in place of a vague phrase, in order, for a number of
    ``style`` drawn from ``lo..hi`` by ``step``: 25 spread over its range, then
    multiples of its step beyond it (fractions, where only a fraction lexes), then
    whole numbers; those written in ``style`` (a value that style cannot write is
    left out)."""
    tries = [Fraction(k) for k in range(1, 40)]
    if lo is not None and hi is not None and step is not None:
        ks = range(math.ceil(lo / step), math.floor(hi / step) + 1)
        spread = sorted({ks[i * (len(ks) - 1) // 24] for i in range(25)}) if ks else []
        tries = [k * step for k in spread] + [k * step for k in range(1, 40)] + tries
    out = []
    for value in tries:
        try:
            format_number(value, style_for(value, style))
        except InvalidArgument:
            continue
        out.append(value)
    return out


def _answers_differ(entry: _Entry, q: str) -> bool:
    """Whether the answer is left open without ``q``, shown by an example: one problem
    of the structure (the same for every run), and another stating the same numbers
    but a nearby ``q`` (within its range), that verifies with another answer."""
    try:
        base = entry.construct.sample(random.Random(0))
    except GramgenError:
        return False
    values = {**base.knowns, **base.values}
    m = entry.model
    stated = {w: values[w] for w in m.written}
    lo, hi, step = m.free[q]
    for k in _NEARBY:
        other = Fraction(stated[q]) + k * step
        if lo <= other <= hi:
            inst = entry.check_skeleton.instantiate({**stated, q: other})
            if inst.check.ok and inst.values["answer"] != values["answer"]:
                return True
    return False


#: Words after which a number is counted in units ("a certain number of years", not
#: "some years"), and small words that do not make the number a count of them.
_VAGUE_UNITS = frozenset((
    "year", "years", "month", "months", "week", "weeks", "day", "days", "hour", "hours",
    "minute", "minutes", "second", "seconds", "degree", "degrees", "cent", "cents", "dollar",
    "dollars", "percent", "point", "points", "times", "inch", "inches", "foot", "feet", "yard",
    "yards", "mile", "miles", "meter", "meters", "centimeter", "centimeters", "millimeter",
    "millimeters", "kilometer", "kilometers", "gram", "grams", "kilogram", "kilograms", "ounce",
    "ounces", "pound", "pounds", "liter", "liters", "milliliter", "milliliters", "cup", "cups",
    "km", "cm", "mm", "m", "kg", "g", "ml", "mph", "km/h",
))  # fmt: skip
_VAGUE_FUNCTION = frozenset((
    "a", "an", "the", "and", "or", "to", "in", "on", "at", "by", "for", "from", "with", "of",
    "per", "each", "apiece", "every", "than", "as", "if", "so", "but", "this", "that", "which",
    "who", "while", "when", "then", "into", "onto", "through", "up", "plus", "minus", "is",
    "are", "was", "were", "will", "would", "can", "could", "do", "does", "did", "has", "have",
))  # fmt: skip
#: Groups a number sizes ("rows of 12", "packs of 6").
_VAGUE_GROUPS = frozenset((
    "rows", "packs", "boxes", "bags", "groups", "teams", "trays", "stacks", "baskets", "tins",
    "jars", "cartons", "crates",
))  # fmt: skip
#: Nouns a number labels rather than counts ("row 12", "week 5"): no vague phrase fits.
_VAGUE_LABELS = frozenset(
    ("row", "week", "day", "page", "question", "number", "room", "house", "locker", "lane")
)


def _vague(slot: Slot, texts: Sequence[str]) -> str | None:
    """The phrase that stands for the number at ``texts[slot.index]`` in a "not enough
    information" variant, fitted to the words around it (None: no phrase fits there).

    "some chairs", "some of them", "some more"; "a certain number of years", "a
    certain number of times"; "another few years", "the first few weeks"; "a certain
    number" where no word follows, "a pack of a certain number of mugs"; money "a
    certain amount" ("a certain price" after "at"); percentages "some percent";
    fractions "a certain fraction"; a phrase of the family's own (``Slot.vague``).
    Capitalized at the start of a sentence. No phrase fits "row 12", "the 8 rows",
    "$10 bills", "a 10% mixture" or "1 inch" (its noun is singular).
    """
    before = [w for t in texts[: slot.index] if t for w in t.split()][-2:]
    after = [w for t in texts[slot.index + 1 :] if t for w in t.split()][:3]
    prev, prev2 = (before[-1].lower() if before else ""), (before[0].lower() if before else "")
    nxt = after[0].lower() if after else ""
    if texts[slot.index] in ("1", "one") and nxt.isalpha():
        return None  # its noun is singular: "1 inch" cannot become "some inch"
    phrase = _vague_words(slot.style, prev, prev2, nxt, after) if slot.vague == "" else slot.vague
    if phrase and (not before or before[-1][-1] in ".!?"):
        phrase = phrase[:1].upper() + phrase[1:]
    return phrase


def _vague_words(style: str, prev: str, prev2: str, nxt: str, after: Sequence[str]) -> str | None:
    word = nxt.isalpha() and nxt not in _VAGUE_FUNCTION  # a word the number qualifies
    if prev in ("a", "an", "the", "all", "his", "their", "its") or prev2 in ("a", "an"):
        return None  # "each of the 8 rows", "a weak 10% mixture", "each of his 6 friends"
    if prev in _VAGUE_LABELS or (prev == "her" and prev2 == "of") or nxt == "o'clock":
        return None  # "row 12", "each of her 6 friends" (but "sends her some"), "3 o'clock"
    if style in ("money", "cents"):
        if prev == "another" or nxt in ("bill", "bills", "note", "notes", "coin", "coins"):
            return None  # "$10 bills"
        return "a certain price" if prev == "at" and prev2 != "priced" else "a certain amount"
    if style == "percent":
        return "some percent"
    if style == "fraction":
        return "a certain fraction"
    if nxt in ("and", "or", ",") and len(after) > 2 and after[1][:1].isdigit():
        unit = after[2].lower().strip(".,?!")  # a list: "28, 31 and 26 points"
        return f"a certain number of {unit}" if unit in _VAGUE_UNITS else "a certain number"
    if nxt == "of":
        return "some"  # "some of them"
    if nxt in ("km/h", "mph") or (prev == "exactly" and (word or nxt in _VAGUE_UNITS)):
        return "a certain number of"  # "at a certain number of km/h", "exactly ... muffins"
    if not word:  # nothing follows that the number counts
        if prev == "of" and prev2 in _VAGUE_GROUPS:
            return "a certain size"  # "12 rows of a certain size", "in packs of ..."
        return "a certain number"
    if prev in ("another", "first", "last", "next", "every"):
        return "few"  # "another few years", "the first few weeks", "every few meters"
    if prev == "of":
        return "a certain number of"  # "a pack of a certain number of mugs", not "of some"
    if prev == "just":
        return "a few"  # "just a few years ago"
    if nxt in _VAGUE_UNITS:
        return "a certain number of"
    if nxt in ("fewer", "less"):
        return "a few" if nxt == "fewer" else "a little"
    return "some"


def _role_words(entry: _Path, tokens: Sequence[tuple[int, str]]) -> dict[str, tuple[str, str]]:
    """role -> (singular, plural) words as the problem wrote them."""
    out: dict[str, tuple[str, str]] = {}
    kept = entry.kept
    for index, kind, role in entry.view.word_slots:
        if role in out:  # (the first slot of a role gives its words)
            continue
        text = tokens[kept[index]][1]
        if kind == "noun":
            singular = _singular(text[:1].lower() + text[1:] if text[:1].isupper() else text)
            out[role] = (singular, _plural(singular))
        else:  # a name or a word: as written
            out[role] = (text, text)
    return out


def _agreement(
    entry: _Path,
    tokens: Sequence[tuple[int, str]],
    knowns: Mapping[str, Fraction],
    people: Sequence[tuple[str, str]],
) -> list[str]:
    """Names consistent per role, pronouns and plurals agreeing."""
    problems: list[str] = []
    names: dict[str, str] = {}
    pron_of = dict(people)
    kept, others = entry.kept, entry.view.others
    for s in others:
        text = tokens[kept[s.index]][1]
        if s.kind == "name" and names.setdefault(s.role, text) != text:
            problems.append(f"role {s.role!r} is both {names[s.role]} and {text}")
    for s in others:
        text = tokens[kept[s.index]][1].lower()
        name = names.get(s.role)
        pset = pron_of.get(name or "")
        if s.kind == "pronoun" and pset is not None and text != PRONOUNS[pset][s.form]:
            problems.append(f"pronoun {text!r} does not agree with {name}")
        if s.kind == "noun" and isinstance(s.count, Fraction | int | str):
            count = knowns.get(s.count) if isinstance(s.count, str) else Fraction(s.count)
            if count is None:
                continue
            agrees = is_singular(text) if count == 1 else is_plural(text)
            if not agrees:  # ("5 sheep", "3 km": the same in both numbers)
                problems.append(f"{text!r} does not agree with the count {_fmt(count)}")
    return problems


# a number as the steps write it: 12, 1,968, $4.50 (a comma after it is punctuation)
_NUM = r"\$?\d(?:[\d,]*\d)?(?:\.\d+)?"
_ARITH = re.compile(
    rf"((?:{_NUM}|\(|\))(?:\s*(?:[-+*/\u00d7\u00f7x]|\(|\))\s*(?:{_NUM}|\(|\)))+)"
    rf"\s*=\s*({_NUM}(?:/\d+)?)"
)


def check_steps(steps: Sequence[Any]) -> list[str]:
    """Every ``a op b = c`` written in the steps must hold exactly."""
    from gramgen.solvers import (  # type: ignore[import-not-found, unused-ignore]
        TraceError,
        eval_expression,
    )

    problems = []
    for i, step in enumerate(steps, 1):
        for m in _ARITH.finditer(str(step)):
            lhs = m.group(1).replace(",", "").replace("$", "")
            lhs = lhs.replace("\u00d7", "*").replace("\u00f7", "/").replace("x", "*")
            if lhs.count("(") != lhs.count(")"):
                continue
            try:
                left = eval_expression(lhs)
                right = parse_number(m.group(2))
            except (TraceError, InvalidArgument, ZeroDivisionError):
                continue
            if left != right:
                problems.append(f"step {i}: {m.group(0).strip()} is wrong ({lhs} = {_fmt(left)})")
    return problems


def _mentions(text: str, value: Fraction) -> bool:
    styles: tuple[str, ...] = ()
    if value.denominator == 1:
        styles = ("int", "comma", "words") if 0 <= value <= 1000 else ("int", "comma")
    forms = {format_number(value, s) for s in (*styles, "fraction", "mixed")}
    for style in ("decimal", "cents"):
        with contextlib.suppress(InvalidArgument):  # not terminating (in two places)
            forms.add(format_number(value, style))
    return any(re.search(rf"(?<![\d/.]){re.escape(f)}(?![\d/]|\.\d)", text) for f in forms)


# -- loading and finding families -------------------------------------------------------------


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
    sys.modules[spec.name] = module  # dataclasses and pickling look modules up here
    try:
        spec.loader.exec_module(module)
    except Exception as err:
        sys.modules.pop(spec.name, None)
        raise SemanticError(
            f"{module_path}: importing the actions raised {type(err).__name__}: {err}"
        ) from err
    found = [
        v
        for v in vars(module).values()
        if isinstance(v, type)
        and issubclass(v, Semantics)
        and v is not Semantics
        and getattr(v, "__module__", None) == module.__name__  # (as mypyc compiles it)
    ]
    if len(found) != 1:
        raise InvalidArgument(
            f"{module_path} must define exactly one Semantics subclass, found {len(found)}"
        )
    return found[0]


def bundled_families() -> dict[str, Path]:
    """Bundled family name -> grammar path (``grammars/families/<topic>/<name>.lark``)."""
    out: dict[str, Path] = {}
    for path in sorted(FAMILIES_DIR.rglob("*.lark")):
        if path.with_suffix(".py").is_file():
            out[path.stem] = path
    return out


def find_families(selectors: Sequence[str]) -> list[Path]:
    """Families by name, topic, glob (``frac*``, ``money/*``) or grammar path.

    Unknown selectors raise InvalidArgument naming the closest names.
    """
    import difflib

    bundled = bundled_families()
    topics = {name: path.parent.name for name, path in bundled.items()}
    chosen: dict[Path, None] = {}
    for sel in selectors or ["*"]:
        if sel.endswith(".lark"):
            path = Path(sel)
            if not path.is_file():
                raise InvalidArgument(f"family grammar {sel} does not exist")
            chosen[path] = None
            continue
        hits = [
            path
            for name, path in bundled.items()
            if fnmatch.fnmatchcase(name, sel)
            or fnmatch.fnmatchcase(topics[name], sel)
            or fnmatch.fnmatchcase(f"{topics[name]}/{name}", sel)
        ]
        if not hits:
            near = difflib.get_close_matches(sel, [*bundled, *set(topics.values())], n=3)
            hint = f"; did you mean {', '.join(near)}?" if near else ""
            raise InvalidArgument(
                f"no family or topic matches {sel!r}{hint} (`gramgen families` lists them)"
            )
        for path in hits:
            chosen[path] = None
    return list(chosen)


@functools.cache
def _cached_family(path: str) -> Family:
    return Family(path)


def load_family(name_or_path: str | Path) -> Family:
    """A family by bundled name or grammar path (loaded once per process)."""
    text = str(name_or_path)
    if not text.endswith(".lark"):
        bundled = bundled_families()
        # not a name: a topic or a glob (find_families names what matches nothing)
        text = str(bundled[text] if text in bundled else find_families([text])[0])
    return _cached_family(resolved(text))


def resolved(path: str) -> str:
    """``path`` made absolute, links resolved (memoised for each working folder: a
    worker is handed its families' paths with each chunk, and resolving one asks the
    file system about each of its folders)."""
    return _resolved(path, os.getcwd())


@functools.lru_cache(maxsize=256)
def _resolved(path: str, cwd: str) -> str:
    return str(Path(cwd, path).resolve())
