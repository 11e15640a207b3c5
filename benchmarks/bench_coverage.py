"""Samples to full alternative coverage, and the time it takes, for gramgen and fuzzingbook.

Systems, on the same grammars (the bundled ``arith`` and ``json`` and lark's own ``lark.lark``,
all loaded with the LALR parser):

* gramgen guided: :class:`gramgen.coverage.CoverageChooser`, as
  ``run(sampler, n, seed=, guided=True, stop_when_full=True, k=())`` draws;
* gramgen random: ``run(..., guided=False)`` (the sampler's ordinary weighted choices);
* fuzzingbook ``GrammarCoverageFuzzer`` and fuzzingbook ``GrammarFuzzer`` on the grammar
  converted by ``bench_engine.to_fuzzingbook`` (``GrammarFuzzer`` runs as fuzzingbook's
  ``TrackingGrammarCoverageFuzzer``: the same choices, with fuzzingbook's coverage tracking);
* ``GrammarCoverageFuzzer`` once more with *fixed tokens*: the converted grammar with each
  terminal reduced to one fixed text per top-level alternative (:func:`fixed_tokens`). The
  conversion spells terminals out character by character, and ``GrammarCoverageFuzzer``
  steers toward every expansion it sees, every character of ``[^"\\]`` included; this row
  shows what it does when only the grammar's structure is left to cover.

For every system, grammar and seed it counts the samples drawn until every alternative is
covered: for gramgen, every ``("alt", ...)`` item of ``Coverage(sampler, k=())``; for
fuzzingbook, the converted expansions that correspond to those alternatives (each rule's and
group's alternatives become the expansions of its nonterminal). Expansions that only the
conversion introduces (terminals spelled out to characters, regex and repetition helpers,
optionals, ``<start>``) are not counted; fuzzingbook's own total (``max_expansion_coverage()``)
is printed beside the count. A seed stops at full coverage, at ``--cap`` samples or after
``--time-cap`` seconds of CPU time, whichever comes first; a seed that stopped at a cap counts
as not finished (ranked after every finished seed) in the median and p90.

The clock runs over everything a run does after the grammar is compiled and converted: for
gramgen seeding its ``random.Random``, building the ``Coverage`` and the chooser, deriving,
rendering every sample and checking that it parses with the grammar's own Lark parser
(``Sampler`` default ``roundtrip=True``) and recording it; for fuzzingbook seeding ``random``,
building the fuzzer and its ``fuzz()`` calls; by wall clock and by the process's CPU time.
What is worked out once per grammar stays outside the clock for both: the set of
alternatives to cover, the conversion, and gramgen's per-sampler tables. The 100x target is
judged on CPU time. Seeds run in ``--jobs`` worker processes (default 1), forked after the
grammars are compiled and warmed up; a worker runs one seed at a time. More workers finish
sooner but time worse: on a machine of two cores, a second worker slowed gramgen's runs by
about 40% and fuzzingbook's by about 10%, and which runs overlap depends on the task order.

For gramgen, every seed's count is checked against :func:`gramgen.coverage.run` itself (with
that many samples it is complete, with one fewer it is not), and ``run(...,
stop_when_full=True)`` is run as well: it stops only when optionals (taken, skipped) and
repetition classes (0, 1, many) are covered too, so it may need more samples (last column).

Run::

    python benchmarks/bench_coverage.py                  # 20 seeds, cap 5,000 samples / 5 s
    python benchmarks/bench_coverage.py --seeds 50 --systems guided,gcf --markdown out.md

fuzzingbook is installed as for ``bench_engine.py``:
``pip install --no-deps fuzzingbook==1.2.2 && pip install markdown graphviz``.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import importlib
import math
import multiprocessing
import os
import platform
import random
import sys
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import lark

from gramgen import Sampler
from gramgen.coverage import Coverage, CoverageChooser, Item, run
from gramgen.terminals import DEFAULT_ALPHABET

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_engine import (  # a sibling script, not a package
    _FuzzingbookBuilder,
    _version,
    load_subject,
    loadavg,
    to_fuzzingbook,
    write_markdown,
)

GRAMMARS = ("arith", "json", "lark")
GUIDED = "gramgen guided"
RANDOM = "gramgen random"
FB_COVERAGE = "fuzzingbook GrammarCoverageFuzzer"
FB_RANDOM = "fuzzingbook GrammarFuzzer"
FB_TOKENS = "fuzzingbook GrammarCoverageFuzzer, fixed tokens"
SYSTEMS = (GUIDED, RANDOM, FB_COVERAGE, FB_TOKENS, FB_RANDOM)
SHORT = {
    "guided": GUIDED,
    "random": RANDOM,
    "gcf": FB_COVERAGE,
    "gcf-tokens": FB_TOKENS,
    "gf": FB_RANDOM,
}
FUZZINGBOOK = (FB_COVERAGE, FB_TOKENS, FB_RANDOM)

# Targets from the issue: no more samples than GrammarCoverageFuzzer, at 100x its speed;
# and fuzzingbook's own published figures for its coverage fuzzer, for reference.
TARGET_SPEEDUP = 100
FB_PUBLISHED = (
    "fuzzingbook's published GrammarCoverageFuzzer figures (its own grammars): 1 sample "
    "for a 21-alternative arithmetic grammar, median 10 / p90 11 samples for a "
    "44-alternative JSON grammar"
)


# ---------------------------------------------------------------------------------------------
# What each worker needs: compiled once, before the workers fork


@dataclass
class Context:
    """One grammar: gramgen's sampler and alternatives, and the converted fuzzingbook grammar."""

    name: str
    source: str
    sampler: Sampler
    alternatives: list[Item]
    described: dict[Item, str]
    fb_grammar: dict[str, list[str]]
    fb_keys: dict[str, list[Item]]  # fuzzingbook expansion key -> our alternative(s)
    fb_total: int  # fuzzingbook's own notion: len(max_expansion_coverage())
    fb_nonterminals: int
    fb_tokens_grammar: dict[str, list[str]]  # terminals reduced to fixed texts
    fb_tokens_total: int
    fb_dropped: list[str]
    fb_error: str | None = None


