"""The golden output: one hash of every bundled family's problems, to tell a change that
should not move the output (a speed-up, a refactor) from one that does.

Run: ``python benchmarks/golden.py [--n 60] [-- EXTRA OPTIONS]``, for example
``python benchmarks/golden.py --n 20 -- --verify full --unsolvable 0.3``.

It runs ``gramgen generate`` over all families (``-n`` problems per family and level,
seed 0, one worker) into a temporary folder and prints the SHA-256 of its JSON lines
files (the records and the audit file, by name; the manifest, which holds timings, is
left out). Run it before and after a change, with the same Python: equal hashes mean
byte-identical output. ``--expect HASH`` exits with status 1 when the hash differs.
The output is the same for any number of workers, so one worker keeps it quick to
compare against and independent of the machine (about a minute for ``--n 60``).
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import tempfile
from pathlib import Path


def golden(n: int, extra: list[str]) -> str:
    with tempfile.TemporaryDirectory(prefix="gramgen-golden-") as tmp:
        out = Path(tmp) / "out"
        cli = "from gramgen.cli import main; main()"
        cmd = [sys.executable, "-c", cli, "generate", "-n", str(n), "--seed", "0",
               "-o", str(out), "--workers", "1", "-q", *extra]  # fmt: skip
        run = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if run.returncode != 0:
            sys.exit(f"golden: gramgen generate failed ({run.returncode}):\n{run.stderr}")
        h = hashlib.sha256()
        for path in sorted(out.glob("*.jsonl")):
            h.update(path.name.encode())
            h.update(path.read_bytes())
        return h.hexdigest()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=60, help="problems per family and level")
    ap.add_argument("--expect", help="the hash the output must have")
    ap.add_argument("extra", nargs="*", help="more options for gramgen generate (after --)")
    args = ap.parse_args()
    digest = golden(args.n, args.extra)
    print(digest)
    if args.expect and digest != args.expect:
        sys.exit(f"golden: expected {args.expect}")


if __name__ == "__main__":
    main()
