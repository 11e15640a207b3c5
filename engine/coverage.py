"""Coverage over the productions the author wrote, and a chooser that steers by it.

What is counted, per derivation and over a run:

* ``alt``: each alternative of each rule and group (keyed to its source line and column);
* ``opt``: each optional, taken and skipped;
* ``rep``: each repetition by count class (0, 1, many), as far as its bounds allow;
* ``term``: each terminal, and each string of a terminal written as ``"a" | "b" | ...``;
* ``kpath``: chains of ``k`` nested rules and terminals (k = 2 and 3 by default).

Items that cannot be reached from the start rule are listed as unreachable, not missing.

>>> from gramgen import Grammar, Sampler
>>> s = Sampler(Grammar.from_string('start: "a" | "b" | "c"', parser="lalr"))
>>> cov = Coverage(s)
>>> for smp in s.sample(30, seed=1): cov.add(smp.derivation)
>>> cov.summary()["alt"]
(3, 3)
"""

from __future__ import annotations

import json
import random
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .derive import Derivation, Engine, RandomChooser
from .errors import InvalidArgument
from .grammar import Grammar, Kind
from .sample import Sampler

__all__ = ["Coverage", "CoverageChooser", "Entry", "Item", "corpus", "read_corpus", "run"]

Item = tuple[object, ...]  # ("alt", sym, index) | ("opt", sym, taken) | ("rep", sym, cls) | ...

KINDS = ("alt", "opt", "rep", "term", "kpath")
_WANDER = 0.5  # how often the guided chooser makes an ordinary weighted choice instead


def _rep_classes(lo: int, hi: int) -> list[str]:
    classes = []
    if lo == 0:
        classes.append("0")
    if lo <= 1 and (hi < 0 or hi >= 1):
        classes.append("1")
    if hi < 0 or hi >= 2:
        classes.append("many")
    return classes


def _rep_class(count: int) -> str:
    return "0" if count == 0 else "1" if count == 1 else "many"


@dataclass(frozen=True, slots=True)
class Entry:
    """One coverage item with where it stands in the source and how often it was hit."""

    kind: str
    key: str
    file: str | None
    line: int | None
    column: int | None
    hits: int
    reachable: bool


