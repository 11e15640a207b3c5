"""Hypothesis strategies for the texts of a grammar: :func:`from_grammar`.

>>> from hypothesis import given
>>> from gramgen.strategies import from_grammar
>>> @given(from_grammar("arith", parser="lalr"))
... def test_parses(text):
...     assert my_parser(text)  # doctest: +SKIP

The strategy is the ordinary :class:`~gramgen.Sampler` — the grammar's weights,
the size budget that makes every derivation terminate, and the round trip through
the grammar's own Lark parser — driven by a :class:`HypothesisChooser` whose every
decision is one integer drawn from Hypothesis:

* an alternative is an index into a table of 256 buckets over the candidates
  ordered cheapest first (``Engine.by_cost``), each candidate getting a share of
  buckets proportional to its weight (at least one). Hypothesis draws integers in
  ``[0, 255]`` uniformly (apart from a small preference for "special" values such
  as 0 and 255), so the choice follows the grammar's weights, and shrinking the
  integer toward 0 moves to cheaper alternatives;
* an optional is the same: the low buckets (share ``1 - p_take``) skip it;
* a repetition count maps the integer through the inverse distribution function
  of the engine's geometric count distribution (0 is the minimum count; the top
  bucket adds the distribution's tail and draws again, memorylessly);
* terminal text draws ``below(n)`` as an integer in ``[0, n)`` (0 is the simplest
  text). For ``n`` above 512 Hypothesis prefers small integers, so regex
  character runs lean toward their simplest characters more than under
  ``Sampler.sample``.

Derivations never exceed the budget, so nothing is filtered or discarded for
depth. A text that does not re-parse is re-derived from further draws by
:meth:`Sampler.from_chooser` and counted in the sampler's ``stats`` (pass your own
:class:`~gramgen.Sampler` to :func:`from_grammar` to read them); only if 16
derivations in a row fail is the example rejected.

Shrinking: every decision shrinks toward its simplest option, and every subtree
of the derivation is a Hypothesis span, so the shrinker can also try a subtree at
its simplest or delete it. A property that fails on texts containing ``*`` in the
bundled ``arith`` grammar shrinks to ``0*0`` (without the spans it stopped at
``0+0*0`` in 3 of 60 runs; they cost about 10% of the generation speed). Spans are
labelled by their number within the example, never by symbol: Hypothesis's
generator copies spans that share a label over each other, which would pull
examples away from the grammar's weights, make them larger, and overrun.

Every derivation drawn is reported to the active coverage collector
(:func:`gramgen.testing.collector`), which ``pytest --gramgen-cov`` turns on.

Speed: the strategy is a :func:`hypothesis.strategies.composite`. Drawing each
integer through its public ``draw`` costs a span per integer, which makes the
strategy 1.3-1.5x slower and lets Hypothesis's generator copy those spans over
each other (3-14% of test cases then overrun), so when ``draw`` is bound to Hypothesis's
choice-sequence data and that has ``draw_integer``, ``start_span`` and
``stop_span`` (Hypothesis 6.100 and later), the chooser calls those directly; it
falls back to the public ``draw`` otherwise, which draws integers in the same
ranges (see ``benchmarks/bench_strategies.py``).
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from os import PathLike
from typing import Any, Literal, overload

from .derive import Engine, Node
from .errors import InvalidArgument
from .grammar import Grammar, Kind
from .sample import Sample, Sampler
from .testing import collector, load_sampler

try:
    from hypothesis import reject
    from hypothesis import strategies as st
    from hypothesis.strategies import SearchStrategy
except ImportError as err:  # pragma: no cover - exercised only without the extra
    raise ImportError(
        "gramgen.strategies needs Hypothesis: pip install 'gramgen[hypothesis]'"
    ) from err

__all__ = ["GrammarSample", "HypothesisChooser", "from_grammar"]

BUCKETS = 256  # Hypothesis draws integers in [0, 255] uniformly
_TOP = BUCKETS - 1
_MAX_TABLE_RANGE = 1 << 16

IntDraw = Callable[[int, int], int]
AltTable = tuple[int, ...] | int  # buckets -> alternative, or the only possible alternative


# -- per-engine tables -------------------------------------------------------------------------


def _apportion(weights: Sequence[float], buckets: int) -> list[int]:
    """Split ``buckets`` in proportion to positive ``weights``, at least one bucket each."""
    total = sum(weights)
    exact = [buckets * w / total for w in weights]
    counts = [max(1, math.floor(x)) for x in exact]
    left = buckets - sum(counts)
    by_remainder = sorted(range(len(weights)), key=lambda i: counts[i] - exact[i])
    i = 0
    while left > 0:  # largest remainders first
        counts[by_remainder[i % len(counts)]] += 1
        left -= 1
        i += 1
    while left < 0:  # bumped to one: take back from the largest
        j = max(range(len(counts)), key=counts.__getitem__)
        counts[j] -= 1
        left += 1
    return counts


class _Tables:
    """Lookup tables of one engine, shared by every chooser over it."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        n = len(engine.kind)
        self.nalts = [len(a) for a in engine.all_alts]
        self.full: list[AltTable] = [0] * n
        self.partial: dict[tuple[int, tuple[int, ...]], AltTable] = {}
        # optionals: how many of the 256 buckets skip (0: always take, 256: always skip)
        self.skip = [0] * n
        # repetitions: q of the geometric count, log q, and the count the top bucket adds
        self.q = [0.0] * n
        self.log_q = [0.0] * n
        self.tail = [1] * n
        for s, kind in enumerate(engine.kind):
            if kind == Kind.RULE:
                self.full[s] = self.table(s, engine.all_alts[s])
            elif kind == Kind.OPT:
                p = engine.p_take[s]
                if p <= 0.0:
                    self.skip[s] = BUCKETS
                elif p < 1.0:
                    self.skip[s] = min(max(round(BUCKETS * (1.0 - p)), 1), _TOP)
            elif kind == Kind.REP:
                q = min(engine.rep_q[s], 1.0 - 1e-9)
                if q > 0.0:
                    self.q[s] = q
                    self.log_q[s] = math.log(q)
                    self.tail[s] = max(1, math.floor(math.log(1.0 / BUCKETS) / math.log(q)))

    def table(self, sym: int, candidates: Sequence[int]) -> AltTable:
        """Buckets over ``candidates`` (cheapest first), by weight; an int if no draw is needed."""
        e = self.engine
        allowed = set(candidates)
        weights = e.weights[sym]
        order = [c for c in e.by_cost[sym] if c in allowed and weights[c] > 0]
        if not order:
            return e.cheapest(sym, candidates)
        if len(order) == 1:
            return order[0]
        buckets = BUCKETS
        while buckets < 4 * len(order) and buckets < _MAX_TABLE_RANGE:
            buckets *= 2
        counts = _apportion([weights[c] for c in order], max(buckets, len(order)))
        return tuple(c for c, k in zip(order, counts, strict=True) for _ in range(k))

    def partial_table(self, sym: int, candidates: Sequence[int]) -> AltTable:
        key = (sym, tuple(candidates))
        t = self.partial.get(key)
        if t is None:
            t = self.partial[key] = self.table(sym, candidates)
        return t