_CONTEXTS: dict[str, Context] = {}
_FB: dict[str, Any] = {}  # fuzzingbook classes, or the reason they are unavailable


def _fuzzingbook() -> tuple[Any, Any] | str:
    if not _FB:
        try:
            mod: Any = importlib.import_module("fuzzingbook.GrammarCoverageFuzzer")
            _FB["coverage"] = mod.GrammarCoverageFuzzer
            _FB["tracking"] = mod.TrackingGrammarCoverageFuzzer
        except Exception as err:  # an optional peer: report why, do not fail the run
            _FB["error"] = f"{type(err).__name__}: {err}"
    if "error" in _FB:
        return str(_FB["error"])
    return _FB["coverage"], _FB["tracking"]


def fb_alternative_keys(
    sampler: Sampler, separator: str, alts: Sequence[Item]
) -> dict[str, list[Item]]:
    """fuzzingbook's expansion key (``"<sym> -> expansion"``) of each of our alternatives.

    Names come from the same builder :func:`to_fuzzingbook` uses; a rule's or group's
    alternative ``a b c`` is the expansion ``<a><sep><b><sep><c>`` of its nonterminal.
    """
    g = sampler.grammar
    b = _FuzzingbookBuilder(g, separator, DEFAULT_ALPHABET)
    out: dict[str, list[Item]] = {}
    for item in alts:
        sym = g.symbols[int(item[1])]  # type: ignore[call-overload]
        alt = sym.alts[int(item[2])]  # type: ignore[call-overload]
        key = f"{b.name(sym.id)} -> {b.sep.join(b.name(i) for i in alt.items)}"
        out.setdefault(key, []).append(item)
    return out


def _short_path(path: str) -> str:
    p = Path(path)
    with contextlib.suppress(ValueError):
        return str(p.resolve().relative_to(Path(__file__).resolve().parent.parent))
    return "/".join(p.parts[-3:])  # e.g. lark/grammars/lark.lark, from the lark package


def build_context(name: str) -> Context:
    subject = load_subject(name)
    sampler = Sampler(subject.grammar)
    cov = Coverage(sampler, k=())
    alts = cov.universe(("alt",))
    fb_grammar, dropped = to_fuzzingbook(subject.grammar, separator=subject.separator)
    keys = fb_alternative_keys(sampler, subject.separator, alts)
    ctx = Context(
        name=name,
        source=_short_path(str(subject.grammar.source)),
        sampler=sampler,
        alternatives=alts,
        described={i: cov.describe(i) for i in alts},
        fb_grammar=fb_grammar,
        fb_keys=keys,
        fb_total=0,
        fb_nonterminals=len(fb_grammar),
        fb_tokens_grammar={},
        fb_tokens_total=0,
        fb_dropped=dropped,
    )
    classes = _fuzzingbook()
    if isinstance(classes, str):
        ctx.fb_error = classes
        return ctx
    ctx.fb_tokens_grammar = fixed_tokens(fb_grammar)
    totals = []
    for variant in (fb_grammar, ctx.fb_tokens_grammar):
        universe = classes[1](variant).max_expansion_coverage()
        totals.append(len(universe))
        stray = sorted(set(keys) - universe)
        if stray:  # the mapping is wrong: say so rather than count something else
            ctx.fb_error = f"alternatives not found among the converted expansions: {stray[:3]}"
    ctx.fb_total, ctx.fb_tokens_total = totals
    return ctx


