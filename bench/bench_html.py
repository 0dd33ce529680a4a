"""HTML pipeline time per report, against raw lxml parsing and pandas.read_html of the same files.

    .venv/bin/python bench/bench_html.py [--repeat N] [FILES_OR_DIRS...]

Default inputs: fixtures/html/raw and the .html pages of ../shared/corpus/dev/raw. All three are
timed in this process (CPU time), interleaved round by round, on the same bytes:
``lxml``: ``lxml.html.fromstring`` of each page (the floor: parsing alone);
``pipeline``: ``report_parser.pipeline.parse_bytes`` (decode, main content, grids, parts, meta,
tables, checks); ``read_html``: ``pandas.read_html`` (lxml flavour), which only finds the tables.
"""

from __future__ import annotations

import argparse
import io
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def inputs(args: list[str]) -> list[Path]:
    if not args:
        args = [str(ROOT / "fixtures" / "html" / "raw"), str(ROOT.parent / "shared" / "corpus" / "dev" / "raw")]
    files: list[Path] = []
    for a in map(Path, args):
        files += sorted(a.glob("*.html")) if a.is_dir() else [a]
    return files


def timed(fns: dict, pages: list[bytes], repeat: int) -> dict[str, float]:
    """Time each function over all pages, interleaved round by round so load drifts hit all alike."""
    totals = dict.fromkeys(fns, 0.0)
    for fn in fns.values():
        fn(pages[0])
    for _ in range(repeat):
        for name, fn in fns.items():
            start = time.process_time()
            for page in pages:
                fn(page)
            totals[name] += time.process_time() - start
    return {name: t / (repeat * len(pages)) for name, t in totals.items()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("paths", nargs="*")
    ap.add_argument("--repeat", type=int, default=5)
    a = ap.parse_args()
    import lxml.html
    import pandas as pd

    from report_parser.pipeline import Options, parse_bytes

    files = inputs(a.paths)
    pages = [p.read_bytes() for p in files]
    opts = Options()

    def read_html(page: bytes) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            pd.read_html(io.BytesIO(page), flavor="lxml")

    t = timed({"lxml": lxml.html.fromstring, "ours": lambda p: parse_bytes(p, "page.html", opts),
               "pandas": read_html}, pages, a.repeat)
    base, ours, pandas = t["lxml"], t["ours"], t["pandas"]
    kib = sum(map(len, pages)) / len(pages) / 1024
    print(f"inputs: {len(pages)} pages, {kib:.0f} KiB on average, repeated {a.repeat}x")
    for name, t in (("lxml.html.fromstring", base), ("report_parser pipeline", ours), ("pandas.read_html", pandas)):
        print(f"{name:>24}: {t * 1000:8.2f} ms/page   x{t / base:5.1f} of lxml")
    print(f"pipeline vs pandas.read_html: {pandas / ours:.1f}x faster")


if __name__ == "__main__":
    main()
