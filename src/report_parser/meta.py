"""What a report says about itself: title, reporting body (agency), its place, the year covered.

Everything is matched on the *folded* text (NFKC, Simplified; see ``normalize.fold``), so the
agency comes out in Simplified characters; the title is sliced from the printed text.

* year: the statistics period (统计期限为2021年1月1日…, garbled 20211月1日 too) wins, then the
  year in the title, then a year opening part 1 (2021年，我局…).
* agency: the body named in the title (宿迁市人社局2021年政府信息公开工作年度报告, 2022年上海市…,
  …政府信息公开工作2021年度报告, a title split over two lines), in a sentence that quotes the
  title (现公布X2022年…报告, 现编制《X…》), or in the opening sentence (由X编制, 汇总X各…,
  2022年，X坚持…). A name with a spam brand injected (新葡京博彩官网区人民政府北京街道办事处) keeps
  only what follows the last 政府, or is dropped.

Titles are found from their fixed words (a year, 政府信息公开, 报告) and the name is then read
backwards up to the previous punctuation, which is much cheaper than trying a name at every
position.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

from .model import Diagnostic, Meta, Part

STAGE = "meta"

# Templates as data: the words that make up titles and opening sentences.
YEAR = r"(?:19|20)\d\d"
TOPIC = r"(?:(?:政府|政务)?信息公开|政务公开)"
TAIL = (r"(?:工作)?的?\s*(?:(?P<year2>" + YEAR + r")\s*年度?)?\s*(?:年度)?\s*(?:工作)?\s*"
        r"(?:总结|情况)?\s*报告")
NAME_CHARS = r"[\p{Han}A-Za-z.]"
# A name: no digits, no punctuation, not starting with title words, pronouns or 年度's 度.
NAME = r"(?!(?:政府|政务)?信息公开|政务公开|政府信息|关于|本|我|度)" + NAME_CHARS + r"{2,40}?"
BODY_SUFFIX = (r"(?:人民政府|政府|办公室|办公厅|办事处|管委会|委员会|管理委员会|街道|局|委|办|厅|署|"
               r"中心|院|所|处|站|队|镇|乡|区|县|市|州|盟|旗)")
VERBS = (r"(?:(?:现(?:向社会)?|特(?:向社会)?|向社会|予以|正式|并)?(?:公布|发布|编制(?![委办])|制定|形成|"
         r"印发|现将)|(?:现|特|向社会|予以)公开)了?")
LABELS = r"(?:标题|题目|名称)"
SPAM = r"博彩|官网|娱乐|赌|彩票|棋牌|葡京|威尼斯人|VWIN|德赢|[A-Za-z]{2,}|\."
PRONOUNS = ("我", "本", "该", "各", "全", "市政府", "区政府", "县政府", "政府")
# Words after a title that show it names another document (…年度报告格式, …有关事项的通知).
REFERENCE = r"\s*(?:格式|有关|相关|的(?:相关|通知|要求|有关)|编制(?:和|及|工作)|发布有关)"
BAD_NAME = r"关于|做好|通知|条例|格式|^中华人民共和国$|^国务院"
REGION_SUFFIX = r"(?:特别行政区|自治区|自治州|自治县|地区|街道|省|市|州|盟|区|县|旗|镇|乡)"
HEAD_CHARS = 1500  # the title and opening sentence sit in the preamble or just after it

# A title core: 2021年(X)政府信息公开工作年度报告, or 政府信息公开工作(2021年度)报告; a name
# before the core is read backwards (see _name_before).
_CORE = regex.compile(
    r"(?<!\d)(?P<year>" + YEAR + r")\s*年度?\s*的?(?P<mid>" + NAME + r")??" + TOPIC + TAIL +
    r"|" + TOPIC + TAIL)
_NAME_END = regex.compile(NAME_CHARS + r"{1,40}$")
_BEFORE_YEAR = regex.compile(r"\s*(?:关于)?\s*$")
_OPENING = (
    regex.compile(r"由(?P<agency>" + NAME + BODY_SUFFIX + r")(?:按照|根据|依据|编制|综合|汇总|负责)"),
    regex.compile(r"汇总(?:" + YEAR + r"年度?)?(?P<agency>" + NAME + BODY_SUFFIX + r")(?:各|的)"),
    regex.compile(r"(?:^|[\s。])" + YEAR + r"年(?:度|以来)?[,，]\s*(?:在[^。\n]{0,30}?下[,，])?"
                  r"(?P<agency>" + NAME + BODY_SUFFIX + r")(?:坚持|认真|深入|严格|紧紧|全面|积极|按照|"
                  r"根据|持续|进一步|扎实|围绕|高度|以|在)", regex.MULTILINE),
)
_SELF_COMPILED = "特此编制"  # X特此编制2024年度…报告: the name comes before the verb
_PERIOD = regex.compile(r"(?:统计(?:期限|时限|时间|期间|起止时间|区间|周期)|核定时间点?|起止时间|数据时间)"
                        r"[^。\n\d]{0,10}?(" + YEAR + ")")
_PART1_YEAR = regex.compile(r"\s*(" + YEAR + r")\s*年(?:度|以来)?[,，]")
_REFERENCE = regex.compile(REFERENCE)
_BAD_NAME = regex.compile(BAD_NAME)
_VERB = regex.compile(VERBS + "|^" + LABELS)
_TRIM = regex.compile(r"^(?:由|是|经|在|对|的)|(?:编制的?|特此|的|现)$")
_SPAM = regex.compile(SPAM)
_AFTER_GOVERNMENT = regex.compile(r"政府(?!.*政府)(.+)$")
_REGION = regex.compile(r"^(?:(?:(?!政府|人民|办公|委员)\p{Han}){1,10}" + REGION_SUFFIX + r"(?![政级委直属村]))+")
_CITY_LAND = regex.compile(r"城乡|市场")
_LINE_ENDS = regex.compile(r"\s*\n\s*")
_LABEL = regex.compile(r"(?:" + LABELS + r"\s*[:：]?\s*)?")
_APART = frozenset(" \t\n\u3000《》\"“”")


@dataclass(frozen=True, slots=True)
class TitleHit:
    """A title found in the folded text: its span, the name it holds (as cut) and its year."""

    start: int
    end: int
    name: str
    year: int | None


def extract_meta(text: str, folded: str, parts: list[Part]) -> tuple[Meta, list[Diagnostic]]:
    """Given printed text, its folded twin and the parts, return the report's Meta and diagnostics."""
    diags: list[Diagnostic] = []
    limit = _head_limit(parts, len(folded))
    titles = find_titles(folded, limit)
    title = _printed_title(text, folded, titles)
    agency = _title_agency(titles) or _opening_agency(folded, limit)
    if agency is None:
        diags.append(Diagnostic(STAGE, "info", "no_agency", "the text does not name the reporting body"))
    year = _year(folded, titles, parts, limit)
    if year is None:
        diags.append(Diagnostic(STAGE, "info", "no_year", "the text does not say the year covered"))
    return Meta(title=title, agency=agency, region=region_of(agency), year=year), diags


