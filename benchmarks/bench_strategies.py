"""Speed, discards and shrinking of ``gramgen.strategies.from_grammar`` against Hypothesis's
own ``hypothesis.extra.lark.from_lark``, on the same grammars.

For each grammar (the bundled ``arith`` and ``json``, and lark's own ``lark.lark``, all with
the LALR parser) and each system, one ``@given`` test with
``settings(max_examples=N, database=None, deadline=None)`` and the default health checks is
run and timed:

* ``gramgen from_grammar``: the strategy as shipped (Hypothesis's ``draw_integer`` and
  subtree spans);
* ``gramgen public draw``: the same strategy drawing each integer through the public
  ``draw`` of ``st.composite`` (``HypothesisChooser(..., fast=False)``);
* ``hypothesis from_lark``: ``from_lark(lark.Lark(<same text>, parser="lalr"))`` with the
  characters of regex terminals drawn from printable ASCII plus tab, newline and return.

Columns: examples/s (calls of the test body per CPU second of this process, so that other
load on a shared machine does not count; the wall-clock rate is shown too; gramgen rows are
the fastest of ``--repeat`` runs), mean text length,
discarded test cases (Hypothesis's invalid + overrun in the generate phase: filters,
``assume``, depth limits, size overruns), gramgen's round-trip re-derivations (texts that did
not re-parse and were derived again from further draws), the share of texts that re-parse with
the grammar's own parser, and any health-check failure. Then the shrinking check: ``find`` of
the smallest text with a ``*`` (arith), ``[`` and ``{`` (json) or ``->`` (lark), over a few
seeds, with the texts found and the time taken.

Run::

    python benchmarks/bench_strategies.py                     # 2000 examples per gramgen run
    python benchmarks/bench_strategies.py --grammars arith --from-lark-examples 100

``from_lark`` is slow (a few examples per second on ``arith``), so it runs
``--from-lark-examples`` examples (default 100, Hypothesis's default ``max_examples``).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import lark
from hypothesis import find, given, settings
from hypothesis import strategies as st
from hypothesis.errors import FailedHealthCheck, NoSuchExample
from hypothesis.statistics import collector as _collector

from gramgen import Grammar, Sampler
from gramgen.strategies import _Config, _texts, from_grammar

TARGET = 1_000  # examples/s wanted from from_grammar on arith

LARK_GRAMMAR = os.path.join(os.path.dirname(lark.__file__), "grammars", "lark.lark")
GRAMMARS: dict[str, tuple[str, Callable[[str], bool], str]] = {
    # name: (path or bundled name, shrink predicate, its description)
    "arith": ("arith", lambda t: "*" in t, "contains '*'"),
    "json": ("json", lambda t: "[" in t and "{" in t, "contains '[' and '{'"),
    "lark": (LARK_GRAMMAR, lambda t: "->" in t, "contains '->'"),
}


@dataclass
class Row:
    grammar: str
    system: str
    examples: int = 0
    cpu: float = 0.0
    wall: float = 0.0
    chars: int = 0
    discarded: int = 0
    cases: int = 0
    rederived: int | None = None
    reparsed: int = 0
    checked: int = 0
    error: str = ""

    def line(self) -> str:
        if self.error and not self.examples:
            return f"{self.grammar:<6} {self.system:<22} {self.error}"
        rate = self.examples / self.cpu if self.cpu else 0.0
        wall = self.examples / self.wall if self.wall else 0.0
        mean = self.chars / self.examples if self.examples else 0.0
        disc = f"{self.discarded} ({100.0 * self.discarded / max(self.cases, 1):.0f}%)"
        red = "—" if self.rederived is None else str(self.rederived)
        ok = f"{100.0 * self.reparsed / max(self.checked, 1):.0f}%"
        return (
            f"{self.grammar:<6} {self.system:<22} {rate:>9,.0f} {wall:>9,.0f} {mean:>7.1f} "
            f"{disc:>12} {red:>9} {ok:>8}  {self.error}"
        )


HEADER = (
    f"{'gram.':<6} {'system':<22} {'ex/s cpu':>9} {'ex/s wall':>9} {'chars':>7} "
    f"{'discarded':>12} {'re-derived':>9} {'re-parse':>8}"
)


def run_given(row: Row, strategy: Any, n: int, parse: Callable[[str], object]) -> None:
    texts: list[str] = []
    stats: dict[str, Any] = {}

    @settings(max_examples=n, database=None, deadline=None)
    @given(strategy)
    def test(text: str) -> None:
        texts.append(text)

    collector: Any = _collector
    c0, w0 = time.process_time(), time.perf_counter()
    try:
        with collector.with_value(stats.update):
            test()
    except FailedHealthCheck as err:
        row.error = "health check failed: " + str(err).strip().splitlines()[0][:80]
    row.cpu, row.wall = time.process_time() - c0, time.perf_counter() - w0
    row.examples = len(texts)
    row.chars = sum(map(len, texts))
    cases = stats.get("generate-phase", {}).get("test-cases", [])
    row.cases = len(cases)
    row.discarded = sum(c["status"] in ("invalid", "overrun") for c in cases)
    sample = texts[:300]
    row.checked = len(sample)
    for t in sample:
        try:
            parse(t)
            row.reparsed += 1
        except lark.exceptions.LarkError:
            pass


def shrink(strategy: Any, predicate: Callable[[str], bool], seeds: int) -> tuple[list[str], float]:
    found: list[str] = []
    t0 = time.perf_counter()
    for seed in range(seeds):
        try:
            found.append(
                find(
                    strategy,
                    predicate,
                    settings=settings(database=None, max_examples=1000),
                    random=random.Random(seed),
                )
            )
        except NoSuchExample:
            found.append("<none found>")
        except FailedHealthCheck:
            found.append("<health check failed>")
    return found, (time.perf_counter() - t0) / max(seeds, 1)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--grammars", default="arith,json,lark", help="comma-separated subset")
    ap.add_argument("--examples", type=int, default=2000, help="max_examples of gramgen runs")
    ap.add_argument("--from-lark-examples", type=int, default=100)
    ap.add_argument("--shrink-seeds", type=int, default=5)
    ap.add_argument(
        "--repeat", type=int, default=3, help="runs of each gramgen row; the fastest is shown"
    )
    ap.add_argument("--no-from-lark", action="store_true", help="skip hypothesis from_lark")
    args = ap.parse_args(argv)

    from hypothesis.extra.lark import from_lark

    alphabet = st.characters(codec="ascii", exclude_categories=["Cc"], include_characters="\t\n\r")
    rows: list[Row] = []
    shrinks: list[str] = []
    for name in args.grammars.split(","):
        source, predicate, what = GRAMMARS[name]
        grammar = Grammar.open(source, parser="lalr")
        parser = lark.Lark(grammar.text, parser="lalr", start=grammar.starts)
        sampler = Sampler(grammar)
        systems: list[tuple[str, Any, int]] = [
            ("gramgen from_grammar", from_grammar(sampler), args.examples),
            ("gramgen public draw", _texts(_Config(sampler, False, fast=False)), args.examples),
        ]
        if not args.no_from_lark:
            lark_strategy = from_lark(parser, alphabet=alphabet)
            systems.append(("hypothesis from_lark", lark_strategy, args.from_lark_examples))
        for system, strategy, n in systems:
            best: Row | None = None
            for _ in range(args.repeat if system.startswith("gramgen") else 1):
                row = Row(name, system)
                before = (sampler.stats.derivations, sampler.stats.emitted)
                run_given(row, strategy, n, parser.parse)
                if system.startswith("gramgen"):
                    d = sampler.stats.derivations - before[0]
                    e = sampler.stats.emitted - before[1]
                    row.rederived = d - e
                if best is None or row.examples / row.cpu > best.examples / best.cpu:
                    best = row
            assert best is not None
            row = best
            rows.append(row)
            print(row.line() if len(rows) > 1 else HEADER + "\n" + row.line(), flush=True)
            if system != "gramgen public draw":
                found, secs = shrink(strategy, predicate, args.shrink_seeds)
                lengths = [len(t) for t in found]
                common = Counter(found).most_common(3)
                shrinks.append(
                    f"{name:<6} {system:<22} {what:<22} {secs:6.2f} s/find  "
                    f"median length {statistics.median(lengths):g}  "
                    + ", ".join(f"{t!r} x{k}" for t, k in common)
                )
    print()
    print(HEADER)
    for row in rows:
        print(row.line())
    print()
    print("shrinking (find, one per seed):")
    for line in shrinks:
        print(line)
    print()
    print(
        f"machine: {os.cpu_count()} cpus, load average {os.getloadavg()[0]:.2f}; "
        f"python {sys.version.split()[0]}; lark {lark.__version__}; "
        f"hypothesis {__import__('hypothesis').__version__}"
    )
    for row in rows:
        if row.grammar == "arith" and row.system == "gramgen from_grammar":
            rate = row.examples / row.cpu if row.cpu else 0.0
            verdict = "met" if rate >= TARGET else "NOT met"
            print(f"target: arith from_grammar >= {TARGET:,} examples/s: {rate:,.0f}, {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
