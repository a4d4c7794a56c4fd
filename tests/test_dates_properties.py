"""The date stage never gives a date the text does not hold: generated dates come back, other text gives none."""
import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from textclean import Cleaner, RuleSet, load_rules
from textclean.kinds.calendars import jalali_to_gregorian

RULES = load_rules()
CLEANER = Cleaner(RuleSet([r for r in RULES.rules if r.kind == "date_header"], RULES.settings), unicode=False)
WORDS = RULES.settings["date_header"]
PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
ARABIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
BODY = "\nThe talks began on Wednesday.\n"

settings.register_profile("dates", max_examples=120, deadline=None)

dates = st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2090, 12, 31))
times = st.tuples(st.integers(0, 23), st.integers(0, 59), st.integers(0, 59))
languages = st.sampled_from(sorted(WORDS["months"]))


def month_name(language: str, month: int, pick: int) -> str:
    spellings = WORDS["months"][language][month - 1]
    return spellings[pick % len(spellings)]


def rendered(date: dt.date, language: str, pick: int, shape: int) -> str:
    """``date`` written in one of many shapes, with a month name of ``language``."""
    name = month_name(language, date.month, pick)
    shapes = [
        f"{date.day} {name} {date.year}",
        f"{date.day:02d} {name.title()} {date.year}",
        f"{name.title()} {date.day}, {date.year}",
        f"{date.isoformat()}",
        f"{date.year}/{date.month}/{date.day}",
        f"{date.day:02d}.{date.month:02d}.{date.year}",
        f"{date.year}年{date.month}月{date.day}日",
        f"{date.day}-{name.title()}-{date.year}",
    ]
    return shapes[shape % len(shapes)]


@settings(settings.get_profile("dates"))
@given(dates, languages, st.integers(0, 5), st.integers(0, 7), st.sampled_from(["", "Published: ", "Date: "]))
def test_a_rendered_date_parses_back_exactly(date, language, pick, shape, label):
    text = label + rendered(date, language, pick, shape)
    assert CLEANER.clean(text + BODY).metadata.get("date") == date.isoformat(), text


@settings(settings.get_profile("dates"))
@given(dates, times, st.sampled_from(["Z", "+04:30", "-05:00"]))
def test_iso_and_rfc_2822_with_time_and_offset_parse_back_exactly(date, time, offset):
    hour, minute, second = time
    iso = f"{date.isoformat()}T{hour:02d}:{minute:02d}:{second:02d}{offset}"
    rfc_zone = "+0000" if offset == "Z" else offset.replace(":", "")
    weekday = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][date.weekday()]
    month = date.strftime("%b")
    rfc = f"{weekday}, {date.day:02d} {month} {date.year} {hour:02d}:{minute:02d}:{second:02d} {rfc_zone}"
    for text in (iso, rfc):
        assert CLEANER.clean(text + BODY).metadata.get("date") == iso, text


@settings(settings.get_profile("dates"))
@given(st.integers(1330, 1470), st.integers(1, 12), st.integers(1, 31), st.sampled_from([PERSIAN_DIGITS, None]))
def test_jalali_dates_parse_back_to_their_gregorian_day(year, month, day, digits):
    name = WORDS["jalali_months"]["fa"][month - 1][0]
    text = f"{day} {name} {year}"
    text = text.translate(digits) if digits else text
    got = CLEANER.clean(text + BODY).metadata.get("date")
    try:
        expected = jalali_to_gregorian(year, month, day).isoformat()
    except ValueError:
        expected = None
    assert got == expected, text


@settings(settings.get_profile("dates"))
@given(dates, st.sampled_from(["ar", "ru", "tr", "fa"]))
def test_dates_in_arabic_indic_digits_parse_back(date, language):
    text = rendered(date, language, 0, 0).translate(ARABIC_DIGITS)
    assert CLEANER.clean(text + BODY).metadata.get("date") == date.isoformat(), text


@settings(settings.get_profile("dates"))
@given(st.integers(1, 31), st.integers(1, 12), st.integers(1950, 2090), st.sampled_from(["/", "-"]))
def test_numeric_dates_without_an_order_give_a_date_only_where_one_reading_exists(first, second, year, separator):
    text = f"{first:02d}{separator}{second:02d}{separator}{year}"
    got = CLEANER.clean(text + BODY).metadata.get("date")
    readings = set()
    for day, month in ((first, second), (second, first)):
        try:
            readings.add(dt.date(year, month, day).isoformat())
        except ValueError:
            pass
    assert got == (readings.pop() if len(readings) == 1 else None), text


no_digits = st.text(alphabet=st.characters(blacklist_categories=["Nd", "Cs"]), max_size=120)
prose = st.lists(st.sampled_from(["the", "council", "said", "on", "Monday", "July", "Tir", "of", "at", "Published:",
                                  "Date:", "by", "May", "March", "de", "2021", "in", "year", "2021-07"]),
                 min_size=1, max_size=12).map(" ".join)


@settings(settings.get_profile("dates"))
@given(st.one_of(no_digits, prose))
def test_text_without_a_whole_date_gives_no_date(text):
    metadata = CLEANER.clean(text + BODY).metadata
    assert "date" not in metadata and "updated" not in metadata, text
