"""End-to-end throughput and peak memory of the text pipeline, against merely reading the files.

    .venv/bin/python bench/bench_text.py [--repeat N] [FILES_OR_DIRS...]

Default inputs: the text files of ../shared/corpus/dev/raw (all but .html) and fixtures/.
Each mode runs in its own child process on one core (``taskset -c 0`` when available):
``read`` only reads the bytes of every file; ``parse`` reads them and runs the whole pipeline
(extract, normalise, split, meta, tables, checks) and builds the output rows. Prints reports/s,
peak RSS, and the ratios of parse to read measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def inputs(args: list[str]) -> list[Path]:
    if not args:
        corpus = ROOT.parent / "shared" / "corpus" / "dev" / "raw"
        args = [str(corpus), str(ROOT / "fixtures")]
    files: list[Path] = []
    for a in map(Path, args):
        if a.is_dir():
            files += sorted(p for p in a.rglob("*.txt") if p.is_file())
        elif a.is_file():
            files.append(a)
    return files


def child(mode: str, files: list[Path], repeat: int) -> None:
    if mode == "parse":
        sys.path.insert(0, str(ROOT / "src"))
        from report_parser.pipeline import Options, parse_bytes
        from report_parser.records import rows_of
    n = 0
    start = time.process_time()  # CPU time: steadier than wall time on a shared machine
    for _ in range(repeat):
        for path in files:
            data = path.read_bytes()
            if mode == "parse":
                rows_of(parse_bytes(data, str(path), Options()))
            n += 1
    seconds = time.process_time() - start
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"mode": mode, "reports": n, "seconds": seconds, "peak_rss_mb": peak_kb / 1024}))


def run(mode: str, files: list[Path], repeat: int) -> dict:
    cmd = [sys.executable, __file__, "--child", mode, "--repeat", str(repeat), *map(str, files)]
    if shutil.which("taskset"):
        cmd = ["taskset", "-c", "0", *cmd]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("paths", nargs="*")
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--child", choices=("read", "parse"))
    a = ap.parse_args()
    files = inputs(a.paths)
    if a.child:
        child(a.child, files, a.repeat)
        return
    base, full = run("read", files, a.repeat), run("parse", files, a.repeat)
    size = sum(p.stat().st_size for p in files)
    print(f"inputs: {len(files)} files, {size / 1024:.0f} KiB, repeated {a.repeat}x on one core")
    for r in (base, full):
        print(f"{r['mode']:>6}: {r['reports'] / r['seconds']:10.0f} reports/s   peak RSS {r['peak_rss_mb']:.0f} MB")
    print(f"parse/read: time x{full['seconds'] / base['seconds']:.0f}, "
          f"peak RSS x{full['peak_rss_mb'] / base['peak_rss_mb']:.1f}")
    print(f"parse throughput: {full['reports'] / full['seconds']:.0f} reports/s "
          f"({os.cpu_count()} cores on this machine, one used)")


if __name__ == "__main__":
    main()
