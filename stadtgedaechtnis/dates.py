"""Parsing the contributor's own words about "when" into a date range.

``parse_period("Anfang der 60er")`` gives ``Period(1960-01-01, 1963-12-31)``. The words are first
normalised into a small canonical vocabulary (German and English both map onto it, so the same
rules serve both forms), then matched against simple patterns; ranges ("1962–1965", "zwischen
1950 und 1955", "Mitte bis Ende der 50er") combine two simple expressions.

Decisions (documented here because the contributor's words are vague by nature):

* "um/ca./etwa 1955" → two years either side (1953–1957).
* Early/mid/late decade → the first, middle or last four years (0–3, 3–6, 6–9).
* Early/mid/late year → January–April, May–August, September–December.
* Early/mid/late century → thirds (00–32, 33–66, 67–99); "19. Jahrhundert" is 1800–1899.
* Two-digit decades ("die 60er") are 19xx; "00er"/"Nullerjahre" is the 2000s.
* Open ranges keep the open side ``None``: "vor 1950" → (None, 1949-12-31), "seit 1950" →
  (1950-01-01, None), "nach 1950" → (1951-01-01, None).
* "vor dem Krieg" gives no range at all (which war, and since when?); "nach dem Krieg" and
  "Nachkriegszeit" mean 8 May 1945 to the end of 1949; "im Krieg" 1 Sep 1939 – 8 May 1945.
* "Jahrhundertwende" is 1895–1905; "Winter 1963" is the winter that ends in 1963 (Dec 1962 –
  Feb 1963); "Winter 1978/79" is Dec 1978 – Feb 1979.
* Anything not understood gives ``Period(None, None)``; the words themselves are always kept.
"""

import calendar
import datetime
import re
import unicodedata
from typing import NamedTuple


class Period(NamedTuple):
    lower: datetime.date | None
    upper: datetime.date | None


EMPTY = Period(None, None)
MIN_YEAR, MAX_YEAR = 1000, 2100


def decade_for(lower: datetime.date | None, upper: datetime.date | None) -> int | None:
    """The decade (e.g. 1960) a range belongs to: that of its middle, for ranges up to 20 years.

    Open or longer ranges ("vor 1950", "19. Jahrhundert") have no decade.
    """
    if lower is None or upper is None or upper < lower:
        return None
    if (upper - lower).days > 20 * 366:
        return None
    middle = lower + (upper - lower) / 2
    return middle.year // 10 * 10


# --------------------------------------------------------------------------------------------
# Small date helpers


def _years(first: int, last: int) -> Period:
    return Period(datetime.date(first, 1, 1), datetime.date(last, 12, 31))


def _month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _easter(year: int) -> datetime.date:
    """Easter Sunday (Gregorian calendar; anonymous Gregorian algorithm)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month, day = divmod(h + l_ - 7 * m + 114, 31)
    return datetime.date(year, month, day + 1)


def _valid_year(year: int) -> bool:
    return MIN_YEAR <= year <= MAX_YEAR


def _shift_years(day: datetime.date, years: int) -> datetime.date:
    """The same day ``years`` later (or earlier); 29 February becomes the 28th."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


# --------------------------------------------------------------------------------------------
# Normalisation into a canonical vocabulary

MONTHS = [
    (1, r"januar|jänner|jaenner|january|jan"),
    (2, r"februar|feber|february|feb"),
    (3, r"märz|maerz|march|mär|mar"),
    (4, r"april|apr"),
    (5, r"mai|may"),
    (6, r"juni|june|jun"),
    (7, r"juli|july|jul"),
    (8, r"august|aug"),
    (9, r"september|sept|sep"),
    (10, r"oktober|october|okt|oct"),
    (11, r"november|nov"),
    (12, r"dezember|december|dez|dec"),
]

DECADE_WORDS = [
    ("00", r"nuller|noughties"),
    ("10", r"zehner"),
    ("20", r"zwanziger|twenties"),
    ("30", r"dreißiger|dreissiger|thirties"),
    ("40", r"vierziger|forties"),
    ("50", r"fünfziger|fuenfziger|fifties"),
    ("60", r"sechziger|sixties"),
    ("70", r"siebziger|seventies"),
    ("80", r"achtziger|eighties"),
    ("90", r"neunziger|nineties"),
]

