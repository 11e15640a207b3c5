"""Helpers for test suites: a coverage assertion and the session coverage collector.

``assert_coverage`` fails a test when a grammar's productions are not all reachable
by sampling, naming what is missing and where::

    from gramgen.testing import assert_coverage

    def test_every_alternative_is_generated():
        assert_coverage("my.lark", n=2000, parser="lalr")

The *collector* aggregates coverage over a whole test session: the pytest plugin
(``pytest --gramgen-cov``) activates one, :func:`gramgen.strategies.from_grammar`
reports every derivation it generates to it, and :func:`track` opts a
:class:`~gramgen.Sampler` in. With no active collector nothing is recorded.

This module does not import Hypothesis.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping
from os import PathLike
from pathlib import Path
from typing import Any

from .coverage import KINDS, Coverage, CoverageChooser, report_text
from .derive import Chooser, Derivation
from .errors import InvalidArgument
from .grammar import Grammar
from .sample import Sample, Sampler

__all__ = [
    "Collector",
    "activate",
    "assert_coverage",
    "collector",
    "load_sampler",
    "track",
]

#: Keyword options that configure the :class:`Sampler` rather than the grammar.
SAMPLER_OPTIONS = frozenset({"alphabet", "declared", "damping", "roundtrip"})

_FLUSH_EVERY = 512  # derivations buffered before they are folded into coverage


# -- loading -----------------------------------------------------------------------------


def _load_grammar(grammar: str | PathLike[str], options: dict[str, Any]) -> Grammar:
    if isinstance(grammar, str):
        p = Path(grammar)
        looks_like_text = ":" in grammar and not grammar.endswith(".lark")
        if looks_like_text and not _is_file(p):
            return Grammar.from_string(grammar, **options)
        return Grammar.open(grammar, **options)
    return Grammar.from_file(Path(grammar), **options)


def _is_file(p: Path) -> bool:
    try:
        return p.is_file()
    except (OSError, ValueError):  # a long grammar text is not a valid path
        return False


def _rebuilt_with_weights(grammar: Grammar, weights: Mapping[str, float]) -> Grammar:
    """A copy of ``grammar`` with more weight overrides (the original is left alone)."""
    merged: dict[str, float] = {}
    for sym in grammar.symbols:
        for alt in sym.alts:
            if alt.explicit:
                merged[grammar.alternative_key(sym, alt)] = alt.weight
    merged.update(weights)
    return Grammar(
        grammar.text,
        source=grammar.source,
        start=grammar.starts,
        parser=grammar.parser,
        lexer=grammar.lexer,
        weights=merged,
        **grammar.lark_options,
    )


def load_sampler(
    grammar: Grammar | Sampler | str | PathLike[str],
    *,
    start: str | None = None,
    max_size: int | None = None,
    weights: Mapping[str, float] | None = None,
    **options: Any,
) -> Sampler:
    """A :class:`Sampler` for ``grammar``, loading it first if needed.

    ``grammar`` is a :class:`Grammar`, a :class:`Sampler` (used as it is), a path
    to a ``.lark`` file, the name of a bundled grammar (``"json"``), or grammar
    text (a string with a ``:`` that is neither a file nor ends in ``.lark``).
    ``alphabet``, ``declared``, ``damping`` and ``roundtrip`` configure the
    sampler; other options are Lark's and only apply when the grammar is loaded
    here (``parser="lalr"``, ``lexer=...``, ``import_paths=[...]``).
    """
    sampler_opts = {k: options.pop(k) for k in list(options) if k in SAMPLER_OPTIONS}
    if weights is not None and not isinstance(weights, Mapping):
        raise InvalidArgument(
            f"weights must be a mapping of alternative names to numbers, "
            f"got {type(weights).__name__}"
        )
    if isinstance(grammar, Sampler):
        given = {"start": start, "max_size": max_size, "weights": weights}
        extra = [k for k, v in given.items() if v is not None] + sorted(options)
        extra += sorted(sampler_opts)
        if extra:
            raise InvalidArgument(
                f"grammar is a Sampler, which is already configured; drop {', '.join(extra)}"
            )
        return grammar
    if isinstance(grammar, Grammar):
        if options:
            raise InvalidArgument(
                f"grammar options ({', '.join(sorted(options))}) only apply when the grammar is "
                "loaded from a file, a name or text; this Grammar is already compiled"
            )
        if weights:
            grammar = _rebuilt_with_weights(grammar, weights)
    elif isinstance(grammar, str | PathLike):
        if start is not None and "start" not in options:
            options["start"] = start
        if weights:
            options["weights"] = dict(weights)
        grammar = _load_grammar(grammar, options)
    else:
        raise InvalidArgument(
            "grammar must be a gramgen Grammar or Sampler, a path to a .lark file, the name of "
            f"a bundled grammar or grammar text; got {type(grammar).__name__}"
        )
    return Sampler(grammar, start=start, max_size=max_size, **sampler_opts)


# -- the session collector -----------------------------------------------------------------


CoverageKey = tuple[str, str]  # (grammar content hash, start rule)


class Collector:
    """Coverage of every grammar that samples were drawn from, one :class:`Coverage` each.

    Coverages are keyed by the grammar's content hash and the start rule, so every
    sampler of the same grammar (whatever its weights or size budget) adds to the
    same one. :meth:`add` only buffers the derivation; it is folded into the
    coverage in batches and whenever coverage is read.
    """

    def __init__(self, *, k: Iterable[int] = ()) -> None:
        self.k = tuple(k)
        self._coverage: dict[CoverageKey, Coverage] = {}
        self._pending: list[tuple[Sampler, Derivation]] = []

    @staticmethod
    def key(sampler: Sampler) -> CoverageKey:
        return (sampler.grammar.content_hash, sampler.start_name)

    def add(self, sampler: Sampler, derivation: Derivation) -> None:
        """Record one derivation made by ``sampler``."""
        self._pending.append((sampler, derivation))
        if len(self._pending) >= _FLUSH_EVERY:
            self.flush()

    def flush(self) -> None:
        pending, self._pending = self._pending, []
        for sampler, derivation in pending:
            key = self.key(sampler)
            cov = self._coverage.get(key)
            if cov is None:
                cov = self._coverage[key] = Coverage(sampler, k=self.k)
            cov.add(derivation)

    def coverages(self) -> list[Coverage]:
        """Every grammar's coverage, in the order the grammars were first seen."""
        self.flush()
        return list(self._coverage.values())

    def coverage(self, sampler: Sampler) -> Coverage | None:
        """The coverage of ``sampler``'s grammar and start rule, if anything was recorded."""
        self.flush()
        return self._coverage.get(self.key(sampler))

    def __len__(self) -> int:
        return len(self._coverage) + len(self._pending)


