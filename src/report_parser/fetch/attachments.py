"""Landing pages: an HTML page that only links to the report as a PDF/DOC/DOCX/WPS attachment.

A page is a landing page when it links to such a file whose link text or file name says it is
the report (年度报告, 年报 or 政府信息公开), and its own text is not a report: a landing page's
main text is a line or two, while a report page prints the part headings (at least three of the
six; length alone misleads, as tables of digits are short and site chrome is long). The
attachment is then fetched and stands in for the page; its provenance keeps the page as
``landing_url``.
"""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import unquote, urlsplit

from ..errors import ReportParserError
from .client import Fetched, Fetcher, FetchFailure, FetchResult
from .page import Link, read_page

EXTENSIONS = (".pdf", ".doc", ".docx", ".wps")
KEYWORDS = ("年度报告", "年报", "政府信息公开")
# A report prints most of these part headings; a landing page prints none or one.
PART_MARKERS = ("总体情况", "主动公开政府信息情况", "收到和处理政府信息公开申请情况",
                "行政复议、行政诉讼", "存在的主要问题", "其他需要报告的事项")


def attachment_link(link: Link) -> bool:
    """Given a link, tell whether it points to a report file (extension plus a keyword)."""
    parts = urlsplit(link.url)
    name = unquote(parts.path.rsplit("/", 1)[-1]).lower()
    query = unquote(parts.query).lower()
    is_file = name.endswith(EXTENSIONS) or any(q.endswith(EXTENSIONS) for q in query.split("&"))
    return is_file and any(k in link.text or k in name or k in query for k in KEYWORDS)


def is_report_text(text: str) -> bool:
    """Given a page's visible text, tell whether it is a report itself (not a landing page)."""
    return sum(m in text for m in PART_MARKERS) >= 3


def find_attachment(page: Fetched) -> str | None:
    """Given a fetched page, return the report attachment's URL if the page is a landing page."""
    if page.media_type != "text/html":
        return None
    read = read_page(page.body, page.info.final_url, page.info.content_type)
    if is_report_text(read.text):
        return None
    return next((link.url for link in read.links if attachment_link(link)), None)


def fetch_report(fetcher: Fetcher, url: str) -> FetchResult:
    """Given a URL, return the report it leads to: the page itself, or its attachment.

    For an attachment the result keeps ``url`` as given, takes final_url, status, fetched_at
    and Content-Type from the attachment, and sets ``landing_url`` to the page's final URL.
    """
    try:
        page = fetcher.get(url)
        target = find_attachment(page)
        if target is None:
            return page
        attached = fetcher.get(target)
    except ReportParserError as exc:
        return FetchFailure.of(url, exc)
    info = replace(attached.info, url=url, landing_url=page.info.final_url)
    return Fetched(info, attached.body, attached.media_type)
