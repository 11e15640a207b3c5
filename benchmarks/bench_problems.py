"""Verified word problems per second per core: gramgen families vs GSM-Symbolic-style
rejection sampling vs DeepMind's mathematics_dataset, side by side in one run.

Run: ``python benchmarks/bench_problems.py [--n 5000] [--dm-python PATH]``.

For each family, one process with the garbage collector set as ``gramgen generate``
sets it, CPU time (so other load on the machine does not distort the figures):

* ``cold``: the first ``n`` problems of a fresh process (each new derivation
  structure is solved, each new phrasing fully checked);
* ``steady``: the next ``n`` problems (the default check: every instance exact);
  new derivation structures still turn up (the families have thousands) and each
  costs its actions' run and its spacing;
* ``known``: those ``n`` problems made again, every structure known: the rate a
  long run approaches as its structures are all met;
* ``full``: every problem parsed back, re-solved, trace run, steps checked;
* ``audit``: the steady path plus an independent ``sympy.solve`` of every instance.

``--long N`` instead makes N problems of each family in one process and prints the
rate of each tenth and of the whole (what a long run of one family makes on one core,
as its phrasings become known).

``gsm-symbolic``: the same change-separate story re-implemented the way
GSM-Symbolic templates work — draw every variable uniformly from its range,
keep the draw when the template's conditions hold (here: something is left),
compute the answer with Python — on the same number ranges as the family's
level 3, with acceptance rate.

``mathematics_dataset`` (DeepMind) needs an old sympy; give ``--dm-python`` a
Python of a separate environment where it is installed (``pip install
mathematics_dataset sympy==1.5.1``); its arithmetic word-problem-free modules
are timed the same way (problems/s, CPU time).
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import subprocess
import sys
import time
from pathlib import Path

from gramgen import __version__
from gramgen.family import Rejected, load_family
from gramgen.generate import gc_tuned

FAMILIES = ["change_join", "change_separate", "equal_groups", "think_of_number",
            "linear_equation_story", "percent_of"]  # fmt: skip


def _cpu() -> float:
    return time.process_time()


def _rate(n: int, seconds: float) -> str:
    return f"{n / seconds:,.0f}" if seconds > 0 else "-"


def bench_family(name: str, n: int, seed: int) -> dict[str, str]:
    from gramgen.solvers import audit  # type: ignore[import-not-found, unused-ignore]

    t0 = _cpu()
    fam = load_family(name)
    fam.prepare()
    load = _cpu() - t0
    levels = list(range(1, fam.levels + 1))
    row = {"family": name, "load s": f"{load:.2f}"}

    def run(start: int, count: int, verify: str = "coverage") -> str:
        made = 0
        t = _cpu()
        for k in range(start, start + count):
            try:
                rec = fam.item(k, seed=seed, level=levels[k % len(levels)], verify=verify)
            except Rejected:
                continue
            made += 1
            del rec
        return _rate(made, _cpu() - t)

    row["cold/s"] = run(0, n)
    row["steady/s"] = run(n, n)
    row["known/s"] = run(n, n)  # the same problems again: every structure already built
    row["full/s"] = run(2 * n, max(50, n // 20), verify="full")
    row["audit/s"] = _audit_rate(fam, levels, seed, max(50, n // 20), audit)
    row["structures"] = str(sum(len(fam._level(lv).entries) for lv in levels))
    row["full checks"] = str(fam.stats.full_checks)
    return row


def _audit_rate(fam: object, levels: list[int], seed: int, count: int, audit: object) -> str:
    """Steady generation plus an independent sympy solve of each instance."""
    from gramgen.solvers import Problem  # type: ignore[import-not-found, unused-ignore]

    made = 0
    t = _cpu()
    for k in range(10**6, 10**6 + count):
        lv = levels[k % len(levels)]
        try:
            rec = fam.item(k, seed=seed, level=lv)  # type: ignore[attr-defined]
        except Rejected:
            continue
        d = fam.parser(lv).parse(rec["question"], fam.start(lv))  # type: ignore[attr-defined]
        entry = fam._level(lv).entries.get(tuple(d.path))  # type: ignore[attr-defined]
        if entry is None:
            continue
        from gramgen.semantics import parse_number

        view = entry.view
        knowns = {s.name: parse_number(d.tokens[entry.kept[s.index]][1]) for s in view.numbers}
        sk = view.check_skeleton
        problem = Problem(
            relations=tuple(r.text for r in sk.relations),
            knowns=knowns,
            unknowns=sk.unknowns,
            answer="answer",
            domains=dict(sk.domains),
        )
        result = audit(problem, {"answer": parse_number(str(rec["answer"]))})  # type: ignore[operator]
        made += bool(result.ok)
    return _rate(made, _cpu() - t)


def gsm_symbolic(n: int, seed: int) -> dict[str, str]:
    """GSM-Symbolic-style template: uniform draws, conditions, Python answer."""
    rng = random.Random(seed)
    names = ["Ava", "Ben", "Chloe", "Diego", "Emma", "Farid"]
    items = ["apples", "marbles", "stickers", "pencils"]
    template = (
        "{name} has {x} {item}. {name} gives away {y} {item} and then loses {z} more. "
        "How many {item} does {name} have left?"
    )
    tries = made = 0
    t = _cpu()
    while made < n:
        tries += 1
        x, y, z = rng.randint(2, 500), rng.randint(2, 250), rng.randint(2, 250)
        answer = x - y - z
        if not answer > 0:  # the template's condition
            continue
        name, item = rng.choice(names), rng.choice(items)
        text = template.format(name=name, x=x, y=y, z=z, item=item)
        assert text and answer == x - y - z
        made += 1
    dt = _cpu() - t
    return {"method": "gsm-symbolic (change_separate L3 ranges)", "problems/s": _rate(made, dt),
            "acceptance": f"{made / tries:.1%}"}  # fmt: skip


_DM_SCRIPT = r"""
import json, sys, time
from mathematics_dataset.modules import modules
def entropy(r): return r
mods = modules.train(entropy)
out = {}
for path in (("arithmetic", "add_or_sub"), ("arithmetic", "mul_div_multiple"),
             ("algebra", "linear_1d")):
    fn = mods[path[0]][path[1]]
    n = int(sys.argv[1])
    t = time.process_time()
    for _ in range(n):
        fn()
    out["__".join(path)] = n / (time.process_time() - t)