def warm_up(ctx: Context) -> None:
    """Build whatever is built lazily on first use, before the workers fork and the clock runs."""
    for guided in (True, False):
        run(ctx.sampler, 3, seed=12345, guided=guided, k=())
    classes = _fuzzingbook()
    if not isinstance(classes, str) and not ctx.fb_error:
        state = random.getstate()
        random.seed(12345)
        for grammar in (ctx.fb_grammar, ctx.fb_tokens_grammar):
            # the plain fuzzer only: GrammarCoverageFuzzer can take seconds for one text
            classes[1](grammar).fuzz()
        random.setstate(state)


def fixed_tokens(fb_grammar: dict[str, list[str]]) -> dict[str, list[str]]:
    """The converted grammar with each terminal ``<T-...>`` reduced to fixed texts.

    Each expansion of a terminal (one per top-level alternative of its regex, e.g. each
    string of ``"a" | "b"``) becomes one text drawn from it once, so the character and
    regex helpers drop out and GrammarCoverageFuzzer's own notion of coverage is the
    grammar's structure: rules, groups, optionals, repetitions and terminal alternatives.
    """
    fuzzer_cls: Any = importlib.import_module("fuzzingbook.GrammarFuzzer").GrammarFuzzer
    state = random.getstate()
    random.seed(0)
    out = dict(fb_grammar)
    try:
        for name, expansions in fb_grammar.items():
            if not name.startswith("<T-"):
                continue
            texts = []
            for e in expansions:
                one = {**fb_grammar, "<fixed-token>": [e]}
                text = fuzzer_cls(one, start_symbol="<fixed-token>", max_nonterminals=0).fuzz()
                texts.append(str(text).replace("<", "<lt>"))
            out[name] = texts
    finally:
        random.setstate(state)
    if any("<lt>" in e for v in out.values() for e in v):
        out["<lt>"] = ["<"]
    nonterminals: Any = importlib.import_module("fuzzingbook.Grammars").nonterminals
    seen = {"<start>"}
    todo = ["<start>"]
    while todo:
        for e in out[todo.pop()]:
            for n in nonterminals(e):
                if n not in seen:
                    seen.add(n)
                    todo.append(n)
    return {k: v for k, v in out.items() if k in seen}


# ---------------------------------------------------------------------------------------------
# One seed


@dataclass
class Trial:
    grammar: str
    system: str
    seed: int
    samples: int  # samples drawn: to full coverage, or until a cap stopped the seed
    capped: str  # "" (full coverage), "samples" or "time"
    wall: float
    cpu: float
    chars: int  # characters of all the samples drawn
    missing: list[str] = field(default_factory=list)  # uncovered alternatives at a cap
    # gramgen only: run(..., stop_when_full=True) itself, and the check of the count
    run_samples: int | None = None
    run_full: bool | None = None
    run_missing: list[str] = field(default_factory=list)
    check: str = ""

    @property
    def full(self) -> bool:
        return not self.capped


@dataclass(frozen=True)
class Task:
    grammar: str
    system: str
    seed: int
    cap: int
    time_cap: float
    fb_max_nonterminals: int


