"""Generation speed of gramgen and its peers on the same grammars, in one run.

Measures items/s (derivations or texts), mean output length and characters/s of

* gramgen: the raw engine (``Engine.derive`` alone, and with ``Renderer.join``) and the
  round-trip-checked path (``Sampler.sample`` with ``roundtrip=True``); ``Engine.derive``
  with a ``RandomChooser`` runs code compiled for the grammar, the *general loop* row
  gives the same derivations through the interpreting loop (``Engine.expand``, the
  weighted random choice inlined), and the *any chooser* row the same again with every
  choice a call of the chooser's methods, as coverage steering and Hypothesis run;
* Hypothesis ``hypothesis.extra.lark.from_lark`` (``@given`` runs, generate phase only);
* fuzzingbook ``GrammarFuzzer`` on a grammar converted from ours (:func:`to_fuzzingbook`);
* grammarinator on an ANTLR4 grammar converted from ours (:func:`to_antlr`),
  processed with ``grammarinator-process`` and run in-process;

on the bundled ``arith`` and ``json`` grammars and on lark's own ``lark.lark``, all with the
LALR parser, and prints a side-by-side table with the ratios gramgen/peer.

Run::

    python benchmarks/bench_engine.py                       # 2 s per system and grammar
    python benchmarks/bench_engine.py --seconds 5 --markdown benchmarks/RESULTS.md

Peers (a peer that cannot be imported or run is reported as ``unavailable: <reason>``)::

    pip install -e ".[bench]"                  # hypothesis, grammarinator
    pip install --no-deps fuzzingbook==1.2.2   # fuzzingbook's own dependencies are ~130
    pip install markdown graphviz              # packages (~1 GB); GrammarFuzzer needs these two

None of them changes the lark version gramgen runs with (check with ``pip list``).

Each row runs for ``--seconds`` of wall time after ``--warmup``, in this one process; rates
are per CPU second of the process (``--clock wall``: per wall second), so that other load on
a shared machine does not count against a system, and the ``cpu/wall`` column shows how much
of the wall time the process got. Hypothesis is timed over whole ``@given`` runs of
``--hypothesis-examples`` examples (at least one run), as a test suite uses it.

The converters are part of the benchmark, not of the library. Every system draws from the
same alphabet (printable ASCII plus tab, newline and carriage return) for regex character
classes, and the peers put the grammar's ``%ignore``d separator (a space in all three
grammars) between every two tokens; gramgen puts it only where two tokens would glue.
Lookarounds in terminal regexes cannot be expressed by the peers' grammar formats and are
dropped (reported in the settings); the *re-parses* column shows what that costs them.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import importlib.metadata
import importlib.resources
import os
import platform
import random
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

import lark
from lark.exceptions import LarkError
from lark.lexer import PatternStr

from gramgen import Grammar, RandomChooser, Sampler
from gramgen.derive import Derivation
from gramgen.grammar import Kind
from gramgen.render import Renderer
from gramgen.terminals import DEFAULT_ALPHABET

_sre_parse: Any = importlib.import_module("re._parser")
_MAXREPEAT = int(_sre_parse.MAXREPEAT)

GRAMMARS = ("arith", "json", "lark")
SYSTEMS = ("gramgen", "hypothesis", "fuzzingbook", "grammarinator")
GRAMGEN_DERIVE = "gramgen derive"
GRAMGEN_GENERAL = "gramgen derive, general loop"
GRAMGEN_ANY = "gramgen derive, loop, any chooser"
GRAMGEN_RENDER = "gramgen derive+join"
GRAMGEN_CHECKED = "gramgen sample (round-trip)"

# Targets from the task: raw engine speed on arith, and speed-ups over two peers.
TARGET_ARITH_DERIVATIONS = 100_000
TARGET_OVER_GRAMMARINATOR = 100
TARGET_OVER_HYPOTHESIS = 1_000


# ---------------------------------------------------------------------------------------------
# Grammars


@dataclass
class Subject:
    """One grammar, compiled by gramgen, with what the peers need to build their own."""

    name: str
    grammar: Grammar
    start: str
    separator: str

    def lark_parser(self) -> lark.Lark:
        """A fresh Lark parser from the same text and options gramgen was given."""
        g = self.grammar
        return lark.Lark(
            g.text,
            parser=g.parser,
            lexer=g.lexer,
            start=g.starts,
            source_path=g.source,
            **g.lark_options,
        )

    def reparses(self, text: str) -> bool:
        try:
            self.grammar.loaded.lark.parse(text, start=self.start)
        except LarkError:
            return False
        return True


def load_subject(name: str) -> Subject:
    if name == "lark":
        path = importlib.resources.files("lark") / "grammars" / "lark.lark"
        grammar = Grammar.from_file(str(path), parser="lalr")
    else:
        grammar = Grammar.open(name, parser="lalr")
    separator = Renderer(grammar).separator or ""
    return Subject(name, grammar, grammar.starts[0], separator)


# ---------------------------------------------------------------------------------------------
# Terminal regexes to a small regular-expression tree (shared by both converters)


@dataclass(frozen=True)
class Lit:
    text: str


@dataclass(frozen=True)
class Chars:
    chars: str  # one of these characters


@dataclass(frozen=True)
class Seq:
    items: tuple[Rx, ...]


@dataclass(frozen=True)
class Alt:
    alts: tuple[Rx, ...]


@dataclass(frozen=True)
class Rep:
    item: Rx
    lo: int
    hi: int | None  # None: unbounded


Rx = Lit | Chars | Seq | Alt | Rep

_SPACE = " \t\n\r\f\v"


def _category(name: str) -> Callable[[str], bool]:
    tests: dict[str, Callable[[str], bool]] = {
        "DIGIT": lambda c: c.isdigit(),
        "SPACE": lambda c: c in _SPACE,
        "WORD": lambda c: c.isalnum() or c == "_",
    }
    if name.startswith("CATEGORY_NOT_"):
        test = tests[name[len("CATEGORY_NOT_") :]]
        return lambda c: not test(c)
    return tests[name[len("CATEGORY_") :]]


class RegexConverter:
    """Python regex (via ``re._parser``) to an :data:`Rx` tree over a fixed alphabet.

    Handles what the benchmark grammars use: literals, classes (also negated, with ranges
    and ``\\d \\s \\w``), ``.``, greedy and lazy repeats, groups, alternation and inline
    flags. Lookarounds and anchors cannot be expressed by the peers and are dropped;
    each one dropped is recorded in :attr:`dropped`.
    """

    def __init__(self, alphabet: str) -> None:
        self.alphabet = alphabet
        self.dropped: list[str] = []

    def convert(self, pattern: str, flags: int = 0) -> Rx:
        parsed = _sre_parse.parse(pattern, flags)
        return self._seq(list(parsed), int(parsed.state.flags), pattern)

    def _seq(self, items: Sequence[tuple[Any, Any]], flags: int, pattern: str) -> Rx:
        out: list[Rx] = []
        for op, av in items:
            node = self._item(str(op), av, flags, pattern)
            if node is None:
                continue
            if isinstance(node, Lit) and out and isinstance(out[-1], Lit):
                out[-1] = Lit(out[-1].text + node.text)
            elif isinstance(node, Seq):
                out.extend(node.items)
            else:
                out.append(node)
        return out[0] if len(out) == 1 else Seq(tuple(out))

    def _chars(self, test: Callable[[str], bool], flags: int, pattern: str) -> Rx:
        if flags & re.IGNORECASE:
            base = test

            def test(c: str) -> bool:
                return base(c) or base(c.lower()) or base(c.upper())

        chars = "".join(c for c in self.alphabet if test(c))
        if not chars:
            raise ValueError(f"a character class of /{pattern}/ has no member in the alphabet")
        return Lit(chars) if len(chars) == 1 else Chars(chars)

    def _item(self, op: str, av: Any, flags: int, pattern: str) -> Rx | None:
        if op == "LITERAL":
            ch = chr(av)
            if flags & re.IGNORECASE and ch.lower() != ch.upper():
                return self._chars(lambda c: c == ch, flags, pattern)
            return Lit(ch)
        if op == "NOT_LITERAL":
            ch = chr(av)
            return self._chars(lambda c: c != ch, flags, pattern)
        if op == "ANY":
            dotall = bool(flags & re.DOTALL)
            return self._chars(lambda c: dotall or c != "\n", flags, pattern)
        if op == "CATEGORY":
            return self._chars(_category(str(av)), flags, pattern)
        if op == "IN":
            return self._chars(_class_test(av), flags, pattern)
        if op in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            lo, hi, sub = av
            item = self._seq(list(sub), flags, pattern)
            return Rep(item, int(lo), None if int(hi) == _MAXREPEAT else int(hi))
        if op == "SUBPATTERN":
            _gid, add, remove, sub = av
            return self._seq(list(sub), (flags | add) & ~remove, pattern)
        if op == "ATOMIC_GROUP":
            return self._seq(list(av), flags, pattern)
        if op == "BRANCH":
            _unused, branches = av
            return Alt(tuple(self._seq(list(b), flags, pattern) for b in branches))
        if op in ("ASSERT", "ASSERT_NOT", "AT"):
            self.dropped.append(f"{op.lower()} in /{pattern}/")
            return None
        raise ValueError(f"/{pattern}/ uses {op}, which the converters do not handle")


def _class_test(items: Sequence[tuple[Any, Any]]) -> Callable[[str], bool]:
    negate = False
    singles: set[str] = set()
    ranges: list[tuple[int, int]] = []
    categories: list[Callable[[str], bool]] = []
    for op, av in items:
        kind = str(op)
        if kind == "NEGATE":
            negate = True
        elif kind == "LITERAL":
            singles.add(chr(av))
        elif kind == "RANGE":
            ranges.append((int(av[0]), int(av[1])))
        elif kind == "CATEGORY":
            categories.append(_category(str(av)))
        else:
            raise ValueError(f"character class item {kind} is not handled")

    def test(c: str) -> bool:
        hit = (
            c in singles
            or any(lo <= ord(c) <= hi for lo, hi in ranges)
            or any(t(c) for t in categories)
        )
        return hit != negate

    return test


def terminal_rx(grammar: Grammar, name: str, conv: RegexConverter) -> Rx:
    """The :data:`Rx` tree of one of the grammar's terminals."""
    td = grammar.loaded.terminals[name]
    flags = int(grammar.loaded.lark.options.g_regex_flags or 0)
    if isinstance(td.pattern, PatternStr) and not td.pattern.flags and not flags:
        return Lit(str(td.pattern.value))
    return conv.convert(td.pattern.to_regexp(), flags)


