"""Property tests (hypothesis) for the parsers that read what people and clients type.

* ``stadtgedaechtnis.dates.parse_period``: never raises, ranges are ordered and within the years
  it accepts, the decade lies inside the range, and every format it claims to read round-trips.
* ``bbox`` (``MemoryFilterForm.clean_bbox`` and the memory API): garbage, NaN, infinity,
  out-of-range and reversed boxes are refused with a German message; good boxes are kept (widened
  by at most 1e-6 degrees) and read back the same from the parameter written into links.
* GeoJSON from editors (``civic.geo``, the district field, the memory location): garbage is a
  ``ValidationError``, never another exception; what is accepted is finite WGS84.

The example counts are bounded (see ``PROFILE``) so the whole module runs in a few seconds.
"""

import datetime
import json
import math

import pytest
from dateutil.easter import easter as reference_easter
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from civic.forms_admin import PolygonGeoJSONField
from civic.geo import geometry_bounds, validate_polygon_geojson
from stadtgedaechtnis.dates import MAX_YEAR, MIN_YEAR, Period, decade_for, parse_period
from stadtgedaechtnis.explore_clusters import BBoxError, parse_bbox
from stadtgedaechtnis.explore_filters import MemoryFilterForm

PROFILE = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

FIRST_DAY = datetime.date(MIN_YEAR, 1, 1)
LAST_DAY = datetime.date(MAX_YEAR, 12, 31)
days = st.dates(min_value=FIRST_DAY, max_value=LAST_DAY)
years = st.integers(min_value=MIN_YEAR, max_value=MAX_YEAR)

MONATE = [
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
]
MONTHS = [datetime.date(2000, m, 1).strftime("%B") for m in range(1, 13)]

# Words and numbers the parser knows, shuffled into nonsense: reaches far more branches than
# random text does.
VOCABULARY = [
    "Anfang", "Mitte", "Ende", "der", "die", "60er", "1960er", "Jahre", "1962", "-", "–", "/",
    "bis", "und", "zwischen", "von", "um", "ca.", "vor", "nach", "seit", "kurz", "Winter",
    "Sommer", "Weihnachten", "Ostern", "Pfingsten", "Fasching", "19.", "Jahrhundert", "Krieg",
    "Nachkriegszeit", "März", "12.", "'72", "?", "early", "late", "mid", "1960s", "29.2.1964",
    "31.12.2100", "1.1.1000", "0999", "2101", "9999", "00er", "99", "1978/79", "3/1961",
    "Jahrhundertwende", "Mauerfall", "spätestens", "frühestens", "0000er", "1000", "2100",
]  # fmt: skip
salad = st.lists(st.sampled_from(VOCABULARY), max_size=7).map(" ".join)
any_text = st.one_of(st.text(max_size=80), salad)


def assert_sound(period: Period) -> None:
    """What every result must satisfy, whatever the words."""
    lower, upper = period
    for day in period:
        assert day is None or isinstance(day, datetime.date)
        assert day is None or MIN_YEAR <= day.year <= MAX_YEAR, period
    if lower is not None and upper is not None:
        assert lower <= upper, period
    decade = decade_for(lower, upper)
    if decade is not None:
        assert decade % 10 == 0
        assert lower.year // 10 * 10 <= decade <= upper.year, (period, decade)


# --------------------------------------------------------------------------------------------
# Dates


@PROFILE
@given(any_text)
def test_parse_period_never_raises_and_is_sound(text):
    assert_sound(parse_period(text))
    assert_sound(parse_period(text, language="en"))


@PROFILE
@given(days)
def test_single_days_round_trip(day):
    expected = Period(day, day)
    assert parse_period(day.isoformat()) == expected
    assert parse_period(f"{day.day}.{day.month}.{day.year}") == expected
    assert parse_period(f"{day.day:02d}.{day.month:02d}.{day.year}") == expected
    assert parse_period(f"{day.day}. {MONATE[day.month - 1]} {day.year}") == expected
    assert parse_period(f"{MONTHS[day.month - 1]} {day.day}, {day.year}") == expected