def gramgen_trial(ctx: Context, task: Task) -> Trial:
    guided = task.system == GUIDED
    sampler = ctx.sampler
    seed = task.seed
    # the target, worked out once per grammar as for fuzzingbook (``want`` below)
    todo = set(ctx.alternatives)
    w0 = time.perf_counter()
    c0 = time.process_time()
    # The loop of gramgen.coverage.run, stopping at full *alternative* coverage.
    cov = Coverage(sampler, k=())
    chooser = CoverageChooser(cov, random.Random(seed)) if guided else None
    drawn = chars = 0
    capped = "samples"
    for i in range(task.cap):
        if chooser is not None:
            smp = sampler.from_chooser(chooser, index=i, seed=seed)
        else:
            smp = sampler.item(seed, i)
        drawn = i + 1
        if smp is not None:
            chars += len(smp.text)
            todo.difference_update(cov.add(smp.derivation))
            if chooser is not None:
                chooser.refresh()
        if not todo:
            capped = ""
            break
        if time.process_time() - c0 > task.time_cap:
            capped = "time"
            break
    wall = time.perf_counter() - w0
    cpu = time.process_time() - c0
    trial = Trial(
        ctx.name,
        task.system,
        seed,
        drawn,
        capped,
        wall,
        cpu,
        chars,
        missing=[cov.describe(i) for i in sorted(todo, key=str)],
    )
    # run() itself, to stop_when_full (alternatives, optionals and repetition classes)
    full = run(sampler, task.cap, seed=seed, guided=guided, stop_when_full=True, k=())
    trial.run_samples = full.derivations
    trial.run_full = full.complete()
    trial.run_missing = [full.describe(i) for i in full.missing()]
    # the count above is run()'s: complete with that many samples, not with one fewer
    if not capped:
        if not run(sampler, drawn, seed=seed, guided=guided, k=()).complete(("alt",)):
            trial.check = f"run(n={drawn}) is not complete"
        elif drawn > 1 and run(sampler, drawn - 1, seed=seed, guided=guided, k=()).complete(
            ("alt",)
        ):
            trial.check = f"run(n={drawn - 1}) is already complete"
    return trial


def fuzzingbook_trial(ctx: Context, task: Task) -> Trial:
    classes = _fuzzingbook()
    assert not isinstance(classes, str)
    cls = classes[1] if task.system == FB_RANDOM else classes[0]
    grammar = ctx.fb_tokens_grammar if task.system == FB_TOKENS else ctx.fb_grammar
    want = set(ctx.fb_keys)
    w0 = time.perf_counter()
    c0 = time.process_time()
    # fuzzingbook draws from the global random module; seeding it is timed, as gramgen's
    # random.Random(seed) is
    random.seed(task.seed)
    fuzzer = cls(grammar, max_nonterminals=task.fb_max_nonterminals)
    drawn = chars = 0
    capped = "samples"
    for i in range(task.cap):
        chars += len(fuzzer.fuzz())
        drawn = i + 1
        if want <= fuzzer.expansion_coverage():
            capped = ""
            break
        if time.process_time() - c0 > task.time_cap:
            capped = "time"
            break
    wall = time.perf_counter() - w0
    cpu = time.process_time() - c0
    left = want - fuzzer.expansion_coverage()
    missing = sorted(ctx.described[item] for k in left for item in ctx.fb_keys[k])
    return Trial(ctx.name, task.system, task.seed, drawn, capped, wall, cpu, chars, missing=missing)


def do_task(task: Task) -> Trial:
    ctx = _CONTEXTS[task.grammar]
    if task.system in (GUIDED, RANDOM):
        return gramgen_trial(ctx, task)
    return fuzzingbook_trial(ctx, task)


# ---------------------------------------------------------------------------------------------
# Statistics over seeds


def _rank(values: Sequence[float], q: float) -> int:
    """Index of the nearest-rank ``q`` quantile in ``values`` (sorted)."""
    return max(0, math.ceil(q * len(values)) - 1)


def quantile(trials: Sequence[Trial], q: float, attr: str) -> tuple[float, bool]:
    """The ``q`` quantile of ``attr`` with capped seeds ranked last: (value, exact).

    When the quantile falls on a capped seed it is not known; the value returned is then
    a lower bound (the least that any capped seed reached), and ``exact`` is False.
    """
    ranked = sorted(getattr(t, attr) if t.full else math.inf for t in trials)
    v = ranked[_rank(ranked, q)]
    if math.isfinite(v):
        return float(v), True
    return float(min(getattr(t, attr) for t in trials if not t.full)), False


@dataclass
class Row:
    grammar: str
    system: str
    trials: list[Trial]
    unavailable: str | None = None

    def stat(self, q: float, attr: str = "samples") -> tuple[float, bool]:
        return quantile(self.trials, q, attr)

    @property
    def capped(self) -> Counter[str]:
        return Counter(t.capped for t in self.trials if t.capped)

    @property
    def rate(self) -> float:
        wall = sum(t.wall for t in self.trials)
        return sum(t.samples for t in self.trials) / wall if wall > 0 else 0.0

    @property
    def mean_chars(self) -> float:
        n = sum(t.samples for t in self.trials)
        return sum(t.chars for t in self.trials) / n if n else 0.0

    @property
    def cpu_share(self) -> float:
        wall = sum(t.wall for t in self.trials)
        return sum(t.cpu for t in self.trials) / wall if wall > 0 else 0.0


