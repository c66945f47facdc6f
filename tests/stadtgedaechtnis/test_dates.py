"""The date parser: the contributor's words → (lower, upper), table-driven."""

import datetime

import pytest

from stadtgedaechtnis.dates import Period, decade_for, normalise, parse_period


def d(text: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(text) if text else None


GERMAN = [
    # (words, lower, upper)
    ("1961", "1961-01-01", "1961-12-31"),
    ("im Jahr 1961", "1961-01-01", "1961-12-31"),
    ("im Jahre 1961", "1961-01-01", "1961-12-31"),
    ("um 1955", "1953-01-01", "1957-12-31"),
    ("ca. 1955", "1953-01-01", "1957-12-31"),
    ("circa 1955", "1953-01-01", "1957-12-31"),
    ("etwa 1955", "1953-01-01", "1957-12-31"),
    ("so um 1955 herum", "1953-01-01", "1957-12-31"),
    ("ungefähr 1955", "1953-01-01", "1957-12-31"),
    ("1955?", "1953-01-01", "1957-12-31"),
    ("Anfang der 60er", "1960-01-01", "1963-12-31"),
    ("Anfang der 60er Jahre", "1960-01-01", "1963-12-31"),
    ("in den frühen 60ern", "1960-01-01", "1963-12-31"),
    ("Mitte der 60er Jahre", "1963-01-01", "1966-12-31"),
    ("Mitte der Sechziger", "1963-01-01", "1966-12-31"),
    ("Ende der 1940er Jahre", "1946-01-01", "1949-12-31"),
    ("in den späten 40ern", "1946-01-01", "1949-12-31"),
    ("gegen Ende der 50er", "1956-01-01", "1959-12-31"),
    ("1980er", "1980-01-01", "1989-12-31"),
    ("die 80er", "1980-01-01", "1989-12-31"),
    ("in den 80er-Jahren", "1980-01-01", "1989-12-31"),
    ("in den Achtzigern", "1980-01-01", "1989-12-31"),
    ("die achtziger Jahre", "1980-01-01", "1989-12-31"),
    ("die 20er Jahre", "1920-01-01", "1929-12-31"),
    ("Zwanzigerjahre", "1920-01-01", "1929-12-31"),
    ("in den Nullerjahren", "2000-01-01", "2009-12-31"),
    ("1950er und 1960er Jahre", "1950-01-01", "1969-12-31"),
    ("60er/70er", "1960-01-01", "1979-12-31"),
    ("Anfang/Mitte der 60er", "1960-01-01", "1966-12-31"),
    ("Mitte bis Ende der 50er", "1953-01-01", "1959-12-31"),
    ("Sommer 1972", "1972-06-01", "1972-08-31"),
    ("im Sommer 1972", "1972-06-01", "1972-08-31"),
    ("in den Sommerferien 1972", "1972-06-01", "1972-08-31"),
    ("Frühjahr 1961", "1961-03-01", "1961-05-31"),
    ("Frühling 1961", "1961-03-01", "1961-05-31"),
    ("Herbst 1980", "1980-09-01", "1980-11-30"),
    ("Winter 1963", "1962-12-01", "1963-02-28"),
    ("im Winter 1978/79", "1978-12-01", "1979-02-28"),
    ("Sommer oder Herbst 1961", "1961-06-01", "1961-11-30"),
    ("Weihnachten 1963", "1963-12-24", "1963-12-26"),
    ("Heiligabend 1963", "1963-12-24", "1963-12-24"),
    ("Silvester 1999", "1999-12-31", "1999-12-31"),
    ("Neujahr 1970", "1970-01-01", "1970-01-01"),
    ("Ostern 1960", "1960-04-15", "1960-04-18"),
    ("Pfingsten 1975", "1975-05-18", "1975-05-19"),
    ("Fasching 1970", "1970-02-05", "1970-02-11"),
    ("März 1961", "1961-03-01", "1961-03-31"),
    ("im März 1961", "1961-03-01", "1961-03-31"),
    ("Februar 1964", "1964-02-01", "1964-02-29"),
    ("Anfang März 1961", "1961-03-01", "1961-03-10"),
    ("Mitte März 1961", "1961-03-11", "1961-03-20"),
    ("Ende März 1961", "1961-03-21", "1961-03-31"),
    ("März bis Mai 1961", "1961-03-01", "1961-05-31"),
    ("Sept. 1961", "1961-09-01", "1961-09-30"),
    ("12.3.1961", "1961-03-12", "1961-03-12"),
    ("12.03.1961", "1961-03-12", "1961-03-12"),
    ("am 12. März 1961", "1961-03-12", "1961-03-12"),
    ("03/1961", "1961-03-01", "1961-03-31"),
    ("1961-03-12", "1961-03-12", "1961-03-12"),
    ("Anfang 1961", "1961-01-01", "1961-04-30"),
    ("Mitte 1961", "1961-05-01", "1961-08-31"),
    ("Ende 1961", "1961-09-01", "1961-12-31"),
    ("1962–1965", "1962-01-01", "1965-12-31"),
    ("1962 - 1965", "1962-01-01", "1965-12-31"),
    ("1962-65", "1962-01-01", "1965-12-31"),
    ("1962/63", "1962-01-01", "1963-12-31"),
    ("1998-03", "1998-01-01", "2003-12-31"),  # the second year borrows the century
    ("1999-2001", "1999-01-01", "2001-12-31"),
    ("1962 bis 1965", "1962-01-01", "1965-12-31"),
    ("von 1962 bis 1965", "1962-01-01", "1965-12-31"),
    ("zwischen 1950 und 1955", "1950-01-01", "1955-12-31"),
    ("1961 oder 1962", "1961-01-01", "1962-12-31"),
    ("Sommer 1961 bis Herbst 1962", "1961-06-01", "1962-11-30"),
    ("vor 1950", None, "1949-12-31"),
    ("bis 1950", None, "1950-12-31"),
    ("spätestens 1950", None, "1950-12-31"),
    ("nach 1950", "1951-01-01", None),
    ("seit 1950", "1950-01-01", None),
    ("ab 1950", "1950-01-01", None),
    ("frühestens 1950", "1950-01-01", None),
    ("kurz vor 1950", "1947-01-01", "1949-12-31"),
    ("kurz nach 1950", "1951-01-01", "1953-12-31"),
    ("vor dem Krieg", None, None),
    ("vor dem Zweiten Weltkrieg", None, None),
    ("nach dem Krieg", "1945-05-08", "1949-12-31"),
    ("kurz nach dem Krieg", "1945-05-08", "1949-12-31"),
    ("in der Nachkriegszeit", "1945-05-08", "1949-12-31"),
    ("nach dem Ersten Weltkrieg", "1918-11-11", "1923-12-31"),
    ("im Krieg", "1939-09-01", "1945-05-08"),
    ("während des Zweiten Weltkriegs", "1939-09-01", "1945-05-08"),
    ("im 1. Weltkrieg", "1914-07-28", "1918-11-11"),
    ("Kriegsende", "1945-01-01", "1945-12-31"),
    ("Währungsreform", "1948-06-20", "1948-06-20"),
    ("nach dem Mauerfall", "1989-11-10", None),
    ("19. Jahrhundert", "1800-01-01", "1899-12-31"),
    ("im 19. Jh.", "1800-01-01", "1899-12-31"),
    ("Anfang des 20. Jahrhunderts", "1900-01-01", "1932-12-31"),
    ("Ende des 19. Jahrhunderts", "1867-01-01", "1899-12-31"),
    ("Jahrhundertwende", "1895-01-01", "1905-12-31"),
    ("um die Jahrhundertwende", "1895-01-01", "1905-12-31"),
    ("Sommer '72", "1972-06-01", "1972-08-31"),
    # Not understood: no range, the words are kept anyway.
    ("", None, None),
    ("   ", None, None),
    ("früher", None, None),
    ("als ich klein war", None, None),
    ("damals", None, None),
    ("irgendwann", None, None),
    ("31.2.1961", None, None),
    ("1965-1962", None, None),
    ("<script>alert(1)</script>", None, None),
    ("12345", None, None),
]

ENGLISH = [
    ("around 1955", "1953-01-01", "1957-12-31"),
    ("about 1955", "1953-01-01", "1957-12-31"),
    ("c. 1955", "1953-01-01", "1957-12-31"),
    ("approximately 1955", "1953-01-01", "1957-12-31"),
    ("in 1961", "1961-01-01", "1961-12-31"),
    ("early 1960s", "1960-01-01", "1963-12-31"),
    ("in the early 60s", "1960-01-01", "1963-12-31"),
    ("mid-1960s", "1963-01-01", "1966-12-31"),
    ("the late 1940s", "1946-01-01", "1949-12-31"),
    ("the 80s", "1980-01-01", "1989-12-31"),
    ("the '80s", "1980-01-01", "1989-12-31"),
    ("the eighties", "1980-01-01", "1989-12-31"),
    ("1970s and 1980s", "1970-01-01", "1989-12-31"),
    ("summer 1972", "1972-06-01", "1972-08-31"),
    ("in the summer of '72", "1972-06-01", "1972-08-31"),
    ("autumn 1980", "1980-09-01", "1980-11-30"),
    ("fall 1980", "1980-09-01", "1980-11-30"),
    ("winter 1962/63", "1962-12-01", "1963-02-28"),
    ("Christmas 1963", "1963-12-24", "1963-12-26"),
    ("Christmas Eve 1963", "1963-12-24", "1963-12-24"),
    ("New Year's Eve 1999", "1999-12-31", "1999-12-31"),
    ("Easter 1960", "1960-04-15", "1960-04-18"),
    ("March 1961", "1961-03-01", "1961-03-31"),
    ("early March 1961", "1961-03-01", "1961-03-10"),
    ("12 March 1961", "1961-03-12", "1961-03-12"),
    ("March 12, 1961", "1961-03-12", "1961-03-12"),
    ("March 12th, 1961", "1961-03-12", "1961-03-12"),
    ("1962-1965", "1962-01-01", "1965-12-31"),
    ("1962 to 1965", "1962-01-01", "1965-12-31"),
    ("from 1962 until 1965", "1962-01-01", "1965-12-31"),
    ("between 1950 and 1955", "1950-01-01", "1955-12-31"),
    ("before 1950", None, "1949-12-31"),
    ("after 1950", "1951-01-01", None),
    ("since 1950", "1950-01-01", None),
    ("until 1950", None, "1950-12-31"),
    ("before the war", None, None),
    ("after the war", "1945-05-08", "1949-12-31"),
    ("during the war", "1939-09-01", "1945-05-08"),
    ("during World War II", "1939-09-01", "1945-05-08"),
    ("post-war years", "1945-05-08", "1949-12-31"),
    ("the 19th century", "1800-01-01", "1899-12-31"),
    ("early 20th century", "1900-01-01", "1932-12-31"),
    ("turn of the century", "1895-01-01", "1905-12-31"),
    ("when I was little", None, None),
]


@pytest.mark.parametrize(("text", "lower", "upper"), GERMAN)
def test_german(text, lower, upper):
    assert parse_period(text, "de") == Period(d(lower), d(upper)), normalise(text)


@pytest.mark.parametrize(("text", "lower", "upper"), ENGLISH)
def test_english(text, lower, upper):
    assert parse_period(text, "en") == Period(d(lower), d(upper)), normalise(text)


def test_table_is_large():
    assert len(GERMAN) + len(ENGLISH) >= 60


@pytest.mark.parametrize(
    ("text", "decade"),
    [
        ("um 1955", 1950),
        ("Anfang der 60er", 1960),
        ("Ende der 1940er Jahre", 1940),
        ("1962–1965", 1960),
        ("Weihnachten 1963", 1960),
        ("Jahrhundertwende", 1900),
        ("nach dem Krieg", 1940),
        ("19. Jahrhundert", None),
        ("vor 1950", None),
        ("vor dem Krieg", None),
    ],
)
def test_decade_from_range(text, decade):
    period = parse_period(text)
    assert decade_for(period.lower, period.upper) == decade