print(json.dumps(out))
"""


def deepmind(python: str | None, n: int) -> list[dict[str, str]]:
    if not python:
        return [{"method": "mathematics_dataset", "problems/s": "not run (no --dm-python)"}]
    try:
        proc = subprocess.run([python, "-c", _DM_SCRIPT, str(n)], capture_output=True,
                              text=True, timeout=1800, check=True)  # fmt: skip
        rates = json.loads(proc.stdout.strip().splitlines()[-1])
    except (OSError, subprocess.SubprocessError, ValueError) as err:
        return [{"method": "mathematics_dataset", "problems/s": f"failed: {err}"}]
    probe = [python, "-c", "import sympy; print(sympy.__version__)"]
    version = subprocess.run(probe, capture_output=True, text=True, check=False).stdout.strip()
    return [{"method": f"mathematics_dataset {k} (sympy {version})", "problems/s": f"{v:,.0f}"}
            for k, v in rates.items()]  # fmt: skip


def long_run(name: str, n: int, seed: int) -> None:
    """``n`` problems of ``name`` in one process (levels in turn, the default check),
    the rate printed for each tenth and for the whole, counted from the first problem
    after loading: what a long run of one family makes on one core."""
    fam = load_family(name)
    fam.prepare()
    levels = list(range(1, fam.levels + 1))
    step = max(1, n // 10)
    made = last_made = 0
    start = last = _cpu()
    with gc_tuned():
        for k in range(n):
            try:
                fam.item(k, seed=seed, level=levels[k % len(levels)])
                made += 1
            except Rejected:
                pass
            if (k + 1) % step == 0 or k + 1 == n:
                now = _cpu()
                these = _rate(made - last_made, now - last)
                print(f"{name}: {k + 1:>10,} problems: these {these}/s,"
                      f" from the first {_rate(made, now - start)}/s", flush=True)  # fmt: skip
                last, last_made = now, made


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--families", nargs="*", default=FAMILIES)
    ap.add_argument("--dm-python", help="a Python with mathematics_dataset installed")
    ap.add_argument("--dm-n", type=int, default=300)
    ap.add_argument("--markdown", type=Path, help="also write the tables here")
    ap.add_argument("--long", type=int, metavar="N",
                    help="instead: N problems of each of --families in one process")  # fmt: skip
    args = ap.parse_args()
    if args.long:
        for f in args.families:
            long_run(f, args.long, args.seed)
        return
    print(f"gramgen {__version__}, Python {platform.python_version()}, {platform.machine()}, "
          f"{platform.processor() or platform.platform()}")  # fmt: skip
    with gc_tuned():  # the collector's settings `gramgen generate` runs with
        rows = [bench_family(f, args.n, args.seed) for f in args.families]
    peers = [gsm_symbolic(args.n * 5, args.seed), *deepmind(args.dm_python, args.dm_n)]
    md = []
    for title, table in (("gramgen families (problems/s, one core, CPU time)", rows),
                         ("Peers", peers)):  # fmt: skip
        cols = list(table[0])
        widths = [max(len(c), *(len(str(r.get(c, ""))) for r in table)) for c in cols]
        print()
        print("  ".join(c.ljust(w) for c, w in zip(cols, widths, strict=True)))
        for r in table:
            print("  ".join(str(r.get(c, "")).ljust(w) for c, w in zip(cols, widths, strict=True)))
        md += [f"### {title}", "", "| " + " | ".join(cols) + " |",
               "|" + "---|" * len(cols)]  # fmt: skip
        md += ["| " + " | ".join(str(r.get(c, "")) for c in cols) + " |" for r in table]
        md.append("")
    if args.markdown:
        args.markdown.write_text("\n".join(md), encoding="utf-8")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