def _num(v: float, exact: bool = True) -> str:
    return ("" if exact else ">") + f"{v:,.0f}"


def _ms(v: float, exact: bool = True) -> str:
    s = f"{v * 1e3:,.0f} ms" if v >= 0.1 else f"{v * 1e3:.2g} ms"
    return ("" if exact else ">") + s


def _ratio(r: float) -> str:
    return f"{r:,.0f}x" if r >= 10 else f"{r:.2g}x"


HEADERS = (
    "grammar",
    "system",
    "seeds",
    "capped",
    "median",
    "p90",
    "max",
    "median wall",
    "p90 wall",
    "median cpu",
    "samples/s",
    "mean chars",
    "cpu/wall",
    "run() to full alt+opt+rep: median",
)


def table_rows(rows: Sequence[Row]) -> list[list[str]]:
    out = []
    for r in rows:
        if r.unavailable is not None:
            out.append([r.grammar, r.system, f"unavailable: {r.unavailable}"])
            continue
        capped = sum(r.capped.values())
        why = "/".join(sorted(r.capped))
        finished = [t.samples for t in r.trials if t.full]
        run_col = "—"
        if r.system in (GUIDED, RANDOM):
            ranked = sorted(
                t.run_samples if t.run_full and t.run_samples is not None else math.inf
                for t in r.trials
            )
            med = ranked[_rank(ranked, 0.5)]
            not_full = sum(1 for t in r.trials if not t.run_full)
            run_col = f"{med:,.0f}" if math.isfinite(med) else "capped"
            if not_full:
                run_col += f" ({not_full} capped)"
        out.append(
            [
                r.grammar,
                r.system,
                str(len(r.trials)),
                f"{capped} ({why})" if capped else "0",
                _num(*r.stat(0.5)),
                _num(*r.stat(0.9)),
                f"{max(finished):,}" if finished else "—",
                _ms(*r.stat(0.5, "wall")),
                _ms(*r.stat(0.9, "wall")),
                _ms(*r.stat(0.5, "cpu")),
                f"{r.rate:,.0f}",
                f"{r.mean_chars:,.0f}",
                f"{100 * r.cpu_share:.0f}%",
                run_col,
            ]
        )
    return out


def compare(g: str, ours: Row, peer: Row) -> str:
    """gramgen guided against one GrammarCoverageFuzzer row, with the two targets."""
    om, omx = ours.stat(0.5)
    o9, o9x = ours.stat(0.9)
    pm, pmx = peer.stat(0.5)
    p9, p9x = peer.stat(0.9)
    # A peer quantile that fell on a capped seed is a lower bound: "no more samples"
    # still holds when ours is exact and not above that bound.
    fewer = omx and o9x and om <= pm and o9 <= p9
    ow, owx = ours.stat(0.5, "wall")
    pw, pwx = peer.stat(0.5, "wall")
    oc, ocx = ours.stat(0.5, "cpu")
    pc, pcx = peer.stat(0.5, "cpu")
    bound = "" if pwx else "> "  # the peer's median time is a lower bound
    cpu_bound = "" if pcx else "> "
    speed = pw / ow if ow > 0 else math.inf
    cpu_speed = pc / oc if oc > 0 else math.inf
    # The speed target is judged on CPU time: on a busy machine a run of milliseconds is
    # descheduled far more often than one of a tenth of one, which flatters the wall ratio.
    fast = ocx and cpu_speed >= TARGET_SPEEDUP
    share = f"{'' if pmx else '< '}{om / pm:.2g}x" if pm > 0 and omx else "—"
    return (
        f"{g}, vs {peer.system}: samples median {_num(om, omx)} / p90 {_num(o9, o9x)} vs "
        f"{_num(pm, pmx)} / {_num(p9, p9x)} (guided/peer median {share}), no more samples "
        f"{'met' if fewer else 'NOT met'}; median CPU time {_ms(oc, ocx)} vs {_ms(pc, pcx)}, "
        f"{cpu_bound}{_ratio(cpu_speed)} faster (wall time {_ms(ow, owx)} vs {_ms(pw, pwx)}, "
        f"{bound}{_ratio(speed)}), {TARGET_SPEEDUP}x {'met' if fast else 'NOT met'} (CPU time)"
    )


