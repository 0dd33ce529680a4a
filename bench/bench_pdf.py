"""Pages per second of the full PDF pipeline, against pdfplumber's own character extraction of the
same files and, when it is installed, camelot's lattice mode.

    .venv/bin/python bench/bench_pdf.py [--repeat N] [--camelot-python PATH] [PDFS_OR_DIRS...]

Default inputs: fixtures/documents/raw/*.pdf (LibreOffice and Chromium PDFs of real layout).
Each mode runs in its own child process on one core (``taskset -c 0`` when available):
``chars`` reads every PDF's bytes, opens them with pdfplumber and reads ``page.chars`` of every
page (the layout analysis every pdfplumber user pays); ``parse`` runs the whole pipeline (extract: chars, ruled
tables, tables joined across pages; then normalise, split, tables, checks) and builds the output
rows; ``camelot`` runs ``camelot.read_pdf(path, pages="all", flavor="lattice")``, in this Python
or in the one given with ``--camelot-python`` (camelot and OpenCV are no dependency of ours).
Each child handles the first file once before timing (imports, caches). Prints pages/s per mode
and the ratios measured in the same run.
"""

from __future__ import annotations

import argparse
import io
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def inputs(args: list[str]) -> list[Path]:
    files: list[Path] = []
    for a in map(Path, args or [str(ROOT / "fixtures" / "documents" / "raw")]):
        files += sorted(a.glob("*.pdf")) if a.is_dir() else [a]
    return files


def child(mode: str, files: list[Path], repeat: int) -> None:
    """Run one mode over the files ``repeat`` times; print pages and seconds as JSON."""
    import logging

    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    if mode == "parse":
        sys.path.insert(0, str(ROOT / "src"))
        from report_parser.pipeline import Options, parse_bytes
        from report_parser.records import rows_of
    elif mode == "camelot":
        import camelot
    else:
        import pdfplumber
    import pypdfium2  # comes with pdfplumber and with camelot: count pages the same way for all

    def once(path: Path) -> None:
        if mode == "chars":  # from bytes in memory, as the pipeline reads them
            with pdfplumber.open(io.BytesIO(path.read_bytes())) as pdf:
                for page in pdf.pages:
                    page.chars  # noqa: B018 (the extraction is the point)
                    page.close()
        elif mode == "parse":
            rows_of(parse_bytes(path.read_bytes(), str(path), Options()))
        else:
            camelot.read_pdf(str(path), pages="all", flavor="lattice")

    with_pages = [(path, len(pypdfium2.PdfDocument(str(path)))) for path in files]
    once(files[0])  # warm up: lazy imports and one-time set-up are not per-page costs
    pages = 0
    start = time.perf_counter()
    for _ in range(repeat):
        for path, n in with_pages:
            once(path)
            pages += n
    print(json.dumps({"mode": mode, "pages": pages, "seconds": time.perf_counter() - start}))


def run(mode: str, files: list[Path], repeat: int, python: str = sys.executable) -> dict | None:
    cmd = [python, __file__, "--child", mode, "--repeat", str(repeat), *map(str, files)]
    if shutil.which("taskset"):
        cmd = ["taskset", "-c", "0", *cmd]
    out = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        print(f"{mode}: failed ({out.stderr.strip().splitlines()[-1] if out.stderr.strip() else out.returncode})")
        return None
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("paths", nargs="*")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--camelot-python", default=sys.executable, metavar="PATH",
                    help="a Python with camelot-py installed (default: this one)")
    ap.add_argument("--child", choices=("chars", "parse", "camelot"))
    a = ap.parse_args()
    files = inputs(a.paths)
    if a.child:
        child(a.child, files, a.repeat)
        return
    results = {m: run(m, files, a.repeat) for m in ("chars", "parse")}
    results["camelot"] = run("camelot", files, 1, a.camelot_python)
    print(f"inputs: {len(files)} PDFs, {sum(p.stat().st_size for p in files) / 1e6:.1f} MB, one core")
    for mode, r in results.items():
        if r:
            print(f"{mode:>8}: {r['pages'] / r['seconds']:7.1f} pages/s  ({r['pages']} pages in {r['seconds']:.1f} s)")
    chars, parse, cam = results["chars"], results["parse"], results["camelot"]
    if chars and parse:
        ratio = (parse["seconds"] / parse["pages"]) / (chars["seconds"] / chars["pages"])
        print(f"full pipeline / pdfplumber chars: time per page x{ratio:.2f} (goal: within x1.5)")
    if cam and parse:
        ratio = (cam["seconds"] / cam["pages"]) / (parse["seconds"] / parse["pages"])
        print(f"camelot lattice / full pipeline: time per page x{ratio:.1f} (goal: we are 3x faster)")
    elif parse:
        print("camelot: not installed in that Python (pip install camelot-py), not measured")


if __name__ == "__main__":
    main()