_TABLES: weakref.WeakKeyDictionary[Engine, _Tables] = weakref.WeakKeyDictionary()


def _tables(engine: Engine) -> _Tables:
    t = _TABLES.get(engine)
    if t is None:
        t = _TABLES[engine] = _Tables(engine)
    return t


# -- drawing integers ----------------------------------------------------------------------------


_INTEGERS: dict[tuple[int, int], SearchStrategy[int]] = {}


def _integers(lo: int, hi: int) -> SearchStrategy[int]:
    s = _INTEGERS.get((lo, hi))
    if s is None:
        if len(_INTEGERS) > 4096:
            _INTEGERS.clear()
        s = _INTEGERS[lo, hi] = st.integers(lo, hi)
    return s


def _conjecture_data(data: Any) -> Any:
    """Hypothesis's choice-sequence data behind ``data``, or None."""
    target = getattr(data, "__self__", data)  # a composite's draw is bound to the data
    return target if callable(getattr(target, "draw_integer", None)) else None


def _integer_drawer(data: Any, conjecture: Any) -> IntDraw:
    """``draw(lo, hi)``: Hypothesis's ``draw_integer`` if we have it, else the public ``draw``."""
    if conjecture is not None:
        return conjecture.draw_integer  # type: ignore[no-any-return]
    draw = getattr(data, "draw", data)
    if not callable(draw):
        raise InvalidArgument(
            "HypothesisChooser needs a composite's draw function, an st.data() object or "
            f"Hypothesis's conjecture data; got {type(data).__name__}"
        )

    def public(lo: int, hi: int) -> int:
        return draw(_integers(lo, hi))  # type: ignore[no-any-return]

    return public


