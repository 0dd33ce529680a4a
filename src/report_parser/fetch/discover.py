"""Discovery: walk an agency's annual-report list page and its pagination into manifest rows.

Pagination is followed through 下一页-style links, numbered page links and ``index_N.html``
siblings, and the ``createPageHTML(total, current, "index", "html")`` calls many government
CMSs print instead of links. The walk stops at a page limit and skips any page seen before
(by URL or by content: some sites answer every page number past the end with page one).
A report link is a link whose text has a year and says 报告/年报 about 政府信息公开 or 年度.
"""

from __future__ import annotations

import csv
import hashlib
import os
import re
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from .client import Fetcher, FetchFailure
from .page import Link, Page, read_page

MANIFEST_COLUMNS = ("url", "title", "year", "list_page")
NEXT_TEXTS = ("下一页", "下页", "后一页", "下一頁", "next", "next page", ">", ">>", "»", "›")
_PAGE_FILE = re.compile(r"^(?:index|list|default)(?:_\d+)?\.(?:s?html?|jsp|php|aspx?)$", re.I)
_CREATE_PAGE = re.compile(r"createPageHTML\(\s*['\"]?(\d+)['\"]?\s*,\s*['\"]?\d+['\"]?\s*,"
                          r"\s*['\"]([\w-]+)['\"]\s*,\s*['\"](\w+)['\"]")
_CN_DIGITS = str.maketrans("〇零○Ｏ一二三四五六七八九", "000012345678" + "9")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年(度)?")
_CN_YEAR = re.compile(r"([〇零○Ｏ一二三四五六七八九]{4})\s*年(度)?")


@dataclass(frozen=True, slots=True)
class ManifestRow:
    """One report found on a list page."""

    url: str
    title: str
    year: int | None
    list_page: str


@dataclass(frozen=True, slots=True)
class Discovery:
    """What a walk found: report rows in page order, the pages read, and pages that failed."""

    rows: tuple[ManifestRow, ...]
    pages: tuple[str, ...]
    failures: tuple[FetchFailure, ...]


def year_of(title: str) -> int | None:
    """Given a report title, return the year it covers ("2021年度…报告" -> 2021), else None.

    A year written 年度 wins over a bare 年 (a title may also name its publication year);
    Chinese numerals (二〇二一年) are read too.
    """
    found = [(m.group(2) is not None, int(m.group(1))) for m in _YEAR.finditer(title)]
    found += [(m.group(2) is not None, int(m.group(1).translate(_CN_DIGITS))) for m in _CN_YEAR.finditer(title)]
    if not found:
        return None
    marked = [year for is_annual, year in found if is_annual]
    return marked[0] if marked else found[0][1]


def is_report_link(link: Link) -> bool:
    """Given a link, tell whether it names an OGI annual report (and has a year)."""
    t = link.text
    says_report = "报告" in t or "年报" in t
    return says_report and ("政府信息公开" in t or "年度" in t or "年报" in t) and year_of(t) is not None


def page_links(page: Page) -> list[str]:
    """Given a list page, return the URLs of its other pages (next, numbered, index_N)."""
    here = page.url.rsplit("/", 1)[0] + "/"
    found = []
    for link in page.links:
        text = link.text.strip().lower()
        sibling = link.url.startswith(here) and "/" not in link.url[len(here):].split("?")[0]
        name = urlsplit(link.url).path.rsplit("/", 1)[-1]
        if text in NEXT_TEXTS or "下一页" in text or (sibling and (text.isdigit() or _PAGE_FILE.match(name))):
            found.append(link.url)
    for m in _CREATE_PAGE.finditer(page.scripts):
        total, stem, ext = int(m.group(1)), m.group(2), m.group(3)
        found += [urljoin(here, f"{stem}.{ext}" if i == 0 else f"{stem}_{i}.{ext}") for i in range(min(total, 1000))]
    return found


def report_rows(page: Page) -> list[ManifestRow]:
    """Given a list page, return a row per report link (first occurrence of each URL)."""
    rows: dict[str, ManifestRow] = {}
    for link in page.links:
        if is_report_link(link) and link.url not in rows:
            rows[link.url] = ManifestRow(link.url, link.text, year_of(link.text), page.url)
    return list(rows.values())


def discover(fetcher: Fetcher, list_url: str, *, years: tuple[int, int] | None = None,
             max_pages: int = 50) -> Discovery:
    """Given a list page URL, walk its pagination and return the reports found (``years`` filters)."""
    queue, seen_urls, seen_bodies = deque([list_url]), {list_url}, set()
    rows: dict[str, ManifestRow] = {}
    pages: list[str] = []
    failures: list[FetchFailure] = []
    while queue and len(pages) < max_pages:
        result = fetcher.fetch(queue.popleft())
        if isinstance(result, FetchFailure):
            failures.append(result)
            continue
        digest = hashlib.sha256(result.body).hexdigest()
        if digest in seen_bodies:
            continue
        seen_bodies.add(digest)
        page = read_page(result.body, result.info.final_url, result.info.content_type)
        pages.append(result.info.url)
        for row in report_rows(page):
            rows.setdefault(row.url, row)
        for url in page_links(page):
            if url not in seen_urls and url not in rows:
                seen_urls.add(url)
                queue.append(url)
    kept = [r for r in rows.values() if years is None or (r.year is not None and years[0] <= r.year <= years[1])]
    return Discovery(tuple(kept), tuple(pages), tuple(failures))


def parse_years(text: str) -> tuple[int, int]:
    """Given "2019-2024" or "2021", return the inclusive range; raise ValueError otherwise."""
    m = re.fullmatch(r"\s*(\d{4})\s*(?:[-–~:]\s*(\d{4}))?\s*", text)
    if not m:
        raise ValueError(f"expected YEAR or FIRST-LAST, e.g. 2019-2024, got {text!r}")
    first, last = int(m.group(1)), int(m.group(2) or m.group(1))
    if first > last:
        raise ValueError(f"the first year {first} is after the last {last}")
    return first, last


def write_manifest(rows: Iterable[ManifestRow], path: str | os.PathLike[str]) -> None:
    """Write manifest rows as CSV (url, title, year, list_page; UTF-8, header always)."""
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(MANIFEST_COLUMNS)
        writer.writerows((r.url, r.title, "" if r.year is None else r.year, r.list_page) for r in rows)


def read_manifest(path: str | os.PathLike[str]) -> list[str]:
    """Given a manifest CSV with a ``url`` column, return its URLs in order (blank rows skipped)."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        if "url" not in (reader.fieldnames or ()):
            raise ValueError(f"{os.fspath(path)}: no 'url' column in the header")
        return [row["url"].strip() for row in reader if (row.get("url") or "").strip()]