class Coverage:
    """Accumulates coverage of a grammar's productions from derivations."""

    def __init__(self, sampler: Sampler, *, k: Sequence[int] = (2, 3)) -> None:
        self.sampler = sampler
        self.grammar: Grammar = sampler.grammar
        self.engine: Engine = sampler.engine
        self.k = tuple(sorted(set(k)))
        self.hits: Counter[Item] = Counter()
        self.derivations = 0
        self._universe, self._unreachable = self._items()
        self.alt_pairs = self._pairs() if 2 in self.k else {}

    # -- the universe of items -------------------------------------------------------------

    def _named(self, sym: int) -> bool:
        s = self.grammar.symbols[sym]
        return s.kind is Kind.TERM or (s.kind is Kind.RULE and not s.is_group)

    def _named_children(self, sym: int) -> set[int]:
        """Named symbols directly below ``sym``, looking through groups, optionals, repetitions."""
        out: set[int] = set()
        seen: set[int] = set()
        stack = list(self.sampler.analysis.children(sym))
        while stack:
            c = stack.pop()
            if c in seen:
                continue
            seen.add(c)
            if self._named(c):
                out.add(c)
            else:
                stack.extend(self.sampler.analysis.children(c))
        return out

    def _items(self) -> tuple[list[Item], list[Item]]:
        g = self.grammar
        a = self.sampler.analysis
        reach = a.reachable_from(self.sampler.start)
        productive = a.productive
        items: list[Item] = []
        unreachable: list[Item] = []
        for s in g.symbols:
            bucket = items if reach[s.id] and productive[s.id] else unreachable
            if s.kind is Kind.RULE:
                for alt, extra in zip(s.alts, a.alt_extra[s.id], strict=True):
                    ok = reach[s.id] and extra < (1 << 60)
                    (items if ok else unreachable).append(("alt", s.id, alt.index))
            elif s.kind is Kind.OPT:
                bucket.append(("opt", s.id, 0))
                if productive[s.inner]:
                    bucket.append(("opt", s.id, 1))
            elif s.kind is Kind.REP:
                for cls in _rep_classes(s.lo, s.hi):
                    bucket.append(("rep", s.id, cls))
            else:
                bucket.append(("term", s.id))
                gen = self.engine.terminals.get(s.id)
                if gen is not None and gen.literals:
                    for lit in gen.literals:
                        bucket.append(("lit", s.id, lit))
        named = [s.id for s in g.symbols if self._named(s.id) and reach[s.id]]
        children = {sid: self._named_children(sid) for sid in named}
        for k in self.k:
            paths: list[tuple[int, ...]] = [(sid,) for sid in named]
            for _ in range(k - 1):
                paths = [(*p, c) for p in paths for c in sorted(children.get(p[-1], ()))]
            items.extend(("kpath", k, p) for p in paths)
        return items, unreachable

    def _pairs(self) -> dict[tuple[int, int], list[Item]]:
        """The 2-paths an alternative exercises: (its rule, a named symbol it holds)."""
        g = self.grammar
        syms = g.symbols
        out: dict[tuple[int, int], list[Item]] = {}
        for s in syms:
            if s.kind is not Kind.RULE:
                continue
            owner = s.id if not s.is_group else g.find_rule(s.rule)
            if owner is None:
                continue
            for alt in s.alts:
                named: set[int] = set()
                stack = list(alt.items)
                while stack:
                    i = stack.pop()
                    si = syms[i]
                    if self._named(i):
                        named.add(i)
                    elif si.kind in (Kind.OPT, Kind.REP):
                        stack.append(si.inner)
                out[s.id, alt.index] = [("kpath", 2, (owner, c)) for c in sorted(named)]
        return out

    # -- recording -------------------------------------------------------------------------

    def items_of(self, d: Derivation) -> Counter[Item]:
        """The coverage items one derivation exercises, with counts."""
        out: Counter[Item] = Counter()
        g = self.grammar
        syms = g.symbols
        tree = self.engine.tree(d)
        tokens = d.tokens
        want_k = self.k
        # (node, chain of named ancestors including itself)
        stack: list[tuple[object, tuple[int, ...]]] = [(tree, ())]
        while stack:
            node, chain = stack.pop()
            sym = node.sym  # type: ignore[attr-defined]
            s = syms[sym]
            if self._named(sym):
                chain = (*chain, sym)
                for k in want_k:
                    if len(chain) >= k:
                        out["kpath", k, chain[-k:]] += 1
            if s.kind is Kind.RULE:
                out["alt", sym, node.choice] += 1  # type: ignore[attr-defined]
            elif s.kind is Kind.OPT:
                out["opt", sym, node.choice] += 1  # type: ignore[attr-defined]
            elif s.kind is Kind.REP:
                out["rep", sym, _rep_class(node.choice)] += 1  # type: ignore[attr-defined]
            else:
                out["term", sym] += 1
                gen = self.engine.terminals.get(sym)
                if gen is not None and gen.literals:
                    out["lit", sym, tokens[node.token][1]] += 1  # type: ignore[attr-defined]
            stack.extend((c, chain) for c in node.children)  # type: ignore[attr-defined]
        return out

    def add(self, d: Derivation) -> Counter[Item]:
        """Record a derivation; returns the items it hit for the first time."""
        got = self.items_of(d)
        new = Counter({i: n for i, n in got.items() if self.hits[i] == 0})
        self.hits.update(got)
        self.derivations += 1
        return new

    def add_all(self, ds: Iterable[Derivation]) -> None:
        for d in ds:
            self.add(d)

    # -- queries ---------------------------------------------------------------------------

    def universe(self, kinds: Iterable[str] = KINDS) -> list[Item]:
        want = set(kinds)
        if "term" in want:
            want.add("lit")
        return [i for i in self._universe if i[0] in want]

    def unreachable(self) -> list[Item]:
        """Items that no derivation of the start rule can reach (not counted as missing)."""
        return list(self._unreachable)

    def missing(self, kinds: Iterable[str] = ("alt", "opt", "rep")) -> list[Item]:
        return [i for i in self.universe(kinds) if self.hits[i] == 0]

    def complete(self, kinds: Iterable[str] = ("alt", "opt", "rep")) -> bool:
        return not self.missing(kinds)

    def summary(self) -> dict[str, tuple[int, int]]:
        """``{kind: (covered, total)}`` for every kind of item."""
        out: dict[str, tuple[int, int]] = {}
        for kind in ("alt", "opt", "rep", "term", "kpath"):
            items = self.universe([kind])
            out[kind] = (sum(1 for i in items if self.hits[i]), len(items))
        return out

    def percent(self, kinds: Iterable[str] = ("alt",)) -> float:
        items = self.universe(kinds)
        if not items:
            return 100.0
        return 100.0 * sum(1 for i in items if self.hits[i]) / len(items)

    def describe(self, item: Item) -> str:
        """A readable name for an item: ``expr#2``, ``[x]`` taken, ``NUMBER``, ``a > b > C``."""
        g = self.grammar
        kind = item[0]
        if kind == "alt":
            s = g.symbols[int(item[1])]  # type: ignore[call-overload]
            return g.alternative_key(s, s.alts[int(item[2])])  # type: ignore[call-overload]
        if kind == "opt":
            s = g.symbols[int(item[1])]  # type: ignore[call-overload]
            return f"{s.rule}: {s.name} {'taken' if item[2] else 'skipped'}"
        if kind == "rep":
            s = g.symbols[int(item[1])]  # type: ignore[call-overload]
            return f"{s.rule}: {s.name} x{item[2]}"
        if kind == "term":
            return g.symbols[int(item[1])].name  # type: ignore[call-overload]
        if kind == "lit":
            return f"{g.symbols[int(item[1])].name} {item[2]!r}"  # type: ignore[call-overload]
        return " > ".join(g.symbols[i].name for i in item[2])  # type: ignore[attr-defined]

    def position(self, item: Item) -> tuple[str | None, int | None, int | None]:
        g = self.grammar
        pos = None
        if item[0] == "alt":
            s = g.symbols[int(item[1])]  # type: ignore[call-overload]
            pos = s.alts[int(item[2])].pos or s.pos  # type: ignore[call-overload]
        elif item[0] in ("opt", "rep", "term", "lit"):
            pos = g.symbols[int(item[1])].pos  # type: ignore[call-overload]
        if pos is None:
            return None, None, None
        return pos.file, pos.line, pos.column

    def entries(self, kinds: Iterable[str] = KINDS) -> list[Entry]:
        want = set(kinds)
        if "term" in want:
            want.add("lit")
        out = []
        for reachable, items in ((True, self._universe), (False, self._unreachable)):
            for i in items:
                if i[0] not in want:
                    continue
                kind = "term" if i[0] == "lit" else str(i[0])
                out.append(
                    Entry(kind, self.describe(i), *self.position(i), self.hits[i], reachable)
                )
        return out