# (pattern, replacement), applied in order to the lower-cased text.
REPLACEMENTS: list[tuple[str, str]] = [
    # Named periods first, while their words are intact.
    (r"jahrtausendwende|turn of the millennium", " turn:2000 "),
    (r"jahrhundertwende|turn of the century|fin de siècle", " turn:1900 "),
    (r"mauerfall|fall of the (berlin )?wall", " 9.11.1989 "),
    (r"währungsreform|waehrungsreform|currency reform", " 20.6.1948 "),
    (r"kriegsende|end of the war", " 1945 "),
    (
        r"\b(zweite[nmrs]?|2\.)\s*weltkrieg(e?s)?\b|second world war|world war (ii|2|two)\b"
        r"|\bww ?(ii|2)\b",
        " war:2 ",
    ),
    (
        r"\b(erste[nmrs]?|1\.)\s*weltkrieg(e?s)?\b|first world war|world war (i|1|one)\b"
        r"|\bww ?(i|1)\b|great war",
        " war:1 ",
    ),
    (r"\bnachkriegs(zeit|jahre|jahren)\b|\bpost-?war( years| period| era)?\b", " after war:2 "),
    # Not the bare word "war": in German it means "was" ("als ich klein war").
    (r"\bkriegs(zeit|jahre|jahren)\b|\bweltkrieg(e?s)?\b|\bkrieg(e?s)?\b|\bthe war\b", " war:2 "),
    # Centuries.
    (r"\b(\d{1,2})\.\s*(jahrhunderts?|jh\.?|jhd?t?\.?)(?!\w)", " century:\\1 "),
    (r"\b(\d{1,2})(st|nd|rd|th)[ -]century\b", " century:\\1 "),
    # Decades in words and digits.
    *[(rf"\b({words})(jahre|jahren|n)?\b", f" {digits}er ") for digits, words in DECADE_WORDS],
    (r"\b(\d{2}|\d{3}0)er[- ]?(jahre|jahren|jahrzehnt)\b", " \\1er "),
    (r"\b(\d{2}|\d{3}0)(ern|er|s)\b", " decade:\\1 "),
    # Ordinals and day numbers before month names ("12. März", "March 12th").
    (r"\b(\d{1,2})(st|nd|rd|th)\b", "\\1"),
    (r"\b(\d{1,2})\.\s+(?=[a-zäöü])", "\\1 "),
    # Holidays (new year's eve before new year).
    (r"heilig(er|en)? ?abend|christmas eve", " holiday:eve "),
    (r"weihnacht(en|sfest|szeit)?|christmas|xmas", " holiday:christmas "),
    (r"silvester|new year'?s eve", " holiday:nye "),
    (r"neujahr(stag)?|new year'?s( day)?|new year", " holiday:newyear "),
    (r"\bostern\b|\beaster\b", " holiday:easter "),
    (r"\bpfingsten\b|\bwhitsun\b|\bpentecost\b", " holiday:pentecost "),
    (r"\bfasching\b|\bfastnacht\b|\bkarneval\b|\bcarnival\b", " holiday:carnival "),
    # Seasons.
    (r"\bfrühling\b|\bfruehling\b|\bfrühjahr\b|\bfruehjahr\b|\bspring\b", " season:spring "),
    (r"\bsommer(ferien)?\b|\bsummer( holidays)?\b", " season:summer "),
    (r"\bherbst(ferien)?\b|\bautumn\b|\bfall\b", " season:autumn "),
    (r"\bwinter\b", " season:winter "),
    # Months.
    *[(rf"\b({names})\b\.?", f" month:{number} ") for number, names in MONTHS],
    # Qualifiers.
    (r"\bkurz vor\b|\bshortly before\b|\bjust before\b", " shortly_before "),
    (r"\bkurz nach\b|\bshortly after\b|\bjust after\b", " shortly_after "),
    (r"\bgegen ende\b|\bam ende\b|\bzum ende\b|\bende\b|\bend\b|\blate\b", " late "),
    (r"\bspäte[nrs]?\b|\bspaete[nrs]?\b|\bspäter(?= \S*\d)", " late "),
    (r"\bzu beginn\b|\bam anfang\b|\banfangs?\b|\bbeginn\b|\bbeginning\b|\bearly\b", " early "),
    (r"\bfrühe[nrs]?\b|\bfruehe[nrs]?\b|\bfrüher(?= \S*\d)", " early "),
    (r"\bin der mitte\b|\bmitte\b|\bmiddle\b|\bmid\b", " mid "),
    (
        r"\bca\.|\bca\b|\bcirca\b|\bc\.|\bum\b|\betwa\b|\bungefähr\b|\bungefaehr\b|\brund\b"
        r"|\bgegen\b|\baround\b|\babout\b|\bapproximately\b|\bapprox\.?|\broughly\b",
        " approx ",
    ),
    (r"\bfrühestens\b|\bfruehestens\b|\bseit\b|\bab\b|\bsince\b|\bnot before\b", " since "),
    (r"\bspätestens\b|\bspaetestens\b|\buntil\b|\btill\b|\bup to\b|\bnot after\b", " until "),
    (r"\bbevor\b|\bvor\b|\bbefore\b|\bprior to\b", " before "),
    (r"\bnach\b|\bafter\b", " after "),
    (r"\bzwischen\b|\bbetween\b", " between "),
    (r"\bvon\b|\bfrom\b", " from "),
    (r"^\s*bis\b", " until "),
    (r"\bbis\b|\bto\b|\bthrough\b", " - "),
    (r"\bund\b|\band\b|\boder\b|\bor\b", " - "),
    # Words that carry no meaning here.
    (
        r"\b(in|im|den|der|des|dem|die|das|the|of|am|on|at|a|an|jahr|jahre|jahren|jahres|year"
        r"|years|so|herum|zu|zum|zur|zeit|time|während|waehrend|during|damals|irgendwann"
        r"|wohl|vermutlich|probably|maybe|vielleicht|schon|noch|genau|exactly)\b",
        " ",
    ),
]
_COMPILED = [(re.compile(pattern), replacement) for pattern, replacement in REPLACEMENTS]


