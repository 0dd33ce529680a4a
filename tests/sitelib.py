"""A real HTTP server on 127.0.0.1 for the fetch tests, and synthetic report pages to serve.

``Site`` serves routes from a thread (``http.server``), records every request path in order,
tracks the most requests in flight, and can answer every odd-numbered request of each path
with 503 (``flaky``) to exercise retries. No test touches the internet.
"""

from __future__ import annotations

import html
import io
import random
import threading
import time
import zipfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlsplit

from report_parser import synth

try:  # the lead's HTML page generator; until it lands, reports are wrapped in <pre>
    from report_parser.synth_html import render_html
except ImportError:  # pragma: no cover
    render_html = None


@dataclass
class Route:
    """What one path answers: status, headers, body; ``delay`` seconds before answering.

    ``stream`` sends the body without Content-Length, in 64 KiB chunks (size known only by reading).
    ``answer`` overrides everything: called with the request count of this path (1, 2, …).
    """

    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    stream: bool = False
    answer: Callable[[int], tuple[int, dict[str, str], bytes]] | None = None


class Site:
    """A local web site for tests: ``with Site() as site: site.add("/a.html", b"...")``."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[str] = []
        self.agents: list[str] = []
        self.flaky = False
        self.counts: Counter[str] = Counter()
        self.in_flight = self.max_in_flight = 0
        self.times: list[tuple[str, float]] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    # --- routes -----------------------------------------------------------------------------

    def add(self, path: str, body: bytes | str = b"", status: int = 200, content_type: str | None = "text/html",
            **kw: object) -> str:
        """Serve ``body`` at ``path`` (str bodies are UTF-8); return the full URL."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        headers = dict(kw.pop("headers", {}) or {})  # type: ignore[call-overload]
        if content_type is not None:
            headers.setdefault("Content-Type", content_type)
        self.routes[path] = Route(data, status, headers, **kw)  # type: ignore[arg-type]
        return self.url(path)

    def redirect(self, path: str, to: str, status: int = 302) -> str:
        """Answer ``path`` with a redirect to ``to``; return the full URL of ``path``."""
        return self.add(path, b"", status, None, headers={"Location": to})

    def url(self, path: str) -> str:
        assert self._server is not None, "start the site first"
        return f"http://127.0.0.1:{self._server.server_address[1]}{path}"

    def seen(self, path: str) -> int:
        """Return how many requests the site got for ``path``."""
        with self._lock:
            return self.requests.count(path)

    # --- lifecycle --------------------------------------------------------------------------

    def start(self) -> Site:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, args=(0.02,), daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def __enter__(self) -> Site:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- serving ----------------------------------------------------------------------------

    def _answer(self, path: str) -> tuple[Route | None, int]:
        with self._lock:
            self.requests.append(path)
            self.times.append((path, time.monotonic()))
            self.counts[path] += 1
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            return self.routes.get(path), self.counts[path]

    def _done(self) -> None:
        with self._lock:
            self.in_flight -= 1


def _handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"

        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            path = unquote(urlsplit(self.path).path)
            site.agents.append(self.headers.get("User-Agent", ""))
            route, n = site._answer(path)
            try:
                self._serve(route, n)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (timeouts, size limits): expected
            finally:
                site._done()

        def _serve(self, route: Route | None, n: int) -> None:
            if route is None:
                return self._send(404, {"Content-Type": "text/html"}, b"<html><body>not found</body></html>")
            if route.delay:
                time.sleep(route.delay)
            if site.flaky and n % 2 == 1:
                return self._send(503, {"Content-Type": "text/plain"}, b"busy")
            if route.answer is not None:
                return self._send(*route.answer(n))
            if route.stream:
                return self._stream(route)
            self._send(route.status, route.headers, route.body)

        def _send(self, status: int, headers: dict[str, str], body: bytes) -> None:
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _stream(self, route: Route) -> None:
            self.send_response(route.status)
            for k, v in route.headers.items():
                self.send_header(k, v)
            self.end_headers()
            for i in range(0, len(route.body), 65536):
                self.wfile.write(route.body[i:i + 65536])

        def log_message(self, *args: object) -> None:
            pass

    return Handler


# --- synthetic reports -------------------------------------------------------------------------

Key = tuple[str, str, str]


@dataclass(frozen=True)
class Case:
    """One synthetic report: its template, values, agency, year and text (for <pre> pages)."""

    template: str
    values: dict[Key, str]
    agency: str
    year: int
    text: str
    seed: int


def report_case(seed: int, template: str | None = None) -> Case:
    """Given a seed, return a synthetic report of either template with known answers."""
    rng = random.Random(seed)
    template = template or ("2019", "2021")[seed % 2]
    values = synth.sample(template, "cell_per_line", rng)
    agency = rng.choice(synth.PLACES) + rng.choice(synth.BODIES)
    year = rng.choice((2019, 2020)) if template == "2019" else rng.randint(2021, 2024)
    text = synth.render(template, values, "cell_per_line", rng, agency=agency, year=year)
    return Case(template, values, agency, year, text, seed)


