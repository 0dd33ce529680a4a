"""Discovery: list pages and their pagination -> manifest rows (url, title, year, list_page)."""

from __future__ import annotations

import csv

import httpx
import pytest
from sitelib import Site, serve_list

from report_parser.cli import main
from report_parser.fetch import Fetcher, FetchOptions, discover
from report_parser.fetch.discover import parse_years, read_manifest, year_of

FAST = FetchOptions(delay=0.0, backoff=0.01, retries=1)


@pytest.fixture
def site():
    with Site() as s:
        yield s


@pytest.fixture
def fetcher():
    with httpx.Client(trust_env=False) as client:
        yield Fetcher(client, FAST)


def items(n: int = 20, first_year: int = 2024) -> list[tuple[str, str]]:
    """n report links, newest first, cycling over the years and over a few agencies."""
    out = []
    for i in range(n):
        year = first_year - i % 7
        agency = ("南岭市教育局", "西河县人民政府", "青山市住房和城乡建设局")[i % 3]
        form = ("{a}{y}年度政府信息公开工作年度报告", "{a}{y}年政府信息公开工作年度报告",
                "{y}年{a}政府信息公开年报")[i % 3]
        out.append((f"/nb/t{i:02}.html", form.format(a=agency, y=year)))
    return out


@pytest.mark.parametrize("title,year", [
    ("南岭市教育局2021年度政府信息公开工作年度报告", 2021),
    ("2021年政府信息公开工作年度报告", 2021),
    ("关于2022年发布2021年度政府信息公开工作年度报告的说明", 2021),
    ("二〇二〇年度政府信息公开工作年度报告", 2020),
    ("2019 年度报告", 2019),
    ("政府信息公开年报", None),
])
def test_year_of(title, year):
    assert year_of(title) == year


def test_parse_years():
    assert parse_years("2019-2024") == (2019, 2024)
    assert parse_years("2021") == (2021, 2021)
    for bad in ("2024-2019", "19-24", "all"):
        with pytest.raises(ValueError):
            parse_years(bad)


def test_three_pages_of_twenty_reports(site, fetcher):
    want = items()
    first = serve_list(site, want)
    found = discover(fetcher, first)
    assert [(r.url, r.title, r.year) for r in found.rows] == [
        (site.url(href), title, year_of(title)) for href, title in want]
    assert found.pages == (first, site.url("/nb/index_1.html"), site.url("/nb/index_2.html"))
    assert {r.list_page for r in found.rows[14:]} == {site.url("/nb/index_2.html")}
    assert found.failures == ()
    assert site.seen("/nb/index.html") == 1  # 下一页 on the last page leads back: not read twice
    assert not any(p.startswith("/nb/t") for p in site.requests)  # the reports themselves are not fetched


def test_years_filter(site, fetcher):
    found = discover(fetcher, serve_list(site, items()), years=(2020, 2022))
    assert found.rows and all(2020 <= r.year <= 2022 for r in found.rows)
    assert len(found.rows) == sum(2020 <= year_of(t) <= 2022 for _, t in items())


def test_page_limit(site, fetcher):
    found = discover(fetcher, serve_list(site, items()), max_pages=2)
    assert len(found.pages) == 2 and len(found.rows) == 14


def test_script_pagination_and_repeated_content(site, fetcher):
    """createPageHTML(4, …) names four pages; the fourth answers with page one's content."""
    rows = items(9)
    pages = [rows[0:3], rows[3:6], rows[6:9]]
    for i, chunk in enumerate(pages):
        links = "".join(f'<li><a href="{h}">{t}</a></li>' for h, t in chunk)
        body = (f"<html><body><ul>{links}</ul><script>createPageHTML(4, {i}, \"index\", \"shtml\");</script>"
                "</body></html>")
        site.add("/list/index.shtml" if i == 0 else f"/list/index_{i}.shtml", body)
    site.routes["/list/index_3.shtml"] = site.routes["/list/index.shtml"]
    found = discover(fetcher, site.url("/list/index.shtml"))
    assert [r.url for r in found.rows] == [site.url(h) for h, _ in rows]
    assert len(found.pages) == 3 and site.seen("/list/index_3.shtml") == 1


def test_failed_list_page_is_reported(site, fetcher):
    found = discover(fetcher, site.url("/nowhere/index.html"))
    assert found.rows == () and [f.code for f in found.failures] == ["http_error"]


def test_discover_command_writes_the_manifest(site, tmp_path):
    first = serve_list(site, items())
    out = tmp_path / "manifest.csv"
    code = main(["discover", first, "--out", str(out), "--years", "2021-2024", "--delay", "0"])
    assert code == 0
    with out.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == ["url", "title", "year", "list_page"]
    assert rows and all(2021 <= int(r["year"]) <= 2024 for r in rows)
    assert read_manifest(out) == [r["url"] for r in rows]
    assert (tmp_path / ".report-parser-cache" / "index.sqlite").exists()


def test_read_manifest_needs_a_url_column(tmp_path):
    bad = tmp_path / "m.csv"
    bad.write_text("link,title\nhttp://x/a.html,a\n", encoding="utf-8")
    with pytest.raises(ValueError, match="url"):
        read_manifest(bad)
    good = tmp_path / "g.csv"
    good.write_text("\ufeffurl,title\nhttp://x/a.html,a\n\n ,blank\n", encoding="utf-8")
    assert read_manifest(good) == ["http://x/a.html"]