def normalise(text: str) -> str:
    """The text in the canonical vocabulary, e.g. "Anfang der 60er Jahre" → "early decade:60"."""
    s = unicodedata.normalize("NFC", text or "").lower().strip()
    s = re.sub(r"[\u2010-\u2015\u2212]", "-", s)  # dashes
    s = re.sub(r"[\u2018\u2019\u00b4`]", "'", s)
    s = s.replace("\u00a0", " ")
    approx = s.endswith("?")
    s = s.strip("?!. ")
    if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", s):
        return s  # an ISO date, before "-" is read as a range
    s = re.sub(r"'(\d{2})(?=s\b|er\b)", r"\1", s)  # '60s → 60s
    s = re.sub(r"'(\d{2})\b", r"19\1", s)  # '72 → 1972
    s = s.replace(",", " ")
    s = re.sub(r"\bmid-", "mid ", s)
    s = re.sub(r"(\d)\s*-\s*(\d)", r"\1 - \2", s)  # "1962-65" (ISO dates are read first)
    for pattern, replacement in _COMPILED:
        s = pattern.sub(replacement, s)
    s = re.sub(r"\s*/\s*(?!\d)", " - ", s)  # "60er/70er"; "3/1961" and "1978/79" stay
    s = re.sub(r"\s+", " ", s).strip(" -")
    if approx and s:
        s = "approx " + s
    return s


# --------------------------------------------------------------------------------------------
# Simple expressions

_QUAL = r"(?:(early|mid|late) )?"


def _decade_start(token: str) -> int:
    if len(token) == 2:
        return 2000 if token == "00" else 1900 + int(token)
    return int(token)