@PROFILE
@given(days)
def test_months_round_trip(day):
    first = day.replace(day=1)
    last = (first + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
    expected = Period(first, last)
    assert parse_period(f"{day.month}/{day.year}") == expected
    assert parse_period(f"{day.month:02d}.{day.year}") == expected
    assert parse_period(f"{MONATE[day.month - 1]} {day.year}") == expected
    assert parse_period(f"{MONTHS[day.month - 1]} {day.year}") == expected


@PROFILE
@given(years)
def test_years_round_trip(year):
    whole = Period(datetime.date(year, 1, 1), datetime.date(year, 12, 31))
    assert parse_period(str(year)) == whole
    assert parse_period(f"im Jahr {year}") == whole
    assert decade_for(*whole) == year // 10 * 10
    around = parse_period(f"um {year}")
    if MIN_YEAR <= year - 2 and year + 2 <= MAX_YEAR:
        assert around == Period(datetime.date(year - 2, 1, 1), datetime.date(year + 2, 12, 31))
    else:
        assert around == Period(None, None)  # would leave the years it accepts


@PROFILE
@given(st.integers(min_value=MIN_YEAR // 10, max_value=MAX_YEAR // 10 - 1).map(lambda d: d * 10))
def test_decades_round_trip(decade):
    whole = Period(datetime.date(decade, 1, 1), datetime.date(decade + 9, 12, 31))
    assert parse_period(f"die {decade}er Jahre") == whole
    assert parse_period(f"{decade}s") == whole
    assert decade_for(*whole) == decade
    for word, (first, last) in {"Anfang": (0, 3), "Mitte": (3, 6), "Ende": (6, 9)}.items():
        part = parse_period(f"{word} der {decade}er")
        assert part == Period(
            datetime.date(decade + first, 1, 1), datetime.date(decade + last, 12, 31)
        )
        assert decade_for(*part) == decade


@PROFILE
@given(st.integers(min_value=0, max_value=9))
def test_two_digit_decades(tens):
    decade = 2000 if tens == 0 else 1900 + tens * 10
    expected = Period(datetime.date(decade, 1, 1), datetime.date(decade + 9, 12, 31))
    assert parse_period(f"die {tens}0er") == expected
    assert parse_period(f"{tens}0er Jahre") == expected


@PROFILE
@given(years, years)
def test_year_ranges_round_trip_and_reversed_ranges_give_nothing(a, b):
    first, last = min(a, b), max(a, b)
    expected = Period(datetime.date(first, 1, 1), datetime.date(last, 12, 31))
    for text in (f"{first}-{last}", f"{first} – {last}", f"zwischen {first} und {last}",
                 f"von {first} bis {last}"):  # fmt: skip
        assert parse_period(text) == expected, text
    if a > b:
        assert parse_period(f"{a}-{b}") == Period(None, None)


@PROFILE
@given(st.integers(min_value=MIN_YEAR + 1, max_value=MAX_YEAR - 1))
def test_open_ranges(year):
    assert parse_period(f"vor {year}") == Period(None, datetime.date(year - 1, 12, 31))
    assert parse_period(f"seit {year}") == Period(datetime.date(year, 1, 1), None)
    assert parse_period(f"nach {year}") == Period(datetime.date(year + 1, 1, 1), None)
    assert parse_period(f"bis {year}") == Period(None, datetime.date(year, 12, 31))


@PROFILE
@given(
    st.dates(
        min_value=datetime.date(MIN_YEAR + 3, 1, 1), max_value=datetime.date(MAX_YEAR - 3, 12, 31)
    )
)
@example(datetime.date(1964, 2, 29))
def test_shortly_before_and_after_any_day(day):
    """Also 29 February: three years earlier there is none (it used to give nothing at all)."""
    text = f"{day.day}.{day.month}.{day.year}"
    before = parse_period(f"kurz vor dem {text}")
    after = parse_period(f"kurz nach dem {text}")
    assert before.upper == day - datetime.timedelta(days=1)
    assert after.lower == day + datetime.timedelta(days=1)
    assert before.lower is not None and before.lower.year == day.year - 3
    assert after.upper is not None and after.upper.year == day.year + 3
    assert_sound(before)
    assert_sound(after)


@PROFILE
@given(st.integers(min_value=1583, max_value=MAX_YEAR))
def test_easter_matches_the_reference(year):
    good_friday, easter_monday = parse_period(f"Ostern {year}")
    assert good_friday + datetime.timedelta(days=2) == reference_easter(year)
    assert easter_monday - datetime.timedelta(days=1) == reference_easter(year)


@PROFILE
@given(st.integers(min_value=MIN_YEAR + 1, max_value=MAX_YEAR))
def test_seasons(year):
    winter = parse_period(f"Winter {year}")
    assert winter == Period(datetime.date(year - 1, 12, 1), parse_period(f"Februar {year}").upper)
    for name in ("Frühling", "Sommer", "Herbst"):
        season = parse_period(f"{name} {year}")
        assert season.lower.year == season.upper.year == year
        assert_sound(season)


# --------------------------------------------------------------------------------------------
# Bounding boxes

lons = st.floats(min_value=-180, max_value=180, allow_nan=False)
lats = st.floats(min_value=-90, max_value=90, allow_nan=False)


@st.composite
def good_boxes(draw):
    west, east = sorted(draw(st.lists(lons, min_size=2, max_size=2, unique=True)))
    south, north = sorted(draw(st.lists(lats, min_size=2, max_size=2, unique=True)))
    return west, south, east, north


def bbox_form(value: str) -> MemoryFilterForm:
    return MemoryFilterForm(data={"bbox": value})


number_words = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(
        [
            "nan",
            "NaN",
            "inf",
            "-inf",
            "Infinity",
            "1e999",
            "-1e999",
            "1_0",
            "٣",
            "",
            " ",
            "0x10",
            "1,5",
            "--1",
            "+",
            ".",
        ]
    ),  # fmt: skip
    st.text(max_size=6),
)
box_texts = st.one_of(
    st.text(max_size=40),
    st.lists(number_words, min_size=0, max_size=6).map(",".join),
)


@PROFILE
@given(box_texts)
def test_any_bbox_text_is_a_box_or_a_german_message(text):
    try:
        box = parse_bbox(text)
    except BBoxError as error:
        assert str(error)
    else:
        assert all(math.isfinite(v) for v in box.as_list())
    form = bbox_form(text)
    if form.is_valid():
        box = form.cleaned_data["bbox"]
        if box is not None:
            assert -180 <= box.min_lon < box.max_lon <= 180
            assert -90 <= box.min_lat < box.max_lat <= 90
    else:
        assert form.errors["bbox"][0]


@PROFILE
@given(good_boxes())
def test_good_boxes_are_kept_and_read_back_the_same(box):
    west, south, east, north = box
    form = bbox_form(",".join(repr(v) for v in box))
    assert form.is_valid(), form.errors
    cleaned = form.cleaned_data["bbox"]
    # Widened outwards to 6 decimals at most, never narrowed, never beyond the world.
    assert cleaned.min_lon <= west and cleaned.min_lat <= south
    assert cleaned.max_lon >= east and cleaned.max_lat >= north
    assert west - cleaned.min_lon <= 1e-6 and cleaned.max_lon - east <= 1e-6
    assert south - cleaned.min_lat <= 1e-6 and cleaned.max_lat - north <= 1e-6
    # The parameter written into links (list view, API) reads back as the same box.
    again = bbox_form(cleaned.as_param())
    assert again.is_valid(), (cleaned.as_param(), again.errors)
    assert again.cleaned_data["bbox"] == cleaned


@PROFILE
@given(
    good_boxes(),
    st.integers(min_value=0, max_value=3),
    st.sampled_from(["nan", "inf", "-inf", "NaN", "1e400"]),
)
def test_nan_and_infinity_are_refused(box, position, bad):
    parts = [repr(v) for v in box]
    parts[position] = bad
    form = bbox_form(",".join(parts))
    assert not form.is_valid()
    assert "keine Zahl" in form.errors["bbox"][0]


@PROFILE
@given(good_boxes())
def test_reversed_boxes_are_refused(box):
    west, south, east, north = box
    for reversed_box in ((east, south, west, north), (west, north, east, south)):
        form = bbox_form(",".join(repr(v) for v in reversed_box))
        assert not form.is_valid()
        assert "West kleiner als Ost" in form.errors["bbox"][0]


@PROFILE
@given(
    good_boxes(),
    st.integers(min_value=0, max_value=3),
    st.floats(min_value=1e-9, max_value=1e6, allow_nan=False),
)
def test_out_of_range_boxes_are_refused(box, position, beyond):
    parts = list(box)
    limit = 180 if position in (0, 2) else 90
    parts[position] = limit + beyond if position >= 2 else -limit - beyond
    form = bbox_form(",".join(repr(v) for v in parts))
    assert not form.is_valid()
    message = form.errors["bbox"][0]
    assert ("Längengrade" if limit == 180 else "Breitengrade") in message


@pytest.mark.django_db
@settings(PROFILE, max_examples=40)
@given(text=box_texts, zoom=st.integers(min_value=-5, max_value=30))
def test_the_memory_api_answers_any_bbox_with_200_or_a_german_400(client, text, zoom):
    for url in ("/api/memories/", "/api/memories/map"):
        response = client.get(url, {"bbox": text, "zoom": zoom})
        assert response.status_code in (200, 400), (url, text, response.status_code)
        if response.status_code == 400:
            detail = response.json()["detail"]
            assert any(word in detail for word in ("Kartenausschnitt", "Zoomstufe", "grad")), detail


# --------------------------------------------------------------------------------------------
# GeoJSON

json_values = st.recursive(
    st.none() | st.booleans() | st.floats() | st.integers() | st.text(max_size=5),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=4)
    ),
    max_leaves=20,
)
coordinate = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.sampled_from(["1", None, True]),
)
position = st.lists(coordinate, max_size=4)
ring = st.lists(position, max_size=6)
polygon_coordinates = st.lists(ring, max_size=3)
geometries = st.one_of(
    st.fixed_dictionaries(
        {
            "type": st.sampled_from(
                ["Polygon", "MultiPolygon", "Point", "LineString", "GeometryCollection", "Feature"]
            ),
            "coordinates": st.one_of(
                polygon_coordinates,
                st.lists(polygon_coordinates, max_size=2),
                position,
                json_values,
            ),
        }
    ),
    st.fixed_dictionaries(
        {"type": st.just("GeometryCollection"), "geometries": st.lists(json_values, max_size=3)}
    ),
    json_values,
)