def comparisons(rows: Sequence[Row]) -> list[str]:
    """gramgen guided against GrammarCoverageFuzzer (and its fixed-token variant), per grammar."""
    by = {(r.grammar, r.system): r for r in rows if r.unavailable is None and r.trials}
    out = []
    for g in dict.fromkeys(r.grammar for r in rows):
        ours = by.get((g, GUIDED))
        for system in (FB_COVERAGE, FB_TOKENS):
            peer = by.get((g, system))
            if ours is not None and peer is not None:
                out.append(compare(g, ours, peer))
    return out


def problems(rows: Sequence[Row]) -> list[str]:
    """Seeds where gramgen stopped at a cap, with what stayed uncovered; failed checks."""
    out = []
    for r in rows:
        if r.unavailable is not None:
            continue
        capped = [t for t in r.trials if t.capped]
        if capped:
            miss = Counter(m for t in capped for m in t.missing)
            seeds = ", ".join(str(t.seed) for t in capped)
            top = ", ".join(f"{m} ({n})" for m, n in miss.most_common(12))
            more = f" and {len(miss) - 12} more" if len(miss) > 12 else ""
            out.append(
                f"{r.grammar}, {r.system}: {len(capped)} of {len(r.trials)} seeds stopped at a "
                f"cap (seeds {seeds}); alternatives left uncovered (seeds): {top}{more}"
            )
        if r.system in (GUIDED, RANDOM):
            short = [t for t in r.trials if not t.run_full]
            if short:
                miss = Counter(m for t in short for m in t.run_missing)
                top = ", ".join(f"{m} ({n})" for m, n in miss.most_common(12))
                out.append(
                    f"{r.grammar}, {r.system}: run(stop_when_full=True) not complete after the "
                    f"cap in {len(short)} of {len(r.trials)} seeds; missing (seeds): {top}"
                )
            bad = [t for t in r.trials if t.check]
            for t in bad:
                out.append(f"{r.grammar}, {r.system}, seed {t.seed}: count check: {t.check}")
    return out


# ---------------------------------------------------------------------------------------------
# Output


@dataclass
class Settings:
    seeds: int
    cap: int
    time_cap: float
    jobs: int
    fb_max_nonterminals: int
    load_before: str = ""
    load_after: str = ""
    started: str = ""
    elapsed: float = 0.0

    def lines(self, contexts: Iterable[Context]) -> list[str]:
        out = [
            f"seeds 0..{self.seeds - 1} for every system and grammar; a seed stops at full "
            f"alternative coverage, at --cap {self.cap:,} samples or after --time-cap "
            f"{self.time_cap:g} s of CPU time, whichever comes first; {self.jobs} worker "
            f"process(es), one seed at a time each; whole run {self.elapsed:.0f} s",
            "median and p90: nearest rank over the seeds, a capped seed ranked after every "
            "finished one; a '>' value fell on a capped seed and is a lower bound (the least "
            "any capped seed reached); max: over finished seeds",
            "samples: draws (gramgen: run()'s n, including any item that could not re-parse; "
            "fuzzingbook: fuzz() calls); time: per seed, from seeding the random generator "
            "(gramgen: random.Random(seed); fuzzingbook: random.seed(seed)) and building the "
            "Coverage and chooser, or the fuzzer, to full coverage, by wall clock and by the "
            "process's CPU time; outside the clock for both, worked out once per grammar: the "
            "compiled grammar, its conversion, the set of alternatives to cover, and what "
            "gramgen keeps per sampler (coverage tables, the parse and lexer tables the round "
            "trip is checked with); the 100x target is judged on CPU time (on a busy machine "
            "the wall clock flatters the shorter runs)",
            "gramgen guided: CoverageChooser(Coverage(sampler, k=()), random.Random(seed)), "
            "sampler.from_chooser(chooser, index=i, seed=seed) and chooser.refresh() after each "
            "sample, as run(guided=True) does; gramgen random: sampler.item(seed, i) as "
            "run(guided=False); Sampler(grammar) defaults (roundtrip=True: every text checked "
            "to parse with the grammar's own Lark parser, max_size and damping automatic)",
            "gramgen counts: checked against run(sampler, n, seed=seed, guided=..., k=()) "
            "(complete with n samples, not with n - 1); run() to full alt+opt+rep: "
            "cov.derivations of "
            "run(..., stop_when_full=True, k=()) with n = --cap",
            f"fuzzingbook: GrammarCoverageFuzzer(grammar, max_nonterminals="
            f"{self.fb_max_nonterminals}) and TrackingGrammarCoverageFuzzer (GrammarFuzzer's "
            "choices plus coverage tracking) with the same setting, min_nonterminals=0; "
            "random.seed(seed) for each seed; grammar from bench_engine.to_fuzzingbook() "
            "(uniform choices, the grammar's separator between every two items); coverage from "
            "fuzzer.expansion_coverage(), counted over the expansions that are our alternatives",
            "GrammarCoverageFuzzer steers toward every expansion of the converted grammar "
            "(its own notion, including the conversion's helpers: every character of every "
            "character class), not just the counted ones; 'fixed tokens': the same fuzzer on "
            "the converted grammar with each terminal's expansions replaced by one text drawn "
            "from each (fixed_tokens()), so that only the grammar's structure is left to cover",
        ]
        for c in contexts:
            if c.fb_dropped:
                out.append(
                    f"fuzzingbook, {c.name}: the conversion dropped {', '.join(c.fb_dropped)}"
                )
            if c.fb_error:
                out.append(f"fuzzingbook, {c.name}: {c.fb_error}")
        return out