def report_page(case: Case, charset: str = "utf-8") -> str:
    """Given a case, return its web page (the lead's CMS renderer, else the text in ``<pre>``)."""
    if render_html is not None:
        rng = random.Random(case.seed)
        style = ("cms", "word")[case.seed % 2]
        return render_html(case.template, case.values, rng, style=style, agency=case.agency, year=case.year,
                           charset=charset)
    return (f'<!DOCTYPE html><html><head><meta charset="{charset}"><title>{case.agency}</title></head>'
            f"<body><pre>{html.escape(case.text)}</pre></body></html>")


def text_page(case: Case, charset: str | None) -> str:
    """Given a case, return its plain text wrapped in a minimal HTML page (charset optional)."""
    meta = f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">' if charset else ""
    return (f"<!DOCTYPE html><html><head>{meta}<title>{case.agency}</title></head>"
            f"<body><pre>{html.escape(case.text)}</pre></body></html>")


def landing_page(title: str, href: str, filename: str) -> str:
    """Return a CMS landing page whose only content is a link to the report attachment."""
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title></head><body>'
            f'<div class="nav"><a href="/">首页</a> &gt; <a href="/nb/">政府信息公开年报</a></div>'
            f"<h1>{title}</h1><p>发布日期：2022-01-20</p><p>附件：<a href=\"{href}\">{filename}</a></p>"
            f'<div class="qr">扫一扫在手机打开当前页</div></body></html>')


def docx_bytes(text: str) -> bytes:
    """Given a report's text, return a minimal DOCX holding it, a paragraph per line."""
    paras = "".join(f"<w:p><w:r><w:t xml:space=\"preserve\">{html.escape(line)}</w:t></w:r></w:p>"
                    for line in text.split("\n"))
    document = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                f"<w:body>{paras}</w:body></w:document>")
    types = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
             'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
             'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override '
             'PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
             'wordprocessingml.document.main+xml"/></Types>')
    rels = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in (("[Content_Types].xml", types), ("_rels/.rels", rels), ("word/document.xml", document)):
            info = zipfile.ZipInfo(name, date_time=(2022, 1, 1, 0, 0, 0))
            z.writestr(info, data)
    return out.getvalue()


def mismatches(cells: dict[tuple[str, str, str], tuple[str, str]], case: Case) -> list[str]:
    """Given parsed cells as {(table, row, col): (status, value)}, list every wrong or missing one."""
    from decimal import Decimal

    problems = []
    for table, row, col, status, value in synth.answers(case.template, case.values):
        got = cells.get((table, row, col))
        ok = got is not None and got[0] == status and (
            status != "value" or Decimal(got[1] or "NaN") == Decimal(value))
        if not ok:
            problems.append(f"{table} {row} | {col}: expected {status} {value!r}, got {got}")
    return problems


# --- list pages --------------------------------------------------------------------------------

NAV = ('<div class="nav"><a href="/">首页</a> <a href="/zwgk/">政务公开</a> '
       '<a href="/nb/">政府信息公开年报</a> <a href="/zwgk/notice.html">关于做好2021年政务公开工作的通知</a></div>')


def serve_list(site: Site, items: list[tuple[str, str]], per_page: int = 7, folder: str = "/nb/") -> str:
    """Serve ``items`` (href, title) on list pages index.html, index_1.html, … with 上一页/下一页,
    numbered and 尾页 links (the last page's 下一页 leads back to the first); return page one's URL."""
    chunks = [items[i:i + per_page] for i in range(0, len(items), per_page)] or [[]]
    names = ["index.html"] + [f"index_{i}.html" for i in range(1, len(chunks))]
    for i, chunk in enumerate(chunks):
        rows = "".join(_list_row(href, title, j) for j, (href, title) in enumerate(chunk))
        numbers = " ".join(f'<a href="{n}">{k + 1}</a>' for k, n in enumerate(names))
        prev = f'<a href="{names[i - 1]}">上一页</a>' if i else ""
        pager = f'{prev} {numbers} <a href="{names[(i + 1) % len(names)]}">下一页</a> <a href="{names[-1]}">尾页</a>'
        page = (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>政府信息公开年报</title></head><body>{NAV}'
                f'<ul class="list">{rows}</ul><div class="pager">{pager}</div></body></html>')
        site.add(folder + names[i], page)
    return site.url(folder + "index.html")


def _list_row(href: str, title: str, j: int) -> str:
    if j % 3 == 2 and len(title) > 12:  # CMS lists cut long titles and keep the whole one in title=
        return f'<li><a href="{href}" title="{title}">{title[:12]}…</a><span>2022-01-{j + 10}</span></li>'
    return f'<li><a href="{href}">{title}</a><span>2022-01-{j + 10}</span></li>'