def _head_limit(parts: list[Part], n: int) -> int:
    """Given the parts, return where to stop looking for the title: a little into part 1."""
    body = next((p for p in parts if p.part), None)
    end = body.start + 400 if body else HEAD_CHARS
    return min(n, max(end, HEAD_CHARS))


def find_titles(folded: str, limit: int) -> list[TitleHit]:
    """Given folded text, return the report titles before ``limit`` (not references to others)."""
    hits = []
    for m in _CORE.finditer(folded, 0, limit):
        if _REFERENCE.match(folded, m.end()):
            continue
        year = m.group("year") or m.group("year2")
        if m.group("mid"):
            start, name = m.start(), m.group("mid")
        else:
            start, name = _name_before(folded, m.start())
        hits.append(TitleHit(start, m.end(), name, int(year) if year else None))
    return hits


def _name_before(folded: str, pos: int) -> tuple[int, str]:
    """Given a position, return the start and text of the name just before it (over 关于, a line end)."""
    window = folded[max(0, pos - 48):pos]
    gap = _BEFORE_YEAR.search(window)
    body = window[:gap.start()] if gap else window
    m = _NAME_END.search(body)
    if m is None:
        return pos, ""
    return pos - len(window) + m.start(), m.group()


def _printed_title(text: str, folded: str, titles: list[TitleHit]) -> str | None:
    """Given title hits, return the first set apart (own line, spaces, 《》) as printed."""
    for t in titles:
        before, after = folded[t.start - 1:t.start], folded[t.end:t.end + 1]
        if (t.start == 0 or before in _APART) and (not after or after in _APART):
            start = _LABEL.match(folded, t.start).end()
            return _LINE_ENDS.sub("", text[start:t.end]).strip()
    return None


def _title_agency(titles: list[TitleHit]) -> str | None:
    """Given title hits, return the first valid agency they name."""
    for t in titles:
        agency = clean_agency(t.name)
        if agency:
            return agency
    return None


def _opening_agency(folded: str, limit: int) -> str | None:
    """Given folded text, return the agency named in the opening sentence (由X编制, 2022年，X坚持…)."""
    for pattern in _OPENING:
        for m in pattern.finditer(folded, 0, limit):
            agency = clean_agency(m.group("agency"))
            if agency:
                return agency
    pos = folded.find(_SELF_COMPILED, 0, limit)
    return clean_agency(_name_before(folded, pos)[1]) if pos > 0 else None


def clean_agency(raw: str | None) -> str | None:
    """Given a name cut from a sentence, return the agency without verbs and spam, or None."""
    if not raw:
        return None
    name = _after_verb(raw)
    if name.endswith("人民"):  # 来凤县人民|政府信息公开
        name += "政府"
    if _SPAM.search(name):
        m = _AFTER_GOVERNMENT.search(name)
        name = m.group(1) if m and not _SPAM.search(m.group(1)) else ""
    if len(name) < 3 or name.startswith(PRONOUNS) or _BAD_NAME.search(name):
        return None
    return name


def _after_verb(raw: str) -> str:
    """Given a name cut from a sentence, return what follows its last verb (现公布|X), else what precedes it."""
    verbs = list(_VERB.finditer(raw))
    if not verbs:
        return _trim(raw)
    after = _trim(raw[verbs[-1].end():])
    return after if len(after) >= 2 else _trim(raw[:verbs[-1].start()])


def _trim(name: str) -> str:
    """Given a name, return it without a leading 由/是 and a trailing 特此/编制的/的."""
    return _TRIM.sub("", _TRIM.sub("", name))


def _year(folded: str, titles: list[TitleHit], parts: list[Part], limit: int) -> int | None:
    """Given folded text and title hits, return the year the report covers."""
    m = _PERIOD.search(folded, 0, limit)
    if m:
        return int(m.group(1))
    year = next((t.year for t in titles if t.year), None)
    if year:
        return year
    body = next((p for p in parts if p.part), None)
    if body is not None:
        m = _PART1_YEAR.match(folded, body.end - len(body.text))
        if m:
            return int(m.group(1))
    return None


def region_of(agency: str | None) -> str | None:
    """Given an agency name, return the place name it starts with (宿迁市, 广州市荔湾区), or None."""
    if not agency:
        return None
    m = _REGION.match(_CITY_LAND.sub("··", agency))
    return agency[:m.end()] if m else None
