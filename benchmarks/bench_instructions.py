"""Instructions per problem: the work of making problems, counted, not timed.

Run: ``python benchmarks/bench_instructions.py [--per-stream 256] [--warmup 3000]``
(needs valgrind; a run takes about a minute and a half).

On a shared machine the same build's timings vary by a fifth from one run to the next;
instruction counts repeat within half a percent, so two versions of the code can be told
apart by a few percent. The script runs itself under ``valgrind --tool=callgrind`` with
instrumentation off, makes ``--warmup`` candidates of each stream of the four families
``bench_generate`` uses, or of ``--families`` (so that their structures are known, as in a
long run), switches instrumentation on (``callgrind_control -i on``), makes
``--per-stream`` more of each stream in the worker's loop (``make_chunk``) and exits at
once. It prints the instructions per problem; ``--keep FILE`` keeps callgrind's output
for ``callgrind_annotate``. Instructions are not time (cache misses are not counted), so
confirm a change that matters with ``bench_generate``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_generate import FAMILIES  # (the script's folder is on the path)

LEVELS = (1, 2, 3)


def child(folder: Path, families: list[str], warmup: int, per_stream: int) -> None:
    """(Under valgrind.) Warm up, say so, wait to be counted, make the problems, exit."""
    from gramgen.family import bundled_families
    from gramgen.generate import gc_tuned, make_chunk

    paths = {f: str(bundled_families()[f]) for f in families}

    def make(start: int, count: int) -> None:
        for f in families:
            for level in LEVELS:
                make_chunk((paths[f], level, 1, start, count, 0.0, "coverage", 0.0, ()))

    make(0, warmup)
    (folder / "ready").write_text(str(os.getpid()))
    while not (folder / "go").exists():
        time.sleep(0.05)
    with gc_tuned():
        make(warmup, per_stream)
    os._exit(0)  # (the interpreter's shutdown is not counted)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--per-stream", type=int, default=256, help="problems counted per stream")
    ap.add_argument("--warmup", type=int, default=3000, help="candidates per stream first")
    ap.add_argument("--families", nargs="+", default=FAMILIES, help="bench_generate's four")
    ap.add_argument("--keep", help="keep callgrind's output in this file")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(Path(args.child), args.families, args.warmup, args.per_stream)
        return
    for tool in ("valgrind", "callgrind_control"):
        if shutil.which(tool) is None:
            sys.exit(f"bench_instructions needs {tool} (apt-get install valgrind)")
    with tempfile.TemporaryDirectory(prefix="gramgen-instr-") as tmp:
        folder = Path(tmp)
        out = Path(args.keep) if args.keep else folder / "callgrind.out"
        cmd = ["valgrind", "--tool=callgrind", "--instr-atstart=no",
               f"--callgrind-out-file={out}", sys.executable, __file__,
               "--child", tmp, "--warmup", str(args.warmup),
               "--per-stream", str(args.per_stream), "--families", *args.families]  # fmt: skip
        log_path = folder / "valgrind.log"

        def failed() -> None:
            sys.exit(f"the run under valgrind failed:\n{log_path.read_text()}")

        with open(log_path, "w") as log:
            proc = subprocess.Popen(cmd, stdout=log, stderr=log)
            while not (folder / "ready").exists():
                if proc.poll() is not None:
                    failed()
                time.sleep(0.5)
            subprocess.run(["callgrind_control", "-i", "on", str(proc.pid)],
                           check=True, capture_output=True)  # fmt: skip
            (folder / "go").touch()
            proc.wait()
        totals = [ln for ln in out.read_text().splitlines() if ln.startswith("totals:")]
        if proc.returncode != 0 or not totals:
            failed()
    total = int(totals[0].split()[1])
    problems = len(args.families) * len(LEVELS) * args.per_stream
    print(f"{total:,} instructions for {problems:,} candidates "
          f"({', '.join(args.families)}; levels 1-3; {args.warmup:,} a stream of warm-up): "
          f"{total / problems:,.0f} a problem")  # fmt: skip


if __name__ == "__main__":
    main()