def grammar_lines(contexts: Sequence[Context]) -> list[list[str]]:
    rows = []
    for c in contexts:
        dup = sum(len(v) - 1 for v in c.fb_keys.values())
        rows.append(
            [
                c.name,
                c.source,
                str(len(c.alternatives)),
                str(len(c.fb_keys)) + (f" ({dup} duplicate)" if dup else ""),
                f"{c.fb_total:,}" if c.fb_total else "—",
                f"{c.fb_tokens_total:,}" if c.fb_tokens_total else "—",
                str(c.fb_nonterminals),
            ]
        )
    return rows


GRAMMAR_HEADERS = (
    "grammar",
    "source",
    "alternatives (ours)",
    "fuzzingbook expansions counted",
    "fuzzingbook expansions, all (max_expansion_coverage)",
    "the same, fixed tokens",
    "fuzzingbook nonterminals",
)


def machine_line(settings: Settings) -> str:
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return (
        f"{cpu} ({os.cpu_count()} logical cores, {settings.jobs} used), "
        f"{platform.python_implementation()} {platform.python_version()}, "
        f"{platform.system()}; lark {lark.__version__}, gramgen {_version('gramgen')}, "
        f"fuzzingbook {_version('fuzzingbook')}; load average {settings.load_before} before, "
        f"{settings.load_after} after the run"
    )


def _text_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """Rows shorter than the headers (a system that is unavailable) end in one free cell."""
    widths = [
        max([len(h)] + [len(r[i]) for r in rows if len(r) == len(headers) or i < 2])
        for i, h in enumerate(headers)
    ]

    def fmt(cells: Sequence[str]) -> str:
        parts = [
            c.ljust(w) if i < 2 else c.rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=False))
        ]
        if len(cells) < len(headers):
            parts[-1] = cells[-1]
        return "  ".join(parts).rstrip()

    return [fmt(headers), *(fmt(r) for r in rows)]


def _md_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    out = ["| " + " | ".join(headers) + " |"]
    out.append("|" + "|".join(["---", "---"] + ["---:"] * (len(headers) - 2)) + "|")
    for r in rows:
        cells = [*r, *[""] * (len(headers) - len(r))]
        out.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return out


def render_text(rows: Sequence[Row], contexts: Sequence[Context], settings: Settings) -> str:
    lines = ["samples to full alternative coverage", ""]
    lines += _text_table(GRAMMAR_HEADERS, grammar_lines(contexts))
    lines.append("")
    lines += _text_table(HEADERS, table_rows(rows))
    lines += ["", "gramgen guided vs fuzzingbook GrammarCoverageFuzzer (targets):"]
    lines += [f"  {c}" for c in comparisons(rows)]
    lines.append(f"  for reference, {FB_PUBLISHED}")
    found = problems(rows)
    lines += ["", "seeds stopped at a cap, and checks:"]
    lines += [f"  {p}" for p in found] or ["  none"]
    lines += ["", f"machine: {machine_line(settings)}", "", "settings:"]
    lines += [f"  {s}" for s in settings.lines(contexts)]
    return "\n".join(lines)