_STOP = -1  # mirror-stack marker: close a span
_NOOP = -2  # mirror-stack marker: a node deeper than _MAX_SPAN_DEPTH, no span to close
_MAX_SPAN_DEPTH = 64  # Hypothesis refuses draws more than 100 spans deep
# Span labels are this plus the span's number in the example, unique within it (see the
# module's docstring for why not one label per symbol).
_LABEL_BASE = 0x6772616D67656E << 20  # "gramgen"


class HypothesisChooser:
    """A :class:`~gramgen.Chooser` whose every decision is an integer drawn from Hypothesis.

    ``data`` is the ``draw`` function of a :func:`hypothesis.strategies.composite`,
    an object from :func:`hypothesis.strategies.data`, or Hypothesis's conjecture
    data. Drawing 0 everywhere gives the smallest derivation (cheapest
    alternatives, optionals skipped, minimum counts, simplest terminal texts).

    With ``fast=True`` (the default) and Hypothesis's conjecture data at hand, the
    chooser calls its ``draw_integer`` directly, and, given ``start`` (the start
    symbol of the derivations it will make), marks every subtree of the derivation
    as a Hypothesis span, which lets the shrinker try a whole subtree at its
    simplest, or delete one. To know where subtrees end it keeps a mirror of the
    engine's stack, advanced at every call (the engine makes no call for terminals,
    single-alternative rules and choices the budget leaves no room for, but the
    size budget only shrinks, so those are known at the next call); :meth:`finish`
    closes what is still open; ``desyncs`` counts the times the mirror lost track
    (spans then stop for that example; tests assert it stays 0). Spans never change
    what is drawn. ``fast=False`` draws through the public ``draw``: integers in the
    same ranges, without subtree spans, slower.
    """

    __slots__ = (
        "_data",
        "_depth",
        "_draw",
        "_e",
        "_full",
        "_in_term",
        "_nalts",
        "_nspan",
        "_stack",
        "_start",
        "_t",
        "below",
        "desyncs",
    )

    def __init__(
        self, engine: Engine, data: Any, *, fast: bool = True, start: int | None = None
    ) -> None:
        self._e = engine
        self._t = _tables(engine)
        self._full = self._t.full
        self._nalts = self._t.nalts
        conjecture = _conjecture_data(data) if fast else None
        draw = self._draw = _integer_drawer(data, conjecture)
        spans = (
            start is not None
            and conjecture is not None
            and callable(getattr(conjecture, "start_span", None))
            and callable(getattr(conjecture, "stop_span", None))
        )
        self._data: Any = conjecture if spans else None
        self._start = -1 if start is None else start
        self._stack: list[int] = []
        self._depth = 0
        self._in_term = False
        self._nspan = 0
        self.desyncs = 0  # times the mirror lost track of the engine (spans then stop)

        if self._data is None:

            def below(n: int) -> int:
                return draw(0, n - 1) if n > 1 else 0

        else:

            def below(n: int) -> int:
                if not self._in_term and self._data is not None:
                    self._sync_terminal()
                return draw(0, n - 1) if n > 1 else 0

        self.below = below

    # -- decisions ----------------------------------------------------------------------------

    def alternative(self, sym: int, candidates: Sequence[int]) -> int:
        spans = self._data is not None and self._sync(sym)
        if len(candidates) == self._nalts[sym]:
            t = self._full[sym]
        else:
            t = self._t.partial_table(sym, candidates)
        a = t if isinstance(t, int) else t[self._draw(0, len(t) - 1)]
        if spans:
            self._stack.append(self._marker())
            self._stack.extend(self._e.reversed_items[sym][a])
        return a

    def optional(self, sym: int) -> bool:
        spans = self._data is not None and self._sync(sym)
        skip = self._t.skip[sym]
        if skip == 0:
            take = True
        elif skip == BUCKETS:
            take = False
        else:
            take = self._draw(0, _TOP) >= skip
        if spans:
            self._stack.append(self._marker())
            if take:
                self._stack.append(self._e.inner[sym])
        return take

    def count(self, sym: int, lo: int, hi: int) -> int:
        spans = self._data is not None and self._sync(sym)
        n = self._count(sym, lo, hi)
        if spans:
            self._stack.append(self._marker())
            self._stack.extend([self._e.inner[sym]] * n)
        return n

    def _count(self, sym: int, lo: int, hi: int) -> int:
        t = self._t
        q = t.q[sym]
        if q <= 0.0 or hi <= lo:
            return lo
        m = hi - lo
        extra = 0
        while True:
            x = self._draw(0, _TOP)
            if x < _TOP:
                # the inverse distribution function of the truncated geometric count
                left = m - extra
                u = x / BUCKETS
                k = math.ceil(math.log1p(-u * (1.0 - q ** (left + 1))) / t.log_q[sym]) - 1
                return lo + extra + min(max(k, 0), left)
            extra += t.tail[sym]  # the top bucket: the tail, which is geometric again
            if extra >= m:
                return hi

    # -- subtree spans ------------------------------------------------------------------------

    def _marker(self) -> int:
        """The mirror-stack marker that closes the span :meth:`_open` just opened."""
        if self._depth >= _MAX_SPAN_DEPTH:
            return _NOOP
        self._depth += 1
        return _STOP

    def _open(self, sym: int) -> None:
        if self._depth < _MAX_SPAN_DEPTH:
            self._nspan += 1
            self._data.start_span(_LABEL_BASE + self._nspan)

    def _advance(self, top: int) -> bool:
        """Pop ``top`` as the engine does when it makes no call; False for a choice node."""
        e = self._e
        if top == _STOP:
            self._depth -= 1
            self._data.stop_span()
            return True
        if top == _NOOP:
            return True
        k = e.code[top]
        if k == 3:  # a terminal
            return True
        if k == 4:  # a rule with one alternative
            self._open(top)
            self._stack.append(self._marker())
            self._stack.extend(e.single[top])
            return True
        if k == 1:  # an optional the budget had no room for: skipped without a call
            return True
        if k == 2:  # a repetition whose count was fixed: its minimum, without a call
            self._stack.extend([e.inner[top]] * e.rep_lo[top])
            return True
        return False

    def _sync(self, sym: int) -> bool:
        """Advance the mirror to the call for ``sym`` and open its span; False if lost."""
        self._in_term = False
        stack = self._stack
        if stack and stack[-1] == sym:  # the common case: nothing popped without a call
            stack.pop()
            self._open(sym)
            return True
        restarted = False
        while True:
            if not stack:
                if restarted:
                    return self._lost()
                restarted = True
                stack.append(self._start)  # the previous derivation ended: a new one begins
            top = stack.pop()
            if top == sym:
                self._open(sym)
                return True
            if not self._advance(top):
                return self._lost()

    def _sync_terminal(self) -> None:
        """Advance the mirror to the terminal whose text is being drawn."""
        stack = self._stack
        e = self._e
        while stack:
            top = stack.pop()
            if top >= 0 and e.code[top] == 3 and e.term_const[top] is None:
                self._in_term = True
                return
            if not self._advance(top):
                self._lost()
                return
        self._lost()

    def _lost(self) -> bool:
        self.desyncs += 1
        self.finish()
        self._data = None
        return False

    def finish(self) -> None:
        """Close the spans still open (call once the sample is made)."""
        data = self._data
        if data is None:
            return
        stack = self._stack
        while stack:
            if stack.pop() == _STOP:
                data.stop_span()
        self._depth = 0
        self._in_term = False


