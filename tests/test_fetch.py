"""The fetch stage against a real local HTTP server: charsets, redirects, errors, retries,
timeouts, size limits, robots.txt, politeness, media sniffing, the cache and attachments."""

from __future__ import annotations

import email.utils
import hashlib
import time
import zlib

import httpx
import pytest
from sitelib import Site, docx_bytes, landing_page, mismatches, report_case, report_page, text_page

import report_parser.fetch
from report_parser.fetch import Cache, Fetched, Fetcher, FetchFailure, FetchOptions, fetch_report
from report_parser.fetch.client import DOCX, retry_after
from report_parser.pipeline import Options, parse_bytes

FAST = {"delay": 0.0, "backoff": 0.01, "retries": 2, "connect_timeout": 2.0, "read_timeout": 2.0}
ROBOTS = "User-agent: *\nDisallow: /private/\n"


@pytest.fixture
def site():
    with Site() as s:
        s.add("/robots.txt", ROBOTS, content_type="text/plain")
        yield s


@pytest.fixture
def client():
    with httpx.Client(trust_env=False) as c:
        yield c


class Sleeps(list):
    """A fake ``sleep`` that records the waits instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def fetcher(client, cache=None, sleep=None, **options) -> Fetcher:
    return Fetcher(client, FetchOptions(**{**FAST, **options}), cache, sleep=time.sleep if sleep is None else sleep)


def cells_of(report) -> dict:
    return {(c.table, c.row_path, c.col_path): (c.status, c.value) for c in report.cells}


def test_public_names():
    assert set(report_parser.fetch.__all__) == {
        "Cache", "Discovery", "FetchFailure", "FetchOptions", "FetchResult", "Fetched", "Fetcher",
        "ManifestRow", "discover", "fetch_report"}


# --- charsets: the report text comes out right whatever the headers say ----------------------

RARE = "䶮𫖯"  # CJK Extension A and C: only GB18030 (four-byte sequences) encodes them


def _charset_cases():
    return [  # id, how the page is encoded, Content-Type header, page builder
        ("gbk-header-lies-utf8", "gbk", "text/html; charset=utf-8", lambda c: report_page(c, "gb2312")),
        ("gbk-no-header-meta-gb2312", "gbk", "text/html", lambda c: report_page(c, "gb2312")),
        ("gbk-no-header-no-meta", "gbk", "text/html", lambda c: text_page(c, None)),
        ("gb18030-declared-gb2312", "gb18030", "text/html; charset=gb2312", lambda c: text_page(c, "gb2312")),
        ("utf8-header-lies-gbk", "utf-8", "text/html; charset=gbk", lambda c: text_page(c, None)),
        ("utf8-meta-lies-gb2312", "utf-8", None, lambda c: report_page(c, "gb2312")),
        ("utf8-bom-header-gb2312", "utf-8-sig", "text/html; charset=gb2312", lambda c: text_page(c, "gbk")),
        ("gbk-plain-text-header-utf8", "gbk", "text/plain; charset=utf-8", lambda c: c.text),
    ]


@pytest.mark.parametrize("name,encoding,content_type,build", _charset_cases(),
                         ids=lambda v: v if isinstance(v, str) else "")
def test_charsets_with_lying_or_missing_headers(site, client, name, encoding, content_type, build):
    case = report_case(zlib.crc32(name.encode()) % 1000)
    page = build(case)
    if encoding == "gb18030":
        page = page.replace("一、总体情况", f"一、总体情况\n{RARE}", 1)
    url = site.add(f"/{name}.html", page.encode(encoding), content_type=content_type)
    got = fetcher(client).fetch(url)
    assert isinstance(got, Fetched), got
    assert got.info.content_type == (content_type or "")
    report = parse_bytes(got.body, url, Options(), fetched=got.info)
    assert report.status == "ok", report.diagnostics
    assert report.meta.agency == case.agency
    assert report.encoding == ("gb18030" if encoding in ("gbk", "gb18030") else encoding)
    assert mismatches(cells_of(report), case) == []
    if encoding == "gb18030":
        assert RARE in "".join(p.text for p in report.parts)
    assert (report.url, report.final_url, report.http_status) == (url, url, 200)


# --- redirects --------------------------------------------------------------------------------

def test_redirect_chain_is_followed_hop_by_hop(site, client):
    site.add("/final.html", "<html><body>ok</body></html>")
    site.redirect("/b", "/final.html", 301)
    first = site.redirect("/a", "b", 307)  # relative Location
    got = fetcher(client).fetch(first)
    assert isinstance(got, Fetched)
    assert got.info.final_url == site.url("/final.html") and got.info.url == first
    assert site.requests == ["/robots.txt", "/a", "/b", "/final.html"]


def test_redirect_loop_is_detected(site, client):
    site.redirect("/loop/a", "/loop/b")
    site.redirect("/loop/b", "/loop/a")
    got = fetcher(client).fetch(site.url("/loop/a"))
    assert isinstance(got, FetchFailure) and got.code == "redirect_loop" and not got.transient
    assert site.seen("/loop/a") == 1 and site.seen("/loop/b") == 1


def test_too_many_redirects(site, client):
    for i in range(5):
        site.redirect(f"/hop{i}", f"/hop{i + 1}")
    got = fetcher(client, max_redirects=3).fetch(site.url("/hop0"))
    assert isinstance(got, FetchFailure) and got.code == "too_many_redirects"
    assert site.seen("/hop4") == 0


def test_only_http_and_https(site, client):
    site.redirect("/to-ftp", "ftp://127.0.0.1/report.pdf")
    f = fetcher(client)
    assert f.fetch("ftp://127.0.0.1/report.pdf").code == "bad_scheme"
    assert f.fetch("file:///etc/passwd").code == "bad_scheme"
    assert f.fetch(site.url("/to-ftp")).code == "bad_scheme"
    assert f.fetch("http:///nohost").code == "bad_url"


# --- HTTP errors and retries ------------------------------------------------------------------

def test_404_is_permanent_and_not_retried(site, client):
    got = fetcher(client).fetch(site.url("/missing.html"))
    assert isinstance(got, FetchFailure)
    assert (got.code, got.http_status, got.transient) == ("http_error", 404, False)
    assert site.seen("/missing.html") == 1


def test_500_is_retried_then_fails_as_transient(site, client):
    site.add("/broken", "oops", status=500)
    sleeps = Sleeps()
    got = fetcher(client, sleep=sleeps, retries=3, backoff=0.5).fetch(site.url("/broken"))
    assert isinstance(got, FetchFailure)
    assert (got.code, got.http_status, got.transient) == ("http_server_error", 500, True)
    assert site.seen("/broken") == 4
    assert sleeps == [0.5, 1.0, 2.0]  # exponential backoff


def test_503_then_ok(site, client):
    site.add("/busy", answer=lambda n: (503, {}, b"busy") if n == 1 else (200, {}, b"<html><body>ok</body></html>"))
    sleeps = Sleeps()
    got = fetcher(client, sleep=sleeps).fetch(site.url("/busy"))
    assert isinstance(got, Fetched) and got.info.http_status == 200
    assert site.seen("/busy") == 2 and sleeps == [0.01]


def test_429_honours_retry_after_seconds(site, client):
    site.add("/limited", answer=lambda n: (429, {"Retry-After": "3"}, b"") if n == 1 else (200, {}, b"<html>ok</html>"))
    sleeps = Sleeps()
    got = fetcher(client, sleep=sleeps).fetch(site.url("/limited"))
    assert isinstance(got, Fetched)
    assert sleeps == [3.0]


def test_429_retry_after_http_date_is_capped(site, client):
    later = email.utils.formatdate(time.time() + 3600, usegmt=True)
    site.add("/limited", answer=lambda n: (429, {"Retry-After": later}, b"") if n == 1 else (200, {}, b"<html/>"))
    sleeps = Sleeps()
    got = fetcher(client, sleep=sleeps, max_retry_after=5).fetch(site.url("/limited"))
    assert isinstance(got, Fetched) and sleeps == [5.0]


def test_429_after_all_retries_is_rate_limited(site, client):
    site.add("/limited", status=429, headers={"Retry-After": "0"})
    got = fetcher(client, sleep=Sleeps(), retries=1).fetch(site.url("/limited"))
    assert isinstance(got, FetchFailure) and (got.code, got.http_status, got.transient) == ("rate_limited", 429, True)


def test_retry_after_parsing():
    assert retry_after("120") == 120.0
    assert retry_after(None) is None and retry_after("soon") is None
    assert 55 <= retry_after(email.utils.formatdate(time.time() + 60, usegmt=True)) <= 60
    assert retry_after(email.utils.formatdate(time.time() - 60, usegmt=True)) == 0.0


def test_response_slower_than_the_timeout(site, client):
    site.add("/slow", "<html>late</html>", delay=1.0)
    started = time.monotonic()
    got = fetcher(client, read_timeout=0.2, retries=1).fetch(site.url("/slow"))
    assert isinstance(got, FetchFailure) and got.code == "timeout" and got.transient
    assert site.seen("/slow") == 2
    assert time.monotonic() - started < 1.5


def test_connection_refused_is_a_network_error(client):
    with Site() as gone:
        url = gone.url("/x.html")
    got = fetcher(client, respect_robots=False, retries=0).fetch(url)
    assert isinstance(got, FetchFailure) and got.code == "network_error" and got.transient


# --- size limit -------------------------------------------------------------------------------

def test_oversized_body_with_content_length(site, client):
    site.add("/big.pdf", b"%PDF" + b"x" * 5000, content_type="application/pdf")
    got = fetcher(client, max_bytes=1000).fetch(site.url("/big.pdf"))
    assert isinstance(got, FetchFailure) and got.code == "too_large" and not got.transient
    assert site.seen("/big.pdf") == 1


def test_oversized_streamed_body_is_aborted(site, client):
    site.add("/huge.html", b"<html>" + b"a" * 400_000, stream=True)
    got = fetcher(client, max_bytes=100_000).fetch(site.url("/huge.html"))
    assert isinstance(got, FetchFailure) and got.code == "too_large"
    assert "aborted" in got.message


def test_body_at_the_limit_is_kept(site, client):
    site.add("/exact.html", b"<html>" + b"a" * 994, stream=True)
    got = fetcher(client, max_bytes=1000).fetch(site.url("/exact.html"))
    assert isinstance(got, Fetched) and len(got.body) == 1000


# --- robots.txt -------------------------------------------------------------------------------

def test_robots_disallowed_path_is_never_requested(site, client):
    site.add("/private/report.html", "<html>secret</html>")
    site.add("/public.html", "<html>ok</html>")
    site.redirect("/sneaky", "/private/report.html")
    f = fetcher(client)
    got = f.fetch(site.url("/private/report.html"))
    assert isinstance(got, FetchFailure) and got.code == "robots_disallowed"
    assert f.fetch(site.url("/sneaky")).code == "robots_disallowed"
    assert isinstance(f.fetch(site.url("/public.html")), Fetched)
    assert site.seen("/private/report.html") == 0
    assert site.seen("/robots.txt") == 1  # once per host


def test_robots_can_be_overridden_for_ones_own_site(site, client):
    site.add("/private/report.html", "<html>mine</html>")
    got = fetcher(client, respect_robots=False).fetch(site.url("/private/report.html"))
    assert isinstance(got, Fetched)
    assert site.seen("/robots.txt") == 0


def test_robots_rules_for_our_user_agent(site, client):
    site.add("/robots.txt", "User-agent: report-parser\nDisallow: /\n\nUser-agent: *\nAllow: /\n",
             content_type="text/plain")
    site.add("/a.html", "<html>a</html>")
    got = fetcher(client).fetch(site.url("/a.html"))
    assert isinstance(got, FetchFailure) and got.code == "robots_disallowed"
    assert site.agents[0].startswith("report-parser/")


def test_missing_robots_allows_everything(client):
    with Site() as bare:
        bare.add("/a.html", "<html>a</html>")
        assert isinstance(fetcher(client).fetch(bare.url("/a.html")), Fetched)
        assert bare.requests == ["/robots.txt", "/a.html"]


def test_unreachable_robots_means_nothing_is_requested(client):
    with Site() as down:
        down.add("/robots.txt", "busy", status=503)
        down.add("/a.html", "<html>a</html>")
        f = fetcher(client, sleep=Sleeps(), retries=1)
        got = f.fetch(down.url("/a.html"))
        assert isinstance(got, FetchFailure) and got.code == "http_server_error" and "robots.txt" in got.message
        assert down.seen("/a.html") == 0


def test_crawl_delay_slows_the_host_down(client):
    with Site() as slow:
        slow.add("/robots.txt", "User-agent: *\nCrawl-delay: 7\n", content_type="text/plain")
        for i in range(3):
            slow.add(f"/{i}.html", f"<html>{i}</html>")
        sleeps = Sleeps()
        f = fetcher(client, sleep=sleeps, concurrency_per_host=1)
        for i in range(3):
            f.fetch(slow.url(f"/{i}.html"))
        assert sum(sleeps) >= 13.9  # 7 s before each of the second and third page


# --- politeness -------------------------------------------------------------------------------

def test_per_host_concurrency_is_capped(site, client):
    urls = [site.add(f"/slow{i}.html", f"<html>{i}</html>", delay=0.25) for i in range(6)]
    results = list(fetcher(client, concurrency_per_host=2, workers=6).fetch_all(urls))
    assert all(isinstance(r, Fetched) for r in results)
    assert site.max_in_flight == 2


def test_minimum_delay_between_requests_to_a_host(site, client):
    urls = [site.add(f"/p{i}.html", f"<html>{i}</html>") for i in range(3)]
    list(fetcher(client, delay=0.2, concurrency_per_host=2, workers=3).fetch_all(urls))
    starts = [t for path, t in site.times]
    gaps = [b - a for a, b in zip(starts, starts[1:], strict=False)]
    assert len(starts) == 4 and min(gaps) >= 0.18, gaps  # robots.txt + three pages


def test_fetch_all_keeps_input_order(site, client):
    urls = [site.add(f"/o{i}.html", f"<html>{i}</html>", delay=0.05 * (5 - i)) for i in range(5)]
    urls.insert(2, site.url("/missing"))
    results = list(fetcher(client, concurrency_per_host=5).fetch_all(urls))
    assert [r.info.url if isinstance(r, Fetched) else r.url for r in results] == urls
    assert isinstance(results[2], FetchFailure)


# --- media type from the bytes ----------------------------------------------------------------

@pytest.mark.parametrize("body,header,media", [
    (b"%PDF-1.7\n...", "text/html", "application/pdf"),
    (docx_bytes("一、总体情况"), "application/octet-stream", DOCX),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "application/octet-stream", "application/msword"),
    (b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "text/html", "image/png"),
    (b"<!DOCTYPE html><html><body>x</body></html>", "application/octet-stream", "text/html"),
])
def test_media_type_is_sniffed_from_the_bytes(site, client, body, header, media):
    got = fetcher(client).fetch(site.add("/file", body, content_type=header))
    assert isinstance(got, Fetched) and got.media_type == media


# --- the cache ---------------------------------------------------------------------------------

def test_cache_replays_with_the_server_stopped(tmp_path, client):
    with Site() as s:
        s.add("/a.html", "<html>a</html>")
        s.add("/b.html", "<html>a</html>")  # same bytes: stored once
        s.redirect("/r", "/a.html")
        urls = [s.url("/a.html"), s.url("/b.html"), s.url("/r"), s.url("/gone.html")]
        with Cache(tmp_path / "c") as cache:
            first = list(fetcher(client, cache).fetch_all(urls))
    with Cache(tmp_path / "c") as cache:
        f = Fetcher(client, FetchOptions(**FAST), cache, now=lambda: "never")
        again = list(f.fetch_all(urls))
        offline = list(Fetcher(client, FetchOptions(**FAST, offline=True), cache).fetch_all(urls))
    assert again == first == offline
    assert first[2].info.final_url == urls[0]
    assert first[3].code == "http_error" and first[3].http_status == 404  # a 404 replays as a 404
    blobs = {p.name for p in (tmp_path / "c" / "blobs").rglob("*") if p.is_file()}
    assert blobs == {first[0].sha256, hashlib.sha256(b"<html><body>not found</body></html>").hexdigest()}


def test_offline_miss_is_not_cached(tmp_path, client):
    with Cache(tmp_path / "c") as cache:
        got = Fetcher(client, FetchOptions(offline=True), cache).fetch("http://127.0.0.1:9/x.html")
    assert isinstance(got, FetchFailure) and got.code == "not_cached"


def test_server_errors_are_not_cached(tmp_path, site, client):
    site.add("/flaky", answer=lambda n: (500, {}, b"") if n <= 3 else (200, {}, b"<html>ok</html>"))
    with Cache(tmp_path / "c") as cache:
        assert fetcher(client, cache, retries=0).fetch(site.url("/flaky")).code == "http_server_error"
        assert cache.get(site.url("/flaky")) is None
        assert isinstance(fetcher(client, cache, retries=2).fetch(site.url("/flaky")), Fetched)
        assert cache.get(site.url("/flaky")) is not None


def test_damaged_blob_is_a_miss(tmp_path, site, client):
    url = site.add("/a.html", "<html>a</html>")
    with Cache(tmp_path / "c") as cache:
        got = fetcher(client, cache).fetch(url)
        cache.blob_path(got.sha256).write_bytes(b"tampered")
        assert cache.get(url) is None


# --- attachments ------------------------------------------------------------------------------

def test_landing_page_leads_to_its_attachment(site, client):
    case = report_case(7)
    site.add("/files/report.docx", docx_bytes(case.text), content_type="application/octet-stream")
    landing = site.add("/nb/t1.html", landing_page("2021年政府信息公开工作年度报告", "../files/report.docx",
                                                   "2021年度报告.docx"))
    first = site.redirect("/nb/old.html", "/nb/t1.html")
    got = fetch_report(fetcher(client), first)
    assert isinstance(got, Fetched) and got.media_type == DOCX
    assert (got.info.url, got.info.final_url, got.info.landing_url) == (first, site.url("/files/report.docx"), landing)
    report = parse_bytes(got.body, first, Options(), fetched=got.info)
    assert (report.source, report.landing_url, report.final_url) == (first, landing, site.url("/files/report.docx"))
    if any(d.code == "unsupported_media" for d in report.diagnostics):
        assert report.status == "failed"  # until the Word extractor lands
    else:
        assert mismatches(cells_of(report), case) == []


def test_report_page_with_an_attachment_is_the_report(site, client):
    case = report_case(8)
    page = report_page(case).replace("</body>", '<a href="/f/全文.pdf">2021年度报告.pdf</a></body>')
    url = site.add("/nb/report.html", page)
    got = fetch_report(fetcher(client), url)
    assert isinstance(got, Fetched) and got.info.landing_url is None and got.media_type == "text/html"
    assert site.seen("/f/全文.pdf") == 0


@pytest.mark.parametrize("link,followed", [
    ('<a href="/f/a.pdf">2021年度报告</a>', True),
    ('<a href="/f/2021年政府信息公开年报.wps">下载</a>', True),
    ('<a href="/download.jsp?file=%E5%B9%B4%E6%8A%A5.doc">附件</a>', True),
    ('<a href="/f/a.pdf">招标公告</a>', False),
    ('<a href="/f/年度报告.html">2021年度报告</a>', False),
])
def test_which_links_are_attachments(site, client, link, followed):
    site.add("/f/a.pdf", b"%PDF-1.4 x", content_type="application/pdf")
    ole = b"\xd0\xcf\x11\xe0" + b"\0" * 100
    site.add("/f/2021年政府信息公开年报.wps", ole, content_type="application/octet-stream")
    site.add("/download.jsp", ole, content_type="application/octet-stream")
    url = site.add("/land.html", f"<html><body><h1>关于发布年报的通知</h1><p>{link}</p></body></html>")
    got = fetch_report(fetcher(client), url)
    assert isinstance(got, Fetched)
    assert (got.info.landing_url == url) is followed


def test_failed_attachment_is_a_failure_of_the_page(site, client):
    url = site.add("/land.html", landing_page("2021年度报告", "/f/missing.pdf", "2021年度报告.pdf"))
    got = fetch_report(fetcher(client), url)
    assert isinstance(got, FetchFailure) and got.url == url and got.http_status == 404


# --- options ----------------------------------------------------------------------------------

@pytest.mark.parametrize("bad", [{"delay": -1}, {"concurrency_per_host": 0}, {"read_timeout": 0},
                                 {"retries": -1}, {"max_bytes": 0}, {"user_agent": " "}])
def test_options_are_validated(bad):
    with pytest.raises(ValueError):
        FetchOptions(**bad)
