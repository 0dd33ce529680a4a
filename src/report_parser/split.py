"""Split a report into its preamble (part 0) and the six parts.

Headings are found on the *folded* text (see ``normalize.fold``) and sliced from the printed
text; both have the same length, so offsets are shared. A heading is a Chinese numeral
(一 … 十) that does not sit inside a word or a bracket, an optional 、/./． and a subject from
``HEADINGS`` below. Pre-2019 layouts (概述, 依申请公开, 收费及减免, 统计表) map by subject, not by
numeral, so 六、主要问题和改进措施 is part 5. A table of contents (``一、概述,二、…``) and rows of the
request table (四、结转下年度继续办理) are not headings; the chosen headings are the longest run in
increasing numeral *and* part order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import regex

from .model import Diagnostic, Part

STAGE = "split"
PREAMBLE_TITLE = "前言"

# Templates as data: canonical title and subject patterns (on folded text, spaces removed)
# for each part. Part None marks a numbered section that is no part (old fee section, tables).
TITLES: dict[int, str] = {
    1: "总体情况",
    2: "主动公开政府信息情况",
    3: "收到和处理政府信息公开申请情况",
    4: "政府信息公开行政复议、行政诉讼情况",
    5: "存在的主要问题及改进情况",
    6: "其他需要报告的事项",
}

HEADINGS: tuple[tuple[int | None, str, tuple[str, ...]], ...] = (
    # (part, kind, subject patterns); kind: "new" 2019 wording, "old" pre-2019, "any" both.
    (None, "old", (r"(?:(?:依申请)?(?:政府|政务)?信息公开|政务公开|依申请公开)?(?:工作)?的?收费",)),
    (1, "new", (r"(?:政府信息公开)?(?:工作)?的?总体情况", r"政府信息总体公开情况")),
    (1, "old", (r"(?:主要)?(?:工作)?概述",)),
    (1, "any", (r"(?:政府信息公开)?(?:工作)?的?基本(?:工作)?情况",)),
    (2, "any", (r"(?:政府信息)?主动公开",)),
    (3, "new", (r"(?:收到和)?处理政府信息公开申请",)),
    (3, "old", (r"(?:政府)?(?:信息)?依申请",)),
    (4, "new", (r"(?:政府)?信息公开(?:工作)?(?:被申请)?行政法?复议",
                r"(?:申请)?行政复议[、和及与]?(?:提起)?行政诉讼")),
    (4, "old", (r"因?(?:政府)?信息公开\p{Han}{0,10}?行政复议", r"申请人因\p{Han}{0,12}?复议",
                r"复议[、和及与]?诉讼")),
    (5, "any", (r"(?:(?:政府)?信息公开)?(?:工作)?存在的?(?:主要)?问题",)),
    (5, "old", (r"(?:主要)?问题[及和与]?(?:改进|整改|下一步|打算)",)),
    (6, "any", (r"其[他它](?:需要?)?(?:报告|说明)的?事项", r"需要说明的?事项")),
    (None, "old", (r"\p{Han}{0,14}?统计(?:报)?表", r"咨询处理")),
)

# 2019 headings so distinctive that they count even when glued to a word (…432.52元三、收到和…).
GLUED_SUBJECTS = ("总体情况", "主动公开政府信息情况", "收到和处理政府信息公开申请情况",
                  "政府信息公开行政复议", "政府信息公开行政法复议", "存在的主要问题及改进情况",
                  "其他需要报告的事项")

# One named group per HEADINGS row, so a match says which row it came from.
_SUBJECT = regex.compile("|".join(
    f"(?P<h{i}>{'|'.join(pats)})" for i, (_, _, pats) in enumerate(HEADINGS)))
# A numeral and its separator (一、 一. 一 概述); what precedes it is checked in find_headings.
_NUMERAL = re.compile(r"([一二三四五六七八九十]{1,2})(?:[ \t]*[、.．][ \t]*|[ \t]+)")
_NOT_BEFORE = frozenset("第([【〔")  # 第二、 (一)
_GLUED_NUMERALS = frozenset("二三四五六")
_NUMERALS = {c: i for i, c in enumerate("一二三四五六七八九十", 1)}
# What may follow a subject on the heading line before the body starts.
_TAIL = regex.compile(r"(?:[的和及与、]?\p{Han}{0,8}?(?:情况|措施|计划|打算|事项))?[ \t]*[:：、]?")
_LIST_AFTER = regex.compile(r"[ \t]*[,，]")
_LINE_REST = regex.compile(r"[^\n]{0,31}")
_SENTENCE = regex.compile(r"[。,，;；]")
_SPACES = regex.compile(r"[ \t]+")
_BARE_PART1 = regex.compile(
    r"(?m)^[ \t]*((?:(?:政府信息公开)?(?:工作)?的?总体情况|(?:主要)?(?:工作)?概述))[ \t]*[:：]?[ \t]*$")


@dataclass(frozen=True, slots=True)
class Heading:
    """A heading candidate: where it is, its numeral value, part (None: no part) and wording kind."""

    start: int
    end: int
    numeral: int
    part: int | None
    kind: str


def split_parts(text: str, folded: str) -> tuple[list[Part], list[Diagnostic]]:
    """Given printed text and its folded twin, return the preamble and parts found, and diagnostics."""
    diags: list[Diagnostic] = []
    found = find_headings(folded)
    chosen = choose_headings(found)
    if sum(1 for h in chosen if h.part) < sum(1 for h in found if h.part):
        diags.append(Diagnostic(STAGE, "info", "heading_rejected",
                                "numbered headings out of order or repeated were ignored"))
    chosen = _add_bare_part1(folded, chosen, diags)
    if not any(h.part for h in chosen):
        diags.append(Diagnostic(STAGE, "warning", "no_parts", "no part heading found"))
    return build_parts(text, chosen), diags


def find_headings(folded: str) -> list[Heading]:
    """Given folded text, return every heading candidate in text order."""
    out: list[Heading] = []
    for m in _NUMERAL.finditer(folded):
        if not _may_start(folded, m):
            continue
        head = _match_subject(folded, m.end())
        if head is None:
            continue
        row, end = head
        part, kind, _ = HEADINGS[row]
        end = _heading_end(folded, m.start(), end)
        if _LIST_AFTER.match(folded, end):  # an item of a list or table of contents
            continue
        out.append(Heading(m.start(), end, _numeral_value(m.group(1)), part, kind))
    return out


def _may_start(folded: str, m: re.Match[str]) -> bool:
    """Given a numeral match, tell whether a heading may start there.

    Not after 第 or a bracket; glued to a word only for 二…六 before a distinctive 2019
    heading (…432.52元三、收到和处理…), as 一 ends many words (统一、唯一、之一).
    """
    before = folded[m.start() - 1] if m.start() else "\n"
    if before in _NOT_BEFORE:
        return False
    if not ("\u3400" <= before <= "\u9fff"):
        return True
    return (m.group(1) in _GLUED_NUMERALS and folded[m.end() - 1] == "、"
            and folded.startswith(GLUED_SUBJECTS, m.end()))


def _numeral_value(numeral: str) -> int:
    """Given 一 … 十九, return its value."""
    if len(numeral) == 1:
        return _NUMERALS[numeral]
    if numeral[0] == "十":
        return 10 + _NUMERALS.get(numeral[1], 0)
    return _NUMERALS[numeral[0]] * 10 + (_NUMERALS[numeral[1]] % 10 if numeral[1] != "十" else 0)


def _match_subject(folded: str, pos: int) -> tuple[int, int] | None:
    """Given folded text and a position after a numeral, return (HEADINGS row, end) or None.

    A subject spelled with spaces (一 概 述, PDF text) is matched with the spaces taken out.
    """
    m = _SUBJECT.match(folded, pos)
    if m:
        return _row(m), m.end()
    window = folded[pos:pos + 32]
    if " " not in window[:4]:
        return None
    keep = [i for i, c in enumerate(window) if c != " " and c != "\t"]
    m = _SUBJECT.match("".join([window[i] for i in keep]))
    if not m or not m.end():
        return None
    return _row(m), pos + keep[m.end() - 1] + 1


def _row(m: regex.Match[str]) -> int:
    """Given a subject match, return the HEADINGS row that matched."""
    return int(m.lastgroup[1:]) if m.lastgroup else 0


def _heading_end(folded: str, start: int, pos: int) -> int:
    """Given folded text, a heading's start and its subject's end, return where the heading ends.

    A heading alone on its line runs to the line end; one glued to its text ends after the
    subject and a short tail (…的情况, …改进措施).
    """
    rest = _LINE_REST.match(folded, pos).group()
    line_start = folded.rfind("\n", 0, start) + 1
    if len(rest) <= 30 and not _SENTENCE.search(rest) and not folded[line_start:start].strip():
        return pos + len(rest.rstrip())
    return _TAIL.match(folded, pos).end()


def choose_headings(found: list[Heading]) -> list[Heading]:
    """Given heading candidates, return the longest run increasing in numeral and part order.

    Sections that are no part (收费及减免, 统计表) are kept where their numeral fits between
    the chosen headings, so that they end the part before them.
    """
    heads = [h for h in found if h.part is not None]
    n = len(heads)
    best = [1] * n  # best[i]: longest run starting at i
    nxt = [-1] * n
    for i in range(n - 1, -1, -1):
        for j in range(i + 1, n):
            if _follows(heads[i], heads[j]) and best[j] + 1 > best[i]:
                best[i], nxt[i] = best[j] + 1, j
    if not n:
        return []
    top = max(best)
    i = max(k for k in range(n) if best[k] == top)  # a later run beats a contents list
    chain = []
    while i != -1:
        chain.append(heads[i])
        i = nxt[i]
    return _with_sections(chain, [h for h in found if h.part is None])


def _follows(a: Heading, b: Heading) -> bool:
    """Tell whether part heading b may come after part heading a in one report."""
    return b.numeral > a.numeral and (b.part or 0) > (a.part or 0)


def _with_sections(chain: list[Heading], sections: list[Heading]) -> list[Heading]:
    """Given chosen part headings and other numbered sections, return both in text order."""
    out = list(chain)
    for s in sections:
        prev = [h for h in chain if h.start < s.start]
        after = [h for h in chain if h.start > s.start]
        if prev and prev[-1].numeral < s.numeral and (not after or s.numeral < after[0].numeral):
            out.append(s)
    return sorted(out, key=lambda h: h.start)


def _add_bare_part1(folded: str, chosen: list[Heading], diags: list[Diagnostic]) -> list[Heading]:
    """Given the chosen headings, add an unnumbered 总体情况/概述 line before the first of them."""
    if any(h.part == 1 for h in chosen):
        return chosen
    limit = next((h.start for h in chosen if h.part), len(folded))
    m = _BARE_PART1.search(folded, 0, limit)
    if m is None:
        return chosen
    diags.append(Diagnostic(STAGE, "info", "part1_unnumbered",
                            f"part 1 heading without numeral: {m.group(1)}"))
    head = Heading(m.start(1), m.end(1), 1, 1, "old" if "概述" in m.group(1) else "new")
    return [head, *chosen]


def build_parts(text: str, chosen: list[Heading]) -> list[Part]:
    """Given printed text and the chosen headings, return the preamble and the parts."""
    parts: list[Part] = []
    first = chosen[0].start if chosen else len(text)
    if text[:first].strip():
        parts.append(Part(0, PREAMBLE_TITLE, "", text[:first], 0, first))
    for k, h in enumerate(chosen):
        if h.part is None:
            continue
        end = chosen[k + 1].start if k + 1 < len(chosen) else len(text)
        heading = _SPACES.sub(" ", text[h.start:h.end].strip())
        parts.append(Part(h.part, TITLES[h.part], heading, text[h.end:end], h.start, end))
    return parts


def is_old_layout(parts: list[Part], folded: str) -> bool:
    """Given the parts and folded text, tell whether the report uses the pre-2019 parts.

    Old wordings (概述, 依申请公开, 因…申请行政复议, 问题和改进措施) and numbered 收费及减免 or 统计表
    sections vote for the old layout, 2019 wordings (总体情况, 收到和处理…申请) against it.
    """
    old = new = 0
    for p in parts:  # a heading's wording votes; 主动公开 and 其他事项 are the same in both
        if p.part:
            kind = _heading_kind(folded, p.start)
            old += kind == "old"
            new += kind == "new"
    old += any(h.part is None for h in find_headings(folded))
    return old > new


def _heading_kind(folded: str, start: int) -> str | None:
    """Given folded text and where a heading starts, return its HEADINGS kind, or None."""
    m = _NUMERAL.match(folded, start)
    head = _match_subject(folded, m.end() if m else start)
    return HEADINGS[head[0]][1] if head else None