# -- the strategy -------------------------------------------------------------------------------


@dataclass(slots=True, repr=False, eq=False)
class GrammarSample(Sample):
    """A :class:`~gramgen.Sample` that knows its sampler, so it can rebuild its tree."""

    sampler: Sampler | None = None

    @property
    def tree(self) -> Node:
        """The derivation tree (``Engine.tree`` of the derivation)."""
        if self.sampler is None:
            raise InvalidArgument("this sample has no sampler to rebuild its tree with")
        return self.sampler.engine.tree(self.derivation)

    def __repr__(self) -> str:
        return f"GrammarSample(text={self.text!r}, size={self.derivation.size})"

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:  # Hypothesis's pretty printer
        p.text(repr(self))


class _Config:
    """What a strategy draws from; its repr is the strategy's arguments in Hypothesis's output."""

    __slots__ = ("fast", "sampler", "trees")

    def __init__(self, sampler: Sampler, trees: bool, *, fast: bool = True) -> None:
        self.sampler = sampler
        self.trees = trees
        self.fast = fast

    def __repr__(self) -> str:
        s = self.sampler
        args = [repr(s.grammar.source), f"start={s.start_name!r}", f"max_size={s.max_size}"]
        if self.trees:
            args.append("trees=True")
        return ", ".join(args)