def run(
    sampler: Sampler,
    n: int,
    *,
    seed: int = 0,
    guided: bool = False,
    stop_when_full: bool = False,
    k: Sequence[int] = (2, 3),
) -> Coverage:
    """Sample up to ``n`` texts and return their coverage.

    ``guided`` steers toward what is not covered yet; ``stop_when_full`` stops
    as soon as every alternative, optional outcome and repetition class is hit.
    """
    cov = Coverage(sampler, k=k)
    chooser = CoverageChooser(cov, random.Random(seed)) if guided else None
    for i in range(n):
        if chooser is not None:
            smp = sampler.from_chooser(chooser, index=i, seed=seed)
        else:
            smp = sampler.item(seed, i)
        if smp is not None:
            cov.add(smp.derivation)
            if chooser is not None:
                chooser.refresh()
        if stop_when_full and cov.complete():
            break
    return cov


def read_corpus(path: str) -> list[tuple[str, str]]:
    """Inputs of a corpus as ``(where, text)``: a directory (a file each), a ``.jsonl``
    file (its records' ``text``), or a text file (a line each)."""
    p = Path(path)
    try:
        if p.is_dir():
            return [
                (str(f), f.read_text(encoding="utf-8")) for f in sorted(p.iterdir()) if f.is_file()
            ]
        raw = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise InvalidArgument(f"cannot read corpus {path!r}: {err}") from None
    if p.suffix == ".jsonl":
        out = []
        for n, line in enumerate(raw.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
                out.append((f"{path}:{n}", str(rec["text"])))
            except (ValueError, KeyError, TypeError):
                raise InvalidArgument(
                    f"{path}:{n}: not a JSON record with a 'text' field"
                ) from None
        return out
    return [(f"{path}:{n}", line) for n, line in enumerate(raw.splitlines(), start=1)]


def corpus(
    sampler: Sampler, inputs: Iterable[tuple[str, str]], *, k: Sequence[int] = (2, 3)
) -> tuple[Coverage, list[tuple[str, str]]]:
    """Coverage of existing inputs (parsed with the grammar), and those that do not parse."""
    from .parse import DerivationParser, ParseFailed

    parser = DerivationParser(sampler)
    cov = Coverage(sampler, k=k)
    failed: list[tuple[str, str]] = []
    for where, text in inputs:
        try:
            cov.add(parser.parse(text))
        except ParseFailed as err:
            failed.append((where, str(err)))
    return cov, failed


class CoverageChooser(RandomChooser):
    """Weighted random choices that prefer what the coverage has not seen yet.

    Among the options that fit the budget it takes an uncovered alternative,
    optional outcome or repetition class first; otherwise an option that leads
    to something uncovered; otherwise the usual weighted choice.
    """

    __slots__ = ("_alt_dist", "_claimed", "_cov", "_dist")

    def __init__(self, coverage: Coverage, rng: random.Random) -> None:
        super().__init__(coverage.engine, rng)
        self._cov = coverage
        self._dist: list[int] = []
        self._alt_dist: list[list[int]] = []
        self._claimed: set[Item] = set()
        self.refresh()

    def refresh(self) -> None:
        """Recompute, after each derivation, how cheaply each symbol reaches something new.

        ``dist[s]`` is the smallest size of a derivation of ``s`` that exercises an
        uncovered alternative, optional outcome or repetition class (INF if none).
        """
        self._claimed.clear()
        cov = self._cov
        g = cov.grammar
        syms = g.symbols
        hits = cov.hits
        a = cov.sampler.analysis
        mins = a.min_size
        inf = 1 << 60
        dist = [inf] * len(syms)
        alt_dist: list[list[int]] = [[inf] * len(s.alts) for s in syms]
        pairs_of = cov.alt_pairs
        changed = True
        while changed:
            changed = False
            for s in syms:
                sid = s.id
                best = dist[sid]
                if s.kind is Kind.RULE:
                    for alt, extra in zip(s.alts, a.alt_extra[sid], strict=True):
                        if extra >= inf:
                            continue
                        base = mins[sid] + extra
                        pairs = pairs_of.get((sid, alt.index), ())
                        if hits["alt", sid, alt.index] == 0 or any(hits[p] == 0 for p in pairs):
                            d = base
                        else:
                            d = inf
                            for i in alt.items:
                                if dist[i] < inf:
                                    d = min(d, base - mins[i] + dist[i])
                        alt_dist[sid][alt.index] = d
                        best = min(best, d)
                elif s.kind is Kind.OPT:
                    if mins[s.inner] < inf:
                        if hits["opt", sid, 1] == 0:
                            best = min(best, 1 + mins[s.inner])
                        if dist[s.inner] < inf:
                            best = min(best, 1 + dist[s.inner])
                    if hits["opt", sid, 0] == 0:
                        best = min(best, 1)
                elif s.kind is Kind.REP:
                    unit = mins[s.inner]
                    if unit < inf:
                        for cls, n in (("0", 0), ("1", 1), ("many", 2)):
                            if n >= s.lo and (s.hi < 0 or n <= s.hi) and hits["rep", sid, cls] == 0:
                                best = min(best, 1 + n * unit)
                        if dist[s.inner] < inf:
                            best = min(best, 1 + max(s.lo - 1, 0) * unit + dist[s.inner])
                if best < dist[sid]:
                    dist[sid] = best
                    changed = True
        self._dist = dist
        self._alt_dist = alt_dist

    def _new(self, item: Item) -> bool:
        """Not covered yet, nor chosen earlier in the derivation under way."""
        return self._cov.hits[item] == 0 and item not in self._claimed

    def alternative(self, sym: int, candidates: Sequence[int]) -> int:
        fresh = [c for c in candidates if self._new(("alt", sym, c))]
        if not fresh and self._cov.alt_pairs:
            # no new alternative: one that puts a new pair of nested rules together
            pairs = self._cov.alt_pairs
            fresh = [c for c in candidates if any(self._new(p) for p in pairs.get((sym, c), ()))]
        ad = self._alt_dist[sym]
        if fresh:
            # an uncovered alternative that also leads on to more that is new comes first
            dist, items = self._dist, self._engine.items[sym]
            onward = [c for c in fresh if any(dist[i] < 1 << 60 for i in items[c])]
            pick = onward or fresh
            c = pick[int(self.rng.random() * len(pick))]
            self._claimed.add(("alt", sym, c))
            self._claimed.update(self._cov.alt_pairs.get((sym, c), ()))
            return c
        best = min(ad[c] for c in candidates)
        # Chase the nearest uncovered item only part of the time: every occurrence of
        # a symbol would chase it otherwise, and recursion would nest until the
        # budget runs out, before the sibling that leads there is expanded.
        if best >= 1 << 60 or self.rng.random() < _WANDER:
            return super().alternative(sym, candidates)
        ties = [c for c in candidates if ad[c] == best]
        return ties[int(self.rng.random() * len(ties))]

    def optional(self, sym: int) -> bool:
        for taken in (True, False):
            if self._new(("opt", sym, int(taken))):
                self._claimed.add(("opt", sym, int(taken)))
                return taken
        if self._dist[self._engine.inner[sym]] < 1 << 60 and self.rng.random() >= _WANDER:
            return True
        return super().optional(sym)

    def count(self, sym: int, lo: int, hi: int) -> int:
        # one and many exercise what is inside; zero comes last
        for cls, n in (("1", 1), ("many", 2), ("0", 0)):
            if lo <= n <= hi and self._new(("rep", sym, cls)):
                self._claimed.add(("rep", sym, cls))
                return n
        if (
            self._dist[self._engine.inner[sym]] < 1 << 60
            and hi >= 1
            and self.rng.random() >= _WANDER
        ):
            return max(lo, 1)
        return super().count(sym, lo, hi)


def report_json(cov: Coverage) -> dict[str, object]:
    """The coverage as a JSON-ready dict: summary by kind and every item with its hits."""
    summary = {
        kind: {"covered": c, "total": t, "percent": round(100.0 * c / t, 2) if t else 100.0}
        for kind, (c, t) in cov.summary().items()
    }
    return {
        "grammar": cov.grammar.source,
        "start": cov.sampler.start_name,
        "derivations": cov.derivations,
        "summary": summary,
        "items": [
            {
                "kind": e.kind,
                "key": e.key,
                "file": e.file,
                "line": e.line,
                "column": e.column,
                "hits": e.hits,
                "reachable": e.reachable,
            }
            for e in cov.entries()
        ],
    }


def report_text(cov: Coverage, *, missing_limit: int = 40) -> str:
    """A readable table: covered/total per kind, then what is missing, where."""
    names = {
        "alt": "alternatives",
        "opt": "optionals (taken/skipped)",
        "rep": "repetitions (0/1/many)",
        "term": "terminals and literals",
        "kpath": "k-paths",
    }
    lines = [f"coverage of {cov.grammar.source} from {cov.derivations} derivations", ""]
    lines.append(f"{'kind':<28} {'covered':>8} {'total':>7} {'percent':>8}")
    for kind, (c, t) in cov.summary().items():
        if kind == "kpath" and not t:
            continue
        pct = 100.0 * c / t if t else 100.0
        lines.append(f"{names[kind]:<28} {c:>8} {t:>7} {pct:>7.1f}%")
    entries = cov.entries(("alt", "opt", "rep", "term"))
    missing = [e for e in entries if e.reachable and e.hits == 0]
    if missing:
        lines += ["", f"missing ({len(missing)}):"]
        for e in missing[:missing_limit]:
            where = ":".join(str(p) for p in (e.file, e.line, e.column) if p is not None)
            lines.append(f"  {where}: {e.kind} {e.key}")
        if len(missing) > missing_limit:
            lines.append(f"  ... and {len(missing) - missing_limit} more (--format json lists all)")
    unreachable = [e for e in entries if not e.reachable]
    if unreachable:
        lines += [
            "",
            f"unreachable from {cov.sampler.start_name!r} ({len(unreachable)}), not counted:",
        ]
        for e in unreachable[:missing_limit]:
            where = ":".join(str(p) for p in (e.file, e.line, e.column) if p is not None)
            lines.append(f"  {where}: {e.kind} {e.key}")
    return "\n".join(lines)
