"""Read a fetched HTML page for its links and visible text (for attachments and discovery)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urldefrag, urljoin

import lxml.html
from lxml import etree

from ..errors import ReportParserError
from ..extract.text import decode

_SKIP = ("script", "style", "noscript", "template")


@dataclass(frozen=True, slots=True)
class Link:
    """One ``<a href>``: the absolute URL and its text (or its title attribute, if longer)."""

    url: str
    text: str


@dataclass(frozen=True, slots=True)
class Page:
    """A page's visible text, its links in document order and raw script text (for paging calls)."""

    url: str
    text: str
    links: tuple[Link, ...]
    scripts: str


def read_page(body: bytes, url: str, content_type: str = "") -> Page:
    """Given an HTML body and the URL it came from, return its text and absolute links.

    Decoded like the parser decodes (``extract.text.decode``: BOM, header, ``<meta>``, GB18030).
    """
    try:
        text, _, _ = decode(body, url, content_type)
        root = lxml.html.document_fromstring(text.encode("utf-8"),
                                             parser=lxml.html.HTMLParser(encoding="utf-8"))
    except (ReportParserError, etree.ParserError, ValueError):
        return Page(url, "", (), "")
    scripts = "\n".join(s.text or "" for s in root.iter("script"))
    etree.strip_elements(root, *_SKIP, with_tail=False)
    base_el = root.find(".//base[@href]")
    base = urljoin(url, (base_el.get("href") or "").strip()) if base_el is not None else url
    links = tuple(link for a in root.iter("a") if (link := _link(a, base)) is not None)
    visible = " ".join(_text(root).split())
    return Page(url, visible, links, scripts)


def _link(a: etree._Element, base: str) -> Link | None:
    """Given an ``<a>`` element, return its Link, or None for non-navigating hrefs."""
    href = (a.get("href") or "").strip()
    if not href or href.lower().startswith(("#", "javascript:", "mailto:", "tel:")):
        return None
    text = " ".join(_text(a).split())
    title = " ".join((a.get("title") or "").split())
    return Link(urldefrag(urljoin(base, href))[0], title if len(title) > len(text) else text)


def _text(el: etree._Element) -> str:
    """Given an element, return all the text inside it (not its tail)."""
    return etree.tostring(el, method="text", encoding="unicode", with_tail=False)