def _simple(s: str) -> Period | None:
    """One expression (no range); None when not understood."""
    approx = False
    if s.startswith("approx "):
        approx, s = True, s[len("approx ") :]
    if s == "approx":
        return None

    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", s)  # ISO date
    if m:
        day = datetime.date(int(m[1]), int(m[2]), int(m[3]))
        return Period(day, day)
    m = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", s)  # 12.3.1961
    if m:
        day = datetime.date(int(m[3]), int(m[2]), int(m[1]))
        return Period(day, day)
    m = re.fullmatch(r"(\d{1,2}) month:(\d{1,2}) (\d{4})", s)  # 12. März 1961
    if m is None:
        m2 = re.fullmatch(r"month:(\d{1,2}) (\d{1,2}) (\d{4})", s)  # March 12, 1961
        if m2:
            m = (None, m2[2], m2[1], m2[3])
    if m:
        day = datetime.date(int(m[3]), int(m[2]), int(m[1]))
        return Period(day, day)
    m = re.fullmatch(r"(\d{1,2})[./](\d{4})", s)  # 3/1961, 03.1961
    if m and 1 <= int(m[1]) <= 12:
        year, month = int(m[2]), int(m[1])
        return Period(datetime.date(year, month, 1), _month_end(year, month))

    m = re.fullmatch(_QUAL + r"month:(\d{1,2}) (\d{4})", s)
    if m:
        year, month = int(m[3]), int(m[2])
        first, last = datetime.date(year, month, 1), _month_end(year, month)
        if m[1] == "early":
            last = datetime.date(year, month, 10)
        elif m[1] == "mid":
            first, last = datetime.date(year, month, 11), datetime.date(year, month, 20)
        elif m[1] == "late":
            first = datetime.date(year, month, 21)
        return Period(first, last)

    m = re.fullmatch(r"season:(\w+) (\d{4})(?:/(\d{2}|\d{4}))?", s)
    if m:
        return _season(m[1], int(m[2]), m[3])

    m = re.fullmatch(r"holiday:(\w+) (\d{4})", s)
    if m:
        return _holiday(m[1], int(m[2]))

    m = re.fullmatch(_QUAL + r"decade:(\d{2}|\d{3}0)", s)
    if m:
        start = _decade_start(m[2])
        offsets = {None: (0, 9), "early": (0, 3), "mid": (3, 6), "late": (6, 9)}[m[1]]
        return _years(start + offsets[0], start + offsets[1])

    m = re.fullmatch(_QUAL + r"century:(\d{1,2})", s)
    if m:
        start = (int(m[2]) - 1) * 100
        offsets = {None: (0, 99), "early": (0, 32), "mid": (33, 66), "late": (67, 99)}[m[1]]
        return _years(start + offsets[0], start + offsets[1])

    m = re.fullmatch(r"turn:(\d{4})", s)
    if m:
        return _years(int(m[1]) - 5, int(m[1]) + 5)

    m = re.fullmatch(r"war:([12])", s)
    if m:
        if m[1] == "1":
            return Period(datetime.date(1914, 7, 28), datetime.date(1918, 11, 11))
        return Period(datetime.date(1939, 9, 1), datetime.date(1945, 5, 8))

    m = re.fullmatch(_QUAL + r"(\d{4})", s)
    if m:
        year = int(m[2])
        if m[1] == "early":
            return Period(datetime.date(year, 1, 1), datetime.date(year, 4, 30))
        if m[1] == "mid":
            return Period(datetime.date(year, 5, 1), datetime.date(year, 8, 31))
        if m[1] == "late":
            return Period(datetime.date(year, 9, 1), datetime.date(year, 12, 31))
        if approx:
            return _years(year - 2, year + 2)
        return _years(year, year)
    return None


def _season(name: str, year: int, second: str | None) -> Period | None:
    if name == "winter":
        if second:  # "Winter 1978/79": December 1978 to February 1979
            return Period(datetime.date(year, 12, 1), _month_end(year + 1, 2))
        return Period(datetime.date(year - 1, 12, 1), _month_end(year, 2))
    if second:
        return None
    months = {"spring": (3, 5), "summer": (6, 8), "autumn": (9, 11)}[name]
    return Period(datetime.date(year, months[0], 1), _month_end(year, months[1]))


