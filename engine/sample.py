"""Sampling texts from a grammar: the public entry point.

>>> from gramgen import Grammar, Sampler
>>> s = Sampler(Grammar.from_string('start: "a" start | "b"', parser="lalr"))
>>> [x.text for x in s.sample(3, seed=7)]  # doctest: +SKIP
['aab', 'b', 'ab']
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from .analysis import INF, Analysis
from .derive import Chooser, Derivation, Engine, RandomChooser
from .errors import GramgenError, GrammarError, InvalidArgument
from .grammar import Grammar, Kind
from .render import SPACINGS, Renderer
from .seeds import Draws, item_seed
from .terminals import Below, build_terminals

__all__ = ["GenerationFailed", "Sample", "Sampler", "SamplerStats"]

DEFAULT_MAX_SIZE = 120
_EXTRA_TOKENS = 24  # tokens that recursion adds on average, with automatic damping
_ATTEMPTS = 16  # derivations tried for one item before it is dropped
_GIVE_UP = 200  # consecutive dropped items before the run stops with an error


class GenerationFailed(GramgenError):
    """Samples keep failing to re-parse: the message names the most common reason."""


@dataclass(slots=True)
class Sample:
    """One generated text with what it came from."""

    text: str
    index: int
    seed: int
    derivation: Derivation
    repaired: bool = False
    attempts: int = 1

    def to_record(self) -> dict[str, object]:
        """A JSON-ready record: ``text``, ``index``, ``seed``, ``size``, ``path``."""
        return {
            "text": self.text,
            "index": self.index,
            "seed": self.seed,
            "size": self.derivation.size,
            "path": self.derivation.path,
        }


@dataclass
class SamplerStats:
    """What happened during sampling: re-parse failures and repairs, by reason."""

    derivations: int = 0
    emitted: int = 0
    repaired: int = 0
    dropped_items: int = 0
    failures: Counter[str] = field(default_factory=Counter)


def _check_int(name: str, value: object, lo: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidArgument(
            f"{name} must be an int, got {name}={value!r} (type={type(value).__name__})"
        )
    if value < lo:
        raise InvalidArgument(f"{name} must be >= {lo}, got {name}={value}")
    return value


class Sampler:
    """Weighted derivations of a grammar, rendered to text that re-parses.

    ``max_size`` bounds a derivation's size (nodes of the derivation tree);
    ``roundtrip`` re-parses every text with the grammar's own parser and
    repairs or drops those that fail; ``declared`` gives texts for
    ``%declare``'d terminals; ``alphabet`` limits the characters regexes use.
    ``spacing`` is ``minimal`` (separators only where tokens would glue),
    ``always``, or ``prose`` (words spaced as English is written).
    ``damping`` (default: chosen automatically) scales every weight the author
    did not write at a recursive rule, group, optional or repetition (one on a
    cycle of the grammar) by ``damping**extra``, where *extra* is how many more
    tokens than the cheapest alternative an alternative's smallest derivation has:
    it keeps unannotated grammars from growing without bound (see ``gramgen stats``).
    The automatic choice lets recursion add about 24 tokens on average to what the
    grammar's parts on no cycle (a file's list of statements) make, or is 1.
    """

    def __init__(
        self,
        grammar: Grammar,
        *,
        start: str | None = None,
        max_size: int | None = None,
        roundtrip: bool = True,
        alphabet: str | None = None,
        declared: Mapping[str, Sequence[str] | Callable[[Below], str]] | None = None,
        damping: float | None = None,
        spacing: str = "minimal",
    ) -> None:
        if not isinstance(grammar, Grammar):
            raise InvalidArgument(
                f"grammar must be a gramgen Grammar, got {type(grammar).__name__}"
            )
        self.grammar = grammar
        self.start_name = start or grammar.starts[0]
        if self.start_name not in grammar.starts:
            raise InvalidArgument(
                f"start={self.start_name!r} is not one of the grammar's start rules "
                f"{grammar.starts}; load the grammar with start=[...] to add it"
            )
        self.start = grammar.rule_symbol(self.start_name)
        self.analysis = Analysis(grammar)
        min_size = self.analysis.min_size[self.start]
        if min_size >= INF:
            sym = grammar.symbol(self.start)
            raise GrammarError.at(
                "start rule can never finish: every alternative needs a rule that never finishes",
                sym.pos,
                file=grammar.source,
                rule=self.start_name,
            )
        if max_size is None:
            # room for a few of the largest constructs the grammar has
            reach = self.analysis.reachable_from(self.start)
            biggest = max(
                (m for m, r in zip(self.analysis.min_size, reach, strict=True) if r and m < INF),
                default=1,
            )
            max_size = max(DEFAULT_MAX_SIZE, 4 * min_size, 3 * biggest)
        self.max_size = _check_int("max_size", max_size, 1)
        if self.max_size < min_size:
            raise InvalidArgument(
                f"max_size={self.max_size} is below the smallest derivation of "
                f"{self.start_name!r} ({min_size} nodes)"
            )
        self.renderer = Renderer(grammar)
        if spacing not in SPACINGS:
            raise InvalidArgument(f"spacing must be one of {SPACINGS}, got spacing={spacing!r}")
        if spacing != "minimal" and self.renderer.separator is None:
            raise InvalidArgument(
                f"spacing={spacing!r} needs a separator, but the grammar %ignores nothing "
                "that matches a space, newline or tab"
            )
        self.renderer.spacing = spacing
        reach = self.analysis.reachable_from(self.start)
        needed = [r and s.kind is Kind.TERM for r, s in zip(reach, grammar.symbols, strict=True)]
        terminals = build_terminals(
            grammar,
            needed,
            alphabet=alphabet,
            declared=declared,
            postlex_terminals=self.renderer.postlex_types,
            lexes_alone=self.renderer.lexes_alone,
        )
        if damping is None:
            extra = max(_EXTRA_TOKENS, self.analysis.min_tokens[self.start])
            damping = self.analysis.damping_for(self.start, extra)
        elif not isinstance(damping, int | float) or not 0 < damping <= 1:
            raise InvalidArgument(f"damping must be a number in (0, 1], got damping={damping!r}")
        self.damping = float(damping)
        self.engine = Engine(grammar, self.analysis, terminals, self.analysis.tuning(self.damping))
        self.roundtrip = roundtrip
        self.stats = SamplerStats()

    # -- one item ------------------------------------------------------------------------

    def derive(self, chooser: Chooser, *, max_size: int | None = None) -> Derivation:
        """One derivation with the given chooser (no rendering)."""
        return self.engine.derive(self.start, chooser, max_size or self.max_size)

    def render(self, derivation: Derivation) -> tuple[str | None, bool, str | None]:
        """(text, repaired, failure reason): text is None if it cannot be made to re-parse.

        The derivation's tokens are updated to the texts written (the indenter
        model rewrites newlines).
        """
        if self.renderer.indenter is not None:
            derivation.tokens = self.renderer.layout(derivation.tokens)
        elif self.roundtrip:
            text = self.renderer.join_checked(derivation.tokens, self.start_name)
            if text is not None:  # what join() writes, read back and accepted
                return text, False, None
        text = self.renderer.join(derivation.tokens)
        if not self.roundtrip:
            return text, False, None
        reason = self.renderer.reparse(text, self.start_name)
        if reason is None:
            return text, False, None
        spaced = self.renderer.join(derivation.tokens, spacing="always")
        if spaced != text and self.renderer.reparse(spaced, self.start_name) is None:
            return spaced, True, None
        return None, False, reason

    def item(self, seed: int, index: int) -> Sample | None:
        """Item ``index`` of the run seeded ``seed`` (None if it could not re-parse)."""
        chooser = RandomChooser(self.engine, Draws(seed, index))
        return self.from_chooser(chooser, index=index, seed=item_seed(seed, index))

    def from_chooser(self, chooser: Chooser, *, index: int = 0, seed: int = 0) -> Sample | None:
        """Derive and render with ``chooser``, retrying derivations that do not re-parse."""
        stats = self.stats
        for attempt in range(1, _ATTEMPTS + 1):
            d = self.engine.derive(self.start, chooser, self.max_size)
            d.seed = seed
            stats.derivations += 1
            text, repaired, reason = self.render(d)
            if text is not None:
                stats.emitted += 1
                stats.repaired += repaired
                return Sample(text, index, seed, d, repaired, attempt)
            stats.failures[reason or "unknown"] += 1
        stats.dropped_items += 1
        return None

    # -- runs ----------------------------------------------------------------------------

    def sample(self, n: int, *, seed: int = 0, first: int = 0) -> Iterator[Sample]:
        """``n`` samples from items ``first, first+1, ...`` of the run seeded ``seed``.

        Items that cannot be made to re-parse are skipped and counted in
        :attr:`stats`; after many in a row, :class:`GenerationFailed` is raised.
        """
        _check_int("n", n, 0)
        _check_int("seed", seed, 0)
        made = 0
        index = first
        dropped_in_row = 0
        while made < n:
            item = self.item(seed, index)
            index += 1
            if item is None:
                dropped_in_row += 1
                if dropped_in_row >= _GIVE_UP:
                    top = self.stats.failures.most_common(1)
                    raise GenerationFailed(
                        f"{dropped_in_row} items in a row did not re-parse with the grammar's "
                        f"own parser; most common reason: {top[0][0] if top else 'unknown'}"
                    )
                continue
            dropped_in_row = 0
            made += 1
            yield item