@st.composite
def rectangles(draw):
    west, south, east, north = draw(good_boxes())
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [ring]}


def assert_wgs84(bounds):
    min_lon, min_lat, max_lon, max_lat = bounds
    assert all(math.isfinite(v) for v in bounds)
    assert -180 <= min_lon <= max_lon <= 180 and -90 <= min_lat <= max_lat <= 90


@PROFILE
@given(geometries)
def test_any_geojson_is_valid_wgs84_or_a_validation_error(value):
    try:
        validate_polygon_geojson(value)
    except ValidationError as error:
        assert error.messages and error.messages[0]
    else:
        assert_wgs84(geometry_bounds(value))
    bounds = geometry_bounds(value)  # never raises, whatever it is given
    assert len(bounds) == 4 and all(isinstance(v, float) for v in bounds)


@PROFILE
@given(st.one_of(st.text(max_size=60), geometries.map(lambda v: json.dumps(v, allow_nan=True))))
def test_the_district_field_cleans_any_text_or_says_why_not(text):
    field = PolygonGeoJSONField(required=False)
    try:
        value = field.clean(text)
    except ValidationError as error:
        assert error.messages[0]
    else:
        if value is not None:
            assert_wgs84(geometry_bounds(value))


@PROFILE
@given(rectangles())
def test_rectangles_in_wgs84_are_accepted(rectangle):
    validate_polygon_geojson(rectangle)
    assert PolygonGeoJSONField().clean(json.dumps(rectangle)) == rectangle
    assert_wgs84(geometry_bounds(rectangle))


@pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")
@PROFILE
@given(rectangles(), st.sampled_from([math.nan, math.inf, -math.inf, 181.0, -91.0, 1e300]))
def test_rectangles_with_a_bad_corner_are_refused(rectangle, bad):
    ring = rectangle["coordinates"][0]
    ring[2] = [bad, ring[2][1]] if abs(bad) != 91.0 else [ring[2][0], bad]
    with pytest.raises(ValidationError):
        validate_polygon_geojson(rectangle)
    with pytest.raises(ValidationError):
        PolygonGeoJSONField().clean(json.dumps(rectangle, allow_nan=True))
