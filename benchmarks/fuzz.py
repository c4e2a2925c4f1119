"""The fuzz properties of ``tests/test_fuzz.py`` with a long budget and fresh random seeds.

CI runs each property with 40 derandomized examples; this runs them with many
more, randomly seeded, and prints Hypothesis' statistics. A failure prints the
shrunk input to reproduce.

    python benchmarks/fuzz.py                  # 2,000 examples per property
    python benchmarks/fuzz.py --examples 20000 -k json
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--examples", type=int, default=2000)
    p.add_argument("-k", default=None, help="pytest -k expression to pick properties")
    args = p.parse_args()
    env = {**os.environ, "KORNEWS_FUZZ_EXAMPLES": str(args.examples), "KORNEWS_FUZZ_RANDOM": "1"}
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--hypothesis-show-statistics",
           str(ROOT / "tests" / "test_fuzz.py")]
    if args.k:
        cmd += ["-k", args.k]
    sys.exit(subprocess.call(cmd, cwd=ROOT, env=env))


if __name__ == "__main__":
    main()