def _draw_sample(config: _Config, data: Any) -> Sample:
    sampler = config.sampler
    # Sampler.from_chooser of the class, not of the instance: a sampler opted in with
    # gramgen.testing.track would report the derivation a second time.
    chooser = HypothesisChooser(sampler.engine, data, fast=config.fast, start=sampler.start)
    smp = Sampler.from_chooser(sampler, chooser)
    chooser.finish()
    if smp is None:  # 16 derivations in a row did not re-parse (counted in sampler.stats)
        reject()
    active = collector()
    if active is not None:
        active.add(sampler, smp.derivation)
    return smp


def _draw_text(draw: st.DrawFn, config: _Config) -> str:
    return _draw_sample(config, draw).text


def _draw_tree(draw: st.DrawFn, config: _Config) -> GrammarSample:
    s = _draw_sample(config, draw)
    return GrammarSample(
        s.text, s.index, s.seed, s.derivation, s.repaired, s.attempts, sampler=config.sampler
    )


# named so that Hypothesis shows the strategies as from_grammar('g.lark', start=..., ...)
_draw_text.__name__ = _draw_text.__qualname__ = "from_grammar"
_draw_tree.__name__ = _draw_tree.__qualname__ = "from_grammar"
_texts = st.composite(_draw_text)
_samples = st.composite(_draw_tree)


@overload
def from_grammar(
    grammar: Grammar | Sampler | str | PathLike[str],
    *,
    start: str | None = ...,
    max_size: int | None = ...,
    trees: Literal[False] = ...,
    weights: Mapping[str, float] | None = ...,
    **grammar_options: Any,
) -> SearchStrategy[str]: ...


@overload
def from_grammar(
    grammar: Grammar | Sampler | str | PathLike[str],
    *,
    start: str | None = ...,
    max_size: int | None = ...,
    trees: Literal[True],
    weights: Mapping[str, float] | None = ...,
    **grammar_options: Any,
) -> SearchStrategy[GrammarSample]: ...


def from_grammar(
    grammar: Grammar | Sampler | str | PathLike[str],
    *,
    start: str | None = None,
    max_size: int | None = None,
    trees: bool = False,
    weights: Mapping[str, float] | None = None,
    **grammar_options: Any,
) -> SearchStrategy[str] | SearchStrategy[GrammarSample]:
    """A strategy for texts of ``grammar`` that re-parse with its own Lark parser.

    ``grammar`` is a :class:`~gramgen.Grammar`, a path to a ``.lark`` file, the
    name of a bundled grammar (``"json"``), or grammar text (a string containing
    ``:``); a :class:`~gramgen.Sampler` is used as it is. ``start`` picks the start
    rule, ``max_size`` the size budget in derivation-tree nodes (default: the
    sampler's), ``weights`` overrides alternative weights as in
    ``Grammar(weights=...)`` (a given Grammar is copied, not changed). Further
    options load the grammar (``parser="lalr"``, ``lexer=...``, ``import_paths=...``)
    or configure the sampler (``alphabet``, ``declared``, ``damping``, ``roundtrip``).

    With ``trees=True`` the strategy draws :class:`GrammarSample` objects instead:
    ``.text``, ``.derivation`` and ``.tree``.

    The sampler is built here, once: argument errors raise
    :class:`gramgen.InvalidArgument` at once, and the work of compiling the
    grammar is not part of any example's generation time.
    """
    if not isinstance(trees, bool):
        raise InvalidArgument(f"trees must be True or False, got trees={trees!r}")
    sampler = load_sampler(
        grammar, start=start, max_size=max_size, weights=weights, **grammar_options
    )
    config = _Config(sampler, trees)
    return _samples(config) if trees else _texts(config)