def _holiday(name: str, year: int) -> Period | None:
    def day(month, d):
        return datetime.date(year, month, d)

    if name == "christmas":
        return Period(day(12, 24), day(12, 26))
    if name == "eve":
        return Period(day(12, 24), day(12, 24))
    if name == "nye":
        return Period(day(12, 31), day(12, 31))
    if name == "newyear":
        return Period(day(1, 1), day(1, 1))
    easter = _easter(year)
    delta = datetime.timedelta
    if name == "easter":  # Good Friday to Easter Monday
        return Period(easter - delta(days=2), easter + delta(days=1))
    if name == "pentecost":
        return Period(easter + delta(days=49), easter + delta(days=50))
    if name == "carnival":  # Weiberfastnacht to Ash Wednesday
        return Period(easter - delta(days=52), easter - delta(days=46))
    return None


# --------------------------------------------------------------------------------------------
# Open ranges, ranges, and the entry point

_ONE_DAY = datetime.timedelta(days=1)


def _open(s: str) -> Period | None:
    m = re.fullmatch(r"(before|after|since|until|shortly_before|shortly_after|from) (.+)", s)
    if not m:
        return None
    word, rest = m[1], m[2]
    if rest.startswith("war:"):
        if word in ("after", "shortly_after", "since", "from"):
            if rest == "war:1":
                return Period(datetime.date(1918, 11, 11), datetime.date(1923, 12, 31))
            return Period(datetime.date(1945, 5, 8), datetime.date(1949, 12, 31))
        return EMPTY  # "vor dem Krieg": which war, and since when? No range.
    inner = _simple(rest)
    if inner is None or inner.lower is None:
        return None
    if word == "before":
        return Period(None, inner.lower - _ONE_DAY)
    if word == "after":
        return Period(inner.upper + _ONE_DAY, None)
    if word in ("since", "from"):
        return Period(inner.lower, None)
    if word == "until":
        return Period(None, inner.upper)
    if word == "shortly_before":
        return Period(_shift_years(inner.lower, -3), inner.lower - _ONE_DAY)
    return Period(inner.upper + _ONE_DAY, _shift_years(inner.upper, 3))


def _range(s: str) -> Period | None:
    s = re.sub(r"^(between|from) ", "", s)
    parts = [p.strip() for p in re.split(r" - | until ", s)]
    if len(parts) == 1 and re.fullmatch(r"\d{4}/\d{2}(\d{2})?", s):
        parts = s.split("/")
    if len(parts) != 2 or not all(parts):
        return None
    left, right = parts
    # "1962-65", "1962/63": the second year borrows the century of the first.
    m_left = re.search(r"(\d{4})$", left)
    if m_left and re.fullmatch(r"\d{2}", right):
        century = int(m_left[1]) // 100 * 100
        year = century + int(right)
        if year < int(m_left[1]):
            year += 100
        right = str(year)
    first = _simple(left)
    second = _simple(right)
    if first is None and second is not None:
        # "März bis Mai 1961", "Mitte bis Ende der 50er": the left side borrows the right's end.
        tail = right.split(" ")[-1]
        first = _simple(f"{left} {tail}")
    if first is None or second is None or first.lower is None or second.upper is None:
        return None
    if second.upper < first.lower:
        return None
    return Period(first.lower, second.upper)


def parse_period(text: str, language: str = "de") -> Period:
    """The date range the words describe, as ``Period(lower, upper)``; open sides are None.

    ``language`` is the language of the form ("de" or "en"); both vocabularies are understood
    either way, since people mix them ("Summer 1972" in a German form).
    """
    s = normalise(text)
    if not s:
        return EMPTY
    for parser in (_simple, _open, _range):
        try:
            result = parser(s)
        except (ValueError, OverflowError, KeyError):
            result = None
        if result is not None:
            if any(d is not None and not _valid_year(d.year) for d in result):
                return EMPTY
            return result
    return EMPTY