def render_markdown(rows: Sequence[Row], contexts: Sequence[Context], settings: Settings) -> str:
    out = [
        f"## Coverage (`python benchmarks/bench_coverage.py --markdown ...`, {settings.started})",
        "",
        "Samples until every alternative of the grammar is covered, and the time that takes, "
        f"over {settings.seeds} seeds per system and grammar.",
        "",
        f"Machine: {machine_line(settings)}.",
        "",
    ]
    out += _md_table(GRAMMAR_HEADERS, grammar_lines(contexts))
    out.append("")
    out += _md_table(HEADERS, table_rows(rows))
    out += ["", "### Targets", ""]
    out += [f"- {c}" for c in comparisons(rows)]
    out.append(f"- for reference, {FB_PUBLISHED}")
    found = problems(rows)
    out += ["", "### Seeds stopped at a cap", ""]
    out += [f"- {p}" for p in found] or ["- none"]
    out += ["", "### Settings", ""]
    out += [f"- {s}" for s in settings.lines(contexts)]
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------------------------
# Main


def _cost(task: Task) -> int:
    """Rough order of a task's cost, so that the slowest start first."""
    return {FB_COVERAGE: 3, FB_TOKENS: 3, FB_RANDOM: 2}.get(task.system, 0) * 10 + {
        "lark": 3,
        "json": 2,
    }.get(task.grammar, 1)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--seeds", type=int, default=20, help="seeds per system and grammar")
    ap.add_argument("--cap", type=int, default=5000, help="samples per seed at most")
    ap.add_argument("--time-cap", type=float, default=5.0, help="wall seconds per seed at most")
    ap.add_argument(
        "--jobs", type=int, default=1, help="worker processes (more finish sooner, time worse)"
    )
    ap.add_argument("--grammars", default=",".join(GRAMMARS), help="comma-separated subset")
    ap.add_argument(
        "--systems",
        default=",".join(SHORT),
        help=f"comma-separated subset of {', '.join(SHORT)}",
    )
    ap.add_argument("--fuzzingbook-max-nonterminals", type=int, default=10)
    ap.add_argument("--markdown", metavar="PATH", help="also write a Markdown section")
    args = ap.parse_args(argv)
    if args.seeds < 1 or args.cap < 1 or args.jobs < 1 or args.time_cap <= 0:
        ap.error("--seeds, --cap, --jobs and --time-cap must be positive")
    systems = [s.strip() for s in args.systems.split(",") if s.strip()]
    unknown = set(systems) - set(SHORT)
    if unknown:
        ap.error(f"unknown systems {sorted(unknown)} (choose from {', '.join(SHORT)})")
    grammars = [g.strip() for g in args.grammars.split(",") if g.strip()]
    settings = Settings(
        seeds=args.seeds,
        cap=args.cap,
        time_cap=args.time_cap,
        jobs=args.jobs,
        fb_max_nonterminals=args.fuzzingbook_max_nonterminals,
        started=datetime.date.today().isoformat(),
    )
    t0 = time.perf_counter()
    settings.load_before = loadavg()
    for g in grammars:
        _CONTEXTS[g] = build_context(g)
        warm_up(_CONTEXTS[g])
    contexts = [_CONTEXTS[g] for g in grammars]

    rows: list[Row] = []
    tasks: list[Task] = []
    for g in grammars:
        ctx = _CONTEXTS[g]
        for short in systems:
            system = SHORT[short]
            row = Row(g, system, [])
            if system in FUZZINGBOOK and ctx.fb_error:
                row.unavailable = ctx.fb_error
            else:
                tasks += [
                    Task(g, system, seed, args.cap, args.time_cap, settings.fb_max_nonterminals)
                    for seed in range(args.seeds)
                ]
            rows.append(row)
    tasks.sort(key=_cost, reverse=True)
    by = {(r.grammar, r.system): r for r in rows}
    done: Counter[tuple[str, str]] = Counter()

    def collect(trial: Trial) -> None:
        key = (trial.grammar, trial.system)
        by[key].trials.append(trial)
        done[key] += 1
        if done[key] == args.seeds:
            print(f"[{trial.grammar}] {trial.system}: done", file=sys.stderr, flush=True)

    if args.jobs == 1 or "fork" not in multiprocessing.get_all_start_methods():
        for task in tasks:
            collect(do_task(task))
    else:
        ex: Executor = ProcessPoolExecutor(
            max_workers=args.jobs, mp_context=multiprocessing.get_context("fork")
        )
        with ex:
            futures: list[Future[Trial]] = [ex.submit(do_task, t) for t in tasks]
            for f in futures:
                collect(f.result())
    for r in rows:
        r.trials.sort(key=lambda t: t.seed)
    settings.load_after = loadavg()
    settings.elapsed = time.perf_counter() - t0

    print(render_text(rows, contexts, settings))
    if args.markdown:
        write_markdown(render_markdown(rows, contexts, settings), args.markdown)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