_active: Collector | None = None


def collector() -> Collector | None:
    """The active session collector, or None when coverage is not being collected."""
    return _active


def activate(new: Collector | None) -> Collector | None:
    """Make ``new`` the active collector (None: stop collecting); returns the previous one."""
    global _active
    old, _active = _active, new
    return old


def track(sampler: Sampler) -> Sampler:
    """Report every sample ``sampler`` makes to the active collector; returns ``sampler``.

    Wraps this sampler's :meth:`Sampler.from_chooser`, through which ``sample``,
    ``item`` and coverage runs go. Idempotent; costs one function call per sample
    while no collector is active.
    """
    if not isinstance(sampler, Sampler):
        raise InvalidArgument(f"track() takes a gramgen Sampler, got {type(sampler).__name__}")
    if "from_chooser" in vars(sampler):
        return sampler
    inner = sampler.from_chooser

    def from_chooser(chooser: Chooser, *, index: int = 0, seed: int = 0) -> Sample | None:
        smp = inner(chooser, index=index, seed=seed)
        active = _active
        if smp is not None and active is not None:
            active.add(sampler, smp.derivation)
        return smp

    setattr(sampler, "from_chooser", from_chooser)  # noqa: B010  (an instance override)
    return sampler


# -- assertion ------------------------------------------------------------------------------


_KIND_NAMES = {
    "alt": "alternatives",
    "opt": "optionals",
    "rep": "repetitions",
    "term": "terminals",
    "kpath": "k-paths",
}


def assert_coverage(
    grammar: Grammar | Sampler | str | PathLike[str],
    *,
    n: int = 1000,
    min_percent: float = 100.0,
    guided: bool = True,
    seed: int = 0,
    kinds: Iterable[str] = ("alt",),
    **options: Any,
) -> Coverage:
    """Sample up to ``n`` texts and fail unless ``kinds`` reach ``min_percent`` coverage.

    ``guided`` steers sampling toward what is not covered yet (see
    :class:`~gramgen.coverage.CoverageChooser`); sampling stops as soon as the
    target is met. ``kinds`` are among ``alt``, ``opt``, ``rep``, ``term`` and
    ``kpath``. Other options (``start``, ``max_size``, ``weights``, ``parser``, ...)
    are those of :func:`load_sampler`. Raises :class:`AssertionError` with the
    missing items and their ``file:line:column``; returns the :class:`Coverage`.
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise InvalidArgument(f"n must be an int >= 1, got n={n!r}")
    if (
        isinstance(min_percent, bool)
        or not isinstance(min_percent, int | float)
        or not 0 <= min_percent <= 100
    ):
        raise InvalidArgument(f"min_percent must be a number in [0, 100], got {min_percent!r}")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise InvalidArgument(f"seed must be an int >= 0, got seed={seed!r}")
    if isinstance(kinds, str):
        kinds = (kinds,)
    want = tuple(kinds)
    bad = [k for k in want if k not in KINDS]
    if bad or not want:
        raise InvalidArgument(f"kinds must be among {', '.join(KINDS)}; got {want!r}")
    sampler = load_sampler(grammar, **options)
    cov = Coverage(sampler, k=(2, 3) if "kpath" in want else ())
    chooser = CoverageChooser(cov, random.Random(seed)) if guided else None
    for i in range(n):
        if cov.percent(want) >= min_percent:
            break
        if chooser is not None:
            smp = Sampler.from_chooser(sampler, chooser, index=i, seed=seed)
        else:
            smp = sampler.item(seed, i)
        if smp is None:
            continue
        cov.add(smp.derivation)
        if chooser is not None:
            chooser.refresh()
    percent = cov.percent(want)
    if percent >= min_percent:
        return cov
    raise AssertionError(_failure_message(cov, want, min_percent))


def _failure_message(cov: Coverage, kinds: tuple[str, ...], min_percent: float) -> str:
    parts = []
    for kind in kinds:
        items = cov.universe([kind])
        hit = sum(1 for i in items if cov.hits[i])
        parts.append(f"{_KIND_NAMES[kind]} {hit}/{len(items)}")
    lines = [
        f"grammar coverage of {cov.grammar.source} (start {cov.sampler.start_name!r}) is "
        f"{cov.percent(kinds):.1f}%, below {min_percent:g}%, after {cov.derivations} samples: "
        + ", ".join(parts),
    ]
    missing = [e for e in cov.entries(kinds) if e.reachable and e.hits == 0]
    lines.append(f"missing ({len(missing)}):")
    for e in missing:
        where = ":".join(str(p) for p in (e.file, e.line, e.column) if p is not None)
        lines.append(f"  {where or '?'}: {e.kind} {e.key}")
    lines += ["", report_text(cov)]
    return "\n".join(lines)
