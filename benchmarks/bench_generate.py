"""The whole pipeline: ``gramgen generate`` problems per second of wall time, where the
CPU goes (the main process, the workers) and the peak memory, at one or more sizes.

Run: ``python benchmarks/bench_generate.py [--n 10000 100000] [--workers 2]``.

Each size is one fresh run in a process of its own (``-n`` problems per family and
level: the default four families at three levels each make ``12 * n``), with the
output in a temporary folder deleted after. Issue 5's figure is 7 million problems on
two cores in under five minutes, including Parquet: ``--n 583334``.

Columns: problems made; wall time and problems per second of it; CPU time of the
main process (collecting, deduplicating, writing JSON lines, converting to Parquet)
and of the workers (making the problems), each per problem; the machine's two cores'
use (CPU / wall / cores); peak resident memory of the main process and of the
largest worker. A long run is faster per problem than a short one: its families'
structures become known and are reused. The first line says which build ran: run
the script with the Python of an environment holding the compiled build
(``GRAMGEN_COMPILE=1 pip install .``) to measure that one.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path

import gramgen.family
from gramgen import __version__

FAMILIES = ["change_join", "equal_groups", "think_of_number", "percent_of"]

# run in the child: the run, then its own and its workers' resource use, as JSON
_CHILD = """
import json, resource, sys, time
from gramgen.cli import main
args = json.loads(sys.argv[1])
t = time.perf_counter()
code = 0
try:
    main(args)
except SystemExit as err:
    code = err.code or 0
wall = time.perf_counter() - t
me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"code": code, "wall": wall, "main": me.ru_utime + me.ru_stime,
                  "workers": kids.ru_utime + kids.ru_stime,
                  "main_rss": me.ru_maxrss, "worker_rss": kids.ru_maxrss}))
"""


def run(families: list[str], n: int, workers: int, fmt: str, seed: int) -> dict[str, str]:
    with tempfile.TemporaryDirectory(prefix="gramgen-bench-") as tmp:
        out = Path(tmp) / "out"
        args = ["generate", *families, "-n", str(n), "--workers", str(workers),
                "--format", fmt, "--seed", str(seed), "--out", str(out)]  # fmt: skip
        proc = subprocess.run([sys.executable, "-c", _CHILD, json.dumps(args)],
                              capture_output=True, text=True, check=False)  # fmt: skip
        lines = proc.stdout.strip().splitlines()
        if proc.returncode or not lines:
            sys.exit(f"gramgen generate failed:\n{proc.stderr}")
        got = json.loads(lines[-1])
        if got["code"]:
            sys.exit(f"gramgen generate exited with {got['code']}:\n{proc.stderr}")
        manifests = [json.loads(m.read_text()) for m in out.glob("manifest-*.json")]
        made = sum(st["made"] for m in manifests for st in m["streams"].values())
    wall, main_cpu, work_cpu = got["wall"], got["main"], got["workers"]
    cores = os.cpu_count() or 1
    return {
        "-n": f"{n:,}",
        "problems": f"{made:,}",
        "wall s": f"{wall:.1f}",
        "problems/s": f"{made / wall:,.0f}",
        "main µs/problem": f"{main_cpu / made * 1e6:.1f}",
        "workers µs/problem": f"{work_cpu / made * 1e6:.1f}",
        "cores used": f"{(main_cpu + work_cpu) / wall / cores:.0%} of {cores}",
        "peak MB main / worker": f"{got['main_rss'] // 1024} / {got['worker_rss'] // 1024}",
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, nargs="+", default=[10_000],
                    help="problems per family and level, one run each")  # fmt: skip
    ap.add_argument("--families", nargs="+", default=FAMILIES)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--format", default="parquet", choices=["jsonl", "parquet"])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--markdown", type=Path, help="also write the table here")
    args = ap.parse_args()
    compiled = str(gramgen.family.__file__).endswith(tuple(EXTENSION_SUFFIXES))
    build = "compiled build" if compiled else "pure Python"
    print(f"gramgen {__version__} ({build}), Python {platform.python_version()}, "
          f"{platform.machine()}, "
          f"{os.cpu_count()} cores; gramgen generate {' '.join(args.families)} "
          f"--workers {args.workers} --format {args.format}")  # fmt: skip
    rows = [run(args.families, n, args.workers, args.format, args.seed) for n in args.n]
    cols = list(rows[0])
    widths = [max(len(c), *(len(r[c]) for r in rows)) for c in cols]
    print("  ".join(c.ljust(w) for c, w in zip(cols, widths, strict=True)))
    for r in rows:
        print("  ".join(r[c].ljust(w) for c, w in zip(cols, widths, strict=True)))
    if args.markdown:
        md = ["| " + " | ".join(cols) + " |", "|" + "---:|" * len(cols)]
        md += ["| " + " | ".join(r[c] for c in cols) + " |" for r in rows]
        args.markdown.write_text("\n".join(md) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