def reachable(grammar: Grammar, start: int) -> list[int]:
    """Symbol ids reachable from ``start``, in the order first reached."""
    seen = {start}
    order = [start]
    todo = [start]
    while todo:
        sym = grammar.symbols[todo.pop()]
        nxt = [i for alt in sym.alts for i in alt.items]
        if sym.inner >= 0:
            nxt.append(sym.inner)
        for i in nxt:
            if i not in seen:
                seen.add(i)
                order.append(i)
                todo.append(i)
    return order


def _ident(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", text)


# ---------------------------------------------------------------------------------------------
# fuzzingbook


class _FuzzingbookBuilder:
    def __init__(self, grammar: Grammar, separator: str, alphabet: str) -> None:
        self.grammar = grammar
        self.conv = RegexConverter(alphabet)
        self.out: dict[str, list[str]] = {}
        self.uses_lt = False
        self.sep = self._lit(separator)
        self._names: dict[int, str] = {}
        self._char_sets: dict[str, str] = {}
        self._helpers = 0

    def _lit(self, text: str) -> str:
        # fuzzingbook reads <...> without spaces as a nonterminal: spell every "<" as <lt>
        if "<" not in text:
            return text
        self.uses_lt = True
        return text.replace("<", "<lt>")

    def _helper(self, base: str, alts: list[str]) -> str:
        self._helpers += 1
        name = f"<{base}-{self._helpers}>"
        self.out[name] = alts
        return name

    def name(self, sid: int) -> str:
        if sid in self._names:
            return self._names[sid]
        sym = self.grammar.symbols[sid]
        rule = _ident(sym.rule)
        if sym.kind is Kind.TERM:
            name = f"<T-{_ident(sym.terminal)}>"
        elif sym.kind is Kind.RULE and not sym.is_group and sym.template is None:
            name = f"<{_ident(sym.name)}>"
        else:
            what = {Kind.RULE: "group", Kind.OPT: "opt", Kind.REP: "rep"}[sym.kind]
            name = f"<{rule}-{what}{sid}>"
        self._names[sid] = name
        return name

    def define(self, sid: int) -> None:
        sym = self.grammar.symbols[sid]
        name = self.name(sid)
        if sym.kind is Kind.RULE:
            self.out[name] = [self.sep.join(self.name(i) for i in a.items) for a in sym.alts]
        elif sym.kind is Kind.OPT:
            self.out[name] = ["", self.name(sym.inner)]
        elif sym.kind is Kind.REP:
            hi = None if sym.hi < 0 else sym.hi
            self.out[name] = [self._repeat(self.name(sym.inner), sym.lo, hi, self.sep, name)]
        else:
            rx = terminal_rx(self.grammar, sym.terminal, self.conv)
            alts = rx.alts if isinstance(rx, Alt) else (rx,)
            self.out[name] = [self._rx(a) for a in alts]

    def _repeat(self, item: str, lo: int, hi: int | None, sep: str, base: str) -> str:
        """An expansion for ``lo`` to ``hi`` copies of ``item`` joined by ``sep``."""
        head = [item] * lo
        if hi is None:
            star = self._helper(base.strip("<>") + "-star", [""])
            self.out[star] = ["", item + sep + star]
            tail = star
        else:
            tail = ""
            for _ in range(hi - lo):  # nested optionals: (item (item (...)?)?)?
                inner = item + (sep + tail if tail else "")
                tail = self._helper(base.strip("<>") + "-more", ["", inner])
        parts = [*head, tail] if tail else head
        return sep.join(parts)

    def _rx(self, rx: Rx) -> str:
        if isinstance(rx, Lit):
            return self._lit(rx.text)
        if isinstance(rx, Chars):
            if rx.chars not in self._char_sets:
                self._char_sets[rx.chars] = self._helper("chars", [self._lit(c) for c in rx.chars])
            return self._char_sets[rx.chars]
        if isinstance(rx, Seq):
            return "".join(self._rx(i) for i in rx.items)
        if isinstance(rx, Alt):
            return self._helper("alt", [self._rx(a) for a in rx.alts])
        return self._repeat(self._rx(rx.item), rx.lo, rx.hi, "", "rx")


def to_fuzzingbook(
    grammar: Grammar,
    *,
    start: str | None = None,
    separator: str = " ",
    alphabet: str = DEFAULT_ALPHABET,
) -> tuple[dict[str, list[str]], list[str]]:
    """The grammar as a fuzzingbook grammar (``{"<start>": [...], ...}``) and what was dropped.

    Rules become ``<name>``, groups, optionals and repetitions helper nonterminals
    (``<rule-opt7>`` with an ``""`` alternative, ``<rule-rep9>`` right-recursive), terminals
    ``<T-NAME>`` expanded down to single characters; ``separator`` goes between the items
    of every sequence (the grammar's ``%ignore``d text; double separators are harmless).
    """
    b = _FuzzingbookBuilder(grammar, separator, alphabet)
    root = grammar.rule_symbol(start or grammar.starts[0])
    for sid in reachable(grammar, root):
        b.define(sid)
    if b.uses_lt:
        b.out["<lt>"] = ["<"]
    if b.name(root) != "<start>":
        b.out["<start>"] = [b.name(root)]
    return b.out, b.conv.dropped


# ---------------------------------------------------------------------------------------------
# ANTLR4 (grammarinator)


def _antlr_char(c: str, in_set: bool) -> str:
    if c.isalnum() and c.isascii():
        return c
    if not in_set and c.isprintable() and c not in "'\\":
        return c
    return f"\\u{ord(c):04X}"


def _antlr_rx(rx: Rx) -> str:
    if isinstance(rx, Lit):
        return "'" + "".join(_antlr_char(c, False) for c in rx.text) + "'"
    if isinstance(rx, Chars):
        return "[" + "".join(_antlr_char(c, True) for c in rx.chars) + "]"
    if isinstance(rx, Seq):
        return " ".join(_antlr_rx(i) for i in rx.items)
    if isinstance(rx, Alt):
        return "(" + " | ".join(_antlr_rx(a) for a in rx.alts) + ")"
    return _antlr_repeat(_antlr_rx(rx.item), rx.lo, rx.hi)


def _antlr_repeat(item: str, lo: int, hi: int | None) -> str:
    group = f"({item})"
    if hi is None:
        if lo == 0:
            return group + "*"
        return " ".join([item] * (lo - 1) + [group + "+"])
    tail = ""
    for _ in range(hi - lo):
        tail = f"({item}{' ' + tail if tail else ''})?"
    return " ".join([item] * lo + ([tail] if tail else []))


def to_antlr(
    grammar: Grammar,
    name: str,
    *,
    start: str | None = None,
    alphabet: str = DEFAULT_ALPHABET,
) -> tuple[str, list[str]]:
    """The grammar as a combined ANTLR4 grammar ``name`` and what was dropped.

    Rules become parser rules ``r_<name>`` (groups, optionals and repetitions inline as
    ``( | )``, ``?``, ``*``, ``+``; bounded repetitions as copies and nested optionals),
    terminals lexer rules ``T_<NAME>`` over the same alphabet as gramgen's regexes.
    """
    conv = RegexConverter(alphabet)
    syms = grammar.symbols
    root = grammar.rule_symbol(start or grammar.starts[0])
    order = reachable(grammar, root)

    def item(sid: int) -> str:
        sym = syms[sid]
        if sym.kind is Kind.TERM:
            return f"T_{_ident(sym.terminal)}"
        if sym.kind is Kind.RULE:
            if sym.is_group:
                return "(" + " | ".join(alt(a.items) for a in sym.alts) + ")"
            return f"r_{_ident(sym.name)}"
        if sym.kind is Kind.OPT:
            return f"({item(sym.inner)})?"
        return _antlr_repeat(item(sym.inner), sym.lo, None if sym.hi < 0 else sym.hi)

    def alt(items: Sequence[int]) -> str:
        return " ".join(item(i) for i in items)

    lines = [f"grammar {name};", ""]
    for sid in order:
        sym = syms[sid]
        if sym.kind is Kind.RULE and not sym.is_group:
            body = "\n    | ".join(alt(a.items) for a in sym.alts)
            lines.append(f"r_{_ident(sym.name)}\n    : {body}\n    ;")
    lines.append("")
    for sid in order:
        sym = syms[sid]
        if sym.kind is Kind.TERM:
            rx = terminal_rx(grammar, sym.terminal, conv)
            lines.append(f"T_{_ident(sym.terminal)} : {_antlr_rx(rx)} ;")
    return "\n".join(lines) + "\n", conv.dropped


# ---------------------------------------------------------------------------------------------
# Measurement


@dataclass
class Result:
    grammar: str
    system: str
    items: int = 0
    wall: float = 0.0
    cpu: float = 0.0  # CPU time of this process during the timed wall time
    clock: str = "cpu"  # which of the two the rates are per second of
    chars: int | None = 0  # None: the system makes no text (derivations only)
    discarded: int | None = None
    valid: tuple[int, int] | None = None  # (re-parsed, checked)
    unavailable: str | None = None

    @property
    def seconds(self) -> float:
        return self.cpu if self.clock == "cpu" else self.wall

    @property
    def rate(self) -> float:
        return self.items / self.seconds if self.seconds > 0 else 0.0

    @property
    def mean_len(self) -> float | None:
        return None if self.chars is None or not self.items else self.chars / self.items

    @property
    def chars_rate(self) -> float | None:
        return None if self.chars is None or self.seconds <= 0 else self.chars / self.seconds


@dataclass
class Batch:
    items: int
    chars: int | None
    discarded: int = 0


@dataclass
class Keep:
    """The first ``limit`` texts produced during a measurement (checked afterwards)."""

    limit: int
    texts: list[str] = field(default_factory=list)

    def add(self, text: str) -> None:
        if len(self.texts) < self.limit:
            self.texts.append(text)


class Timeout(Exception):
    pass


@contextlib.contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Raise :class:`Timeout` in this (main) thread after ``seconds``."""

    def fire(signum: int, frame: FrameType | None) -> None:
        raise Timeout

    old = signal.signal(signal.SIGALRM, fire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def measure(
    step: Callable[[int], Batch],
    seconds: float,
    warmup: float,
    batch_seconds: float = 0.05,
    fixed: int | None = None,
) -> tuple[int, float, float, int | None, int]:
    """Call ``step(k)`` (make ``k`` items) for ``warmup`` then ``seconds`` of wall time.

    Batches grow until one takes about ``batch_seconds``, so the clock is read rarely;
    with ``fixed``, every timed batch is ``step(fixed)`` (at least one, however long it
    takes) after a single warm-up batch of at most 10 items.
    Returns (items, wall seconds, cpu seconds, chars, discarded) of the timed part.
    """
    k = 1
    if fixed is not None:
        step(min(fixed, 10))
        k = fixed
    else:
        end = time.perf_counter() + warmup
        while True:
            t0 = time.perf_counter()
            step(k)
            dt = time.perf_counter() - t0
            k = _next_batch(k, dt, batch_seconds)
            if t0 + dt >= end:
                break
    items = discarded = 0
    chars: int | None = 0
    t_start = time.perf_counter()
    c_start = time.process_time()
    elapsed = 0.0
    while elapsed < seconds:
        t0 = time.perf_counter()
        b = step(k)
        now = time.perf_counter()
        items += b.items
        discarded += b.discarded
        chars = None if chars is None or b.chars is None else chars + b.chars
        if fixed is None:
            k = _next_batch(k, now - t0, min(batch_seconds, max(seconds - elapsed, 0.01)))
        elapsed = now - t_start
    return items, elapsed, time.process_time() - c_start, chars, discarded


def _next_batch(k: int, dt: float, target: float) -> int:
    if dt <= 0:
        return k * 2
    return max(1, min(k * 2, int(k * target / dt)))


@dataclass
class Options:
    seconds: float
    warmup: float
    validate: int
    fb_max_nonterminals: int
    gi_depth: int
    gi_tokens: int
    item_timeout: float
    hyp_examples: int = 100
    clock: str = "cpu"
    load_before: str = ""
    load_after: str = ""
    settings: dict[str, list[str]] = field(default_factory=dict)

    def note(self, system: str, text: str) -> None:
        notes = self.settings.setdefault(system, [])
        if text not in notes:
            notes.append(text)


def run_one(
    subject: Subject,
    system: str,
    make: Callable[[Keep], Callable[[int], Batch]],
    opts: Options,
    fixed: int | None = None,
) -> Result:
    """Measure one system on one grammar; any failure becomes ``unavailable``."""
    res = Result(subject.name, system, clock=opts.clock)
    keep = Keep(opts.validate)
    limit = opts.seconds + opts.warmup + opts.item_timeout
    try:
        with deadline(limit):
            step = make(keep)
            res.items, res.wall, res.cpu, res.chars, res.discarded = measure(
                step, opts.seconds, opts.warmup, fixed=fixed
            )
    except Timeout:
        res.unavailable = f"no result within {limit:.0f} s (one item takes too long)"
        return res
    except Exception as err:  # a peer failing in any way is reported, not fatal
        msg = str(err).strip().splitlines()[0] if str(err).strip() else ""
        res.unavailable = f"{type(err).__name__}: {msg}"[:160]
        return res
    if keep.texts:
        ok = sum(subject.reparses(t) for t in keep.texts)
        res.valid = (ok, len(keep.texts))
    return res


# ---------------------------------------------------------------------------------------------
# Systems


def bench_gramgen(subject: Subject, opts: Options) -> list[Result]:
    g = subject.grammar
    raw = Sampler(g, roundtrip=False)
    eng = raw.engine
    start, max_size = raw.start, raw.max_size
    join = raw.renderer.join
    opts.note(
        "gramgen",
        f"max_size={raw.max_size} nodes (default), weights and damping as the grammar "
        "gives them, RandomChooser(random.Random(1)); texts re-parse by construction "
        "only on the round-trip path",
    )
    opts.note(
        "gramgen",
        "derive: Engine.derive with a RandomChooser, which runs the derivation compiled "
        "to Python for the grammar (after the first few, in the warm-up); general loop: "
        "the same draws and derivations through the interpreting loop (Engine.expand, the "
        "weighted random choice inlined); any chooser: the loop calling the chooser's "
        "methods for every choice, as coverage steering and Hypothesis run it",
    )

    class AnyChooser(RandomChooser):
        __slots__ = ()  # a subclass: Engine.derive interprets, calling its methods

    def derive_any(keep: Keep) -> Callable[[int], Batch]:
        return derive_only(keep, AnyChooser)

    def derive_general(keep: Keep) -> Callable[[int], Batch]:
        chooser = RandomChooser(eng, random.Random(1))
        expand = eng.expand
        slack = max_size - eng.min_size[start]

        def step(k: int) -> Batch:
            for _ in range(k):
                path: list[int] = []
                tokens: list[tuple[int, str]] = []
                Derivation(
                    start, path, tokens, max_size - expand([start], slack, chooser, path, tokens)
                )
            return Batch(k, None)

        return step

    def derive_only(
        keep: Keep, chooser_class: type[RandomChooser] = RandomChooser
    ) -> Callable[[int], Batch]:
        chooser = chooser_class(eng, random.Random(1))
        derive = eng.derive

        def step(k: int) -> Batch:
            for _ in range(k):
                derive(start, chooser, max_size)
            return Batch(k, None)

        return step

    def derive_join(keep: Keep) -> Callable[[int], Batch]:
        chooser = RandomChooser(eng, random.Random(1))
        derive = eng.derive

        def step(k: int) -> Batch:
            chars = 0
            for _ in range(k):
                text = join(derive(start, chooser, max_size).tokens)
                chars += len(text)
                keep.add(text)
            return Batch(k, chars)

        return step

    def checked(keep: Keep) -> Callable[[int], Batch]:
        sampler = Sampler(g)  # roundtrip=True
        first = 0

        def step(k: int) -> Batch:
            nonlocal first
            before = sampler.stats.derivations - sampler.stats.emitted
            chars = 0
            for s in list(sampler.sample(k, seed=1, first=first)):
                chars += len(s.text)
                keep.add(s.text)
            first += k
            after = sampler.stats.derivations - sampler.stats.emitted
            return Batch(k, chars, after - before)

        return step

    return [
        run_one(subject, GRAMGEN_DERIVE, derive_only, opts),
        run_one(subject, GRAMGEN_GENERAL, derive_general, opts),
        run_one(subject, GRAMGEN_ANY, derive_any, opts),
        run_one(subject, GRAMGEN_RENDER, derive_join, opts),
        run_one(subject, GRAMGEN_CHECKED, checked, opts),
    ]


def bench_hypothesis(subject: Subject, opts: Options) -> Result:
    def make(keep: Keep) -> Callable[[int], Batch]:
        from hypothesis import HealthCheck, Phase, given, seed, settings
        from hypothesis import strategies as st
        from hypothesis.extra.lark import from_lark
        from hypothesis.statistics import collector as _collector

        collector: Any = _collector

        alphabet = st.characters(
            codec="ascii", exclude_categories=["Cc"], include_characters="\t\n\r"
        )
        strategy = from_lark(subject.lark_parser(), start=subject.start, alphabet=alphabet)
        run_seed = 0

        def step(k: int) -> Batch:
            nonlocal run_seed
            run_seed += 1
            made = chars = 0
            stats: dict[str, Any] = {}

            @settings(
                max_examples=k,
                database=None,
                phases=[Phase.generate],
                deadline=None,
                suppress_health_check=list(HealthCheck),
            )
            @seed(run_seed)
            @given(strategy)
            def test(text: str) -> None:
                nonlocal made, chars
                made += 1
                chars += len(text)
                keep.add(text)

            with collector.with_value(stats.update):
                test()
            cases = stats.get("generate-phase", {}).get("test-cases", [])
            bad = sum(c["status"] in ("invalid", "overrun") for c in cases)
            return Batch(made, chars, bad)

        return step

    opts.note(
        "hypothesis",
        "from_lark(lark.Lark(<same text>, parser='lalr'), alphabet=printable ASCII + \\t\\n\\r); "
        f"@given runs of max_examples={opts.hyp_examples} each (at least one run), "
        "phases=[generate], database=None, deadline=None, "
        "all health checks suppressed; examples = calls of the test body; discarded = "
        "invalid + overrun test cases of the generate phase",
    )
    return run_one(subject, "hypothesis from_lark", make, opts, fixed=opts.hyp_examples)


def bench_fuzzingbook(subject: Subject, opts: Options) -> Result:
    def make(keep: Keep) -> Callable[[int], Batch]:
        grammar_fuzzer: Any = importlib.import_module("fuzzingbook.GrammarFuzzer").GrammarFuzzer

        fb_grammar, dropped = to_fuzzingbook(subject.grammar, separator=subject.separator)
        if dropped:
            opts.note("fuzzingbook", f"{subject.name}: dropped {', '.join(dropped)}")
        random.seed(1)  # fuzzingbook draws from the global random module
        fuzzer = grammar_fuzzer(fb_grammar, max_nonterminals=opts.fb_max_nonterminals)

        def step(k: int) -> Batch:
            chars = 0
            for _ in range(k):
                text = fuzzer.fuzz()
                chars += len(text)
                keep.add(text)
            return Batch(k, chars)

        return step

    opts.note(
        "fuzzingbook",
        f"GrammarFuzzer(grammar, min_nonterminals=0, max_nonterminals="
        f"{opts.fb_max_nonterminals}); grammar from to_fuzzingbook(): uniform choices "
        "(the grammar's //@ weights are not carried over), separator between every two items",
    )
    return run_one(subject, "fuzzingbook GrammarFuzzer", make, opts)


def _grammarinator_generator(g4: str, name: str, rule: str, workdir: Path) -> type[Any]:
    path = workdir / f"{name}.g4"
    path.write_text(g4, encoding="utf-8")
    out = workdir / "gen"
    out.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "grammarinator.process",
            str(path),
            "-o",
            str(out),
            "--no-actions",
            "--rule",
            rule,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["?"])[-1]
        raise RuntimeError(f"grammarinator-process failed: {last}")
    sys.path.insert(0, str(out))
    try:
        module = importlib.import_module(f"{name}Generator")
    finally:
        sys.path.remove(str(out))
    cls: type[Any] = getattr(module, f"{name}Generator")
    return cls


def bench_grammarinator(subject: Subject, opts: Options, workdir: Path) -> Result:
    def make(keep: Keep) -> Callable[[int], Batch]:
        runtime: Any = importlib.import_module("grammarinator.runtime")
        default_model, serialize = runtime.DefaultModel, runtime.simple_space_serializer

        name = "Bench" + _ident(subject.name).capitalize()
        start = subject.start
        g4, dropped = to_antlr(subject.grammar, name, start=start)
        if dropped:
            opts.note("grammarinator", f"{subject.name}: dropped {', '.join(dropped)}")
        d = workdir / subject.name
        d.mkdir(parents=True, exist_ok=True)
        rule_name = f"r_{_ident(start)}"
        gen_cls = _grammarinator_generator(g4, name, rule_name, d)
        random.seed(1)  # DefaultModel draws from the global random module
        limit = runtime.RuleSize(depth=opts.gi_depth, tokens=opts.gi_tokens)

        def step(k: int) -> Batch:
            chars = 0
            for _ in range(k):
                gen = gen_cls(model=default_model(), limit=limit)
                text = serialize(getattr(gen, rule_name)())
                chars += len(text)
                keep.add(text)
            return Batch(k, chars)

        return step

    opts.note(
        "grammarinator",
        f"grammarinator-process --no-actions on to_antlr(); in-process "
        f"Generator(model=DefaultModel(), limit=RuleSize(depth={opts.gi_depth}, "
        f"tokens={opts.gi_tokens})), a new generator per item, start rule called directly, "
        "simple_space_serializer (a space between tokens)",
    )
    return run_one(subject, "grammarinator", make, opts)


# ---------------------------------------------------------------------------------------------
# Report


def _version(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def machine(opts: Options) -> list[tuple[str, str]]:
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return [
        ("cpu", f"{cpu} ({os.cpu_count()} logical cores; one used)"),
        ("load average", f"{opts.load_before} before, {opts.load_after} after the run"),
        ("python", f"{platform.python_implementation()} {platform.python_version()}"),
        ("platform", platform.platform()),
        ("lark", lark.__version__),
        ("gramgen", _version("gramgen")),
        ("hypothesis", _version("hypothesis")),
        ("fuzzingbook", _version("fuzzingbook")),
        ("grammarinator", _version("grammarinator")),
    ]


def _num(x: float | None, digits: int = 0) -> str:
    if x is None:
        return "—"
    if digits == 0:
        return f"{x:,.0f}"
    return f"{x:,.{digits}f}"


def _ratio(a: float, b: float) -> str:
    if a <= 0 or b <= 0:
        return "—"
    r = a / b
    return f"{r:,.0f}x" if r >= 10 else f"{r:.2g}x"


HEADERS = (
    "grammar",
    "system",
    "cpu/wall",
    "items/s",
    "mean chars",
    "chars/s",
    "discarded",
    "re-parses",
    "raw÷peer",
    "checked÷peer",
    "raw÷peer chars/s",
)


LEGEND = (
    "items/s and chars/s are per CPU second of this process (--clock wall: per wall second); "
    "cpu/wall is the share of the wall time this process got. "
    "raw÷peer: gramgen derive+join texts/s over the peer's items/s; checked÷peer: gramgen "
    "round-trip-checked samples/s over the peer's; raw÷peer chars/s: the same for characters "
    "(independent of how long each system's texts are). discarded: draws thrown away "
    "(Hypothesis: invalid or overrun test cases; gramgen round-trip: derivations whose text "
    "did not re-parse and were redrawn). re-parses: share of the first texts of the row that "
    "parse with the grammar's own Lark parser."
)


def table_rows(results: list[Result]) -> list[list[str]]:
    by = {(r.grammar, r.system): r for r in results}
    rows: list[list[str]] = []
    for r in results:
        if r.unavailable is not None:
            rows.append([r.grammar, r.system, f"unavailable: {r.unavailable}", *[""] * 8])
            continue
        raw = by.get((r.grammar, GRAMGEN_RENDER))
        chk = by.get((r.grammar, GRAMGEN_CHECKED))
        peer = not r.system.startswith("gramgen")
        valid = "—" if r.valid is None else f"{100 * r.valid[0] / r.valid[1]:.0f}%"
        if r.discarded is None:
            discarded = "—"
        else:
            total = r.items + r.discarded
            discarded = f"{r.discarded:,} ({100 * r.discarded / total:.0f}%)" if total else "0"
        rows.append(
            [
                r.grammar,
                r.system,
                f"{100 * r.cpu / r.wall:.0f}%" if r.wall > 0 else "—",
                _num(r.rate),
                _num(r.mean_len, 1),
                _num(r.chars_rate),
                discarded,
                valid,
                _ratio(raw.rate, r.rate) if peer and raw and not raw.unavailable else "",
                _ratio(chk.rate, r.rate) if peer and chk and not chk.unavailable else "",
                _ratio(raw.chars_rate or 0.0, r.chars_rate or 0.0)
                if peer and raw and not raw.unavailable
                else "",
            ]
        )
    return rows


def targets(results: list[Result]) -> list[str]:
    by = {(r.grammar, r.system): r for r in results}
    out: list[str] = []

    def ok(cond: bool) -> str:
        return "met" if cond else "NOT met"

    d = by.get(("arith", GRAMGEN_DERIVE))
    if d is not None and d.unavailable is None:
        out.append(
            f"arith, raw engine: {d.rate:,.0f} derivations/s "
            f"(target ≥ {TARGET_ARITH_DERIVATIONS:,}): {ok(d.rate >= TARGET_ARITH_DERIVATIONS)}"
        )
    for row in (GRAMGEN_GENERAL, GRAMGEN_ANY):
        r = by.get(("arith", row))
        if r is not None and r.unavailable is None:
            met = ok(r.rate >= TARGET_ARITH_DERIVATIONS)
            out.append(f"arith, {row.removeprefix('gramgen derive, ')}: {r.rate:,.0f}/s: {met}")
    for peer, target in (
        ("grammarinator", TARGET_OVER_GRAMMARINATOR),
        ("hypothesis from_lark", TARGET_OVER_HYPOTHESIS),
    ):
        for gname in GRAMMARS:
            p = by.get((gname, peer))
            if p is None:
                continue
            if p.unavailable is not None or p.rate <= 0:
                out.append(f"{gname}, ≥ {target:,}x {peer}: not measured ({p.unavailable})")
                continue
            parts = []
            for label, sysname in (
                ("derive", GRAMGEN_DERIVE),
                ("derive+join", GRAMGEN_RENDER),
                ("round-trip", GRAMGEN_CHECKED),
            ):
                gg = by.get((gname, sysname))
                if gg is not None and gg.unavailable is None:
                    r = gg.rate / p.rate
                    parts.append(f"{label} {r:,.0f}x {ok(r >= target)}")
            out.append(f"{gname}, ≥ {target:,}x {peer}: " + "; ".join(parts))
    return out


def render_text(results: list[Result], opts: Options) -> str:
    rows = table_rows(results)
    widths = [
        max(len(h), *(len(r[i]) for r in rows if "unavailable" not in r[2]))
        for i, h in enumerate(HEADERS)
    ]
    lines = ["machine:"]
    lines += [f"  {k:<14} {v}" for k, v in machine(opts)]
    lines.append(
        f"  {'method':<14} {opts.seconds:g} s per system and grammar after "
        f"{opts.warmup:g} s warm-up, one process"
    )
    lines.append("")
    numeric = set(range(2, len(HEADERS)))

    def fmt(cells: Sequence[str]) -> str:
        if cells[2].startswith("unavailable"):
            return "  ".join([cells[0].ljust(widths[0]), cells[1].ljust(widths[1]), cells[2]])
        return "  ".join(
            c.rjust(w) if i in numeric else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )

    lines.append(fmt(HEADERS))
    lines.append("  ".join("-" * w for w in widths))
    prev = None
    for r in rows:
        if prev is not None and r[0] != prev:
            lines.append("")
        prev = r[0]
        lines.append(fmt(r))
    lines.append("")
    lines.append(LEGEND)
    lines.append("")
    lines.append("targets:")
    lines += [f"  {t}" for t in targets(results)]
    lines.append("")
    lines.append("settings:")
    for system, notes in opts.settings.items():
        lines += [f"  {system}: {n}" for n in notes]
    return "\n".join(lines)


def render_markdown(results: list[Result], opts: Options) -> str:
    rows = table_rows(results)
    out = ["# gramgen generation speed", ""]
    out.append(
        "Written by `python benchmarks/bench_engine.py --markdown benchmarks/RESULTS.md` "
        f"({opts.seconds:g} s per system and grammar after {opts.warmup:g} s warm-up, "
        "one process)."
    )
    out.append("")
    out += ["| machine | |", "|---|---|"]
    out += [f"| {k} | {v} |" for k, v in machine(opts)]
    out.append("")
    out.append("| " + " | ".join(HEADERS) + " |")
    out.append("|" + "|".join(["---", "---"] + ["---:"] * (len(HEADERS) - 2)) + "|")
    for r in rows:
        out.append("| " + " | ".join(c.replace("|", "\\|") for c in r) + " |")
    out.append("")
    out.append(LEGEND)
    out.append("")
    out.append("## Targets")
    out.append("")
    out += [f"- {t}" for t in targets(results)]
    out.append("")
    out.append("## Settings")
    out.append("")
    for system, notes in opts.settings.items():
        out += [f"- **{system}**: {n}" for n in notes]
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------------------------
# Main


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--seconds", type=float, default=2.0, help="timed wall time per row")
    ap.add_argument("--warmup", type=float, default=0.5, help="untimed warm-up per row")
    ap.add_argument("--grammars", default=",".join(GRAMMARS), help="comma-separated subset")
    ap.add_argument("--systems", default=",".join(SYSTEMS), help="comma-separated subset")
    ap.add_argument(
        "--clock",
        choices=["cpu", "wall"],
        default="cpu",
        help="rates per CPU second of this process (default; robust on a shared machine) "
        "or per wall-clock second",
    )
    ap.add_argument("--markdown", metavar="PATH", help="also write the table as Markdown")
    ap.add_argument("--validate", type=int, default=200, help="texts re-parsed per row")
    ap.add_argument(
        "--hypothesis-examples",
        type=int,
        default=100,
        help="max_examples of each @given run (Hypothesis's default: 100)",
    )
    ap.add_argument("--fuzzingbook-max-nonterminals", type=int, default=10)
    ap.add_argument("--grammarinator-depth", type=int, default=30)
    ap.add_argument("--grammarinator-tokens", type=int, default=20)
    ap.add_argument(
        "--item-timeout",
        type=float,
        default=180.0,
        help="a row that has not finished this long after its time is unavailable",
    )
    args = ap.parse_args(argv)
    opts = Options(
        seconds=args.seconds,
        warmup=args.warmup,
        validate=args.validate,
        fb_max_nonterminals=args.fuzzingbook_max_nonterminals,
        gi_depth=args.grammarinator_depth,
        gi_tokens=args.grammarinator_tokens,
        item_timeout=args.item_timeout,
        clock=args.clock,
        hyp_examples=args.hypothesis_examples,
    )
    systems = [s.strip() for s in args.systems.split(",") if s.strip()]
    unknown = set(systems) - set(SYSTEMS)
    if unknown:
        ap.error(f"unknown systems {sorted(unknown)} (choose from {', '.join(SYSTEMS)})")
    results: list[Result] = []
    opts.load_before = loadavg()
    with tempfile.TemporaryDirectory(prefix="bench-engine-") as tmp:
        for gname in [s.strip() for s in args.grammars.split(",") if s.strip()]:
            subject = load_subject(gname)
            print(f"[{gname}] measuring ...", file=sys.stderr, flush=True)
            if "gramgen" in systems:
                results += bench_gramgen(subject, opts)
            if "hypothesis" in systems:
                results.append(bench_hypothesis(subject, opts))
            if "fuzzingbook" in systems:
                results.append(bench_fuzzingbook(subject, opts))
            if "grammarinator" in systems:
                results.append(bench_grammarinator(subject, opts, Path(tmp)))
    opts.load_after = loadavg()
    print(render_text(results, opts))
    if args.markdown:
        write_markdown(render_markdown(results, opts), args.markdown)
    return 0


def write_markdown(md: str, target: str) -> None:
    """Write a benchmark's Markdown section to ``target`` (``-``: standard output)."""
    if target == "-":
        sys.stdout.write(md)
    else:
        Path(target).write_text(md, encoding="utf-8")
        print(f"\nwrote {target}", file=sys.stderr)


if __name__ == "__main__":
    raise SystemExit(main())
