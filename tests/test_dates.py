"""Date headers: formats, languages, calendars, refusals, zones and fields, as cases."""
import datetime as dt

import pytest
import regex

from textclean import Cleaner, RuleSet, load_rules, parse_rule_file
from textclean.kinds import dates
from textclean.kinds.calendars import hijri_to_gregorian, jalali_to_gregorian
from textclean.kinds.date_header import DateHeaderStage
from textclean.kinds.dates import DateGrammar, DateRefused, Reading
from textclean.matching.keywords import fold_case
from textclean.model.kind import RuleError

RULES = load_rules()
CLEANER = Cleaner(RuleSet([r for r in RULES.rules if r.kind == "date_header"], RULES.settings))
GRAMMAR = DateGrammar(RULES.settings["date_header"])

# (header, expected metadata); each is cleaned with a body line after it, and must leave only the body.
HEADERS = [
    ("Published: 07 July 2021", {"date": "2021-07-07"}),
    ("Wed, 07 Jul 2021 21:49:00 +0000", {"date": "2021-07-07T21:49:00Z"}),
    ("Fri, 23 Feb 2018 07:00:00 PST", {"date": "2018-02-23T07:00:00-08:00"}),
    ("2021-07-07T21:49:05.250+04:30", {"date": "2021-07-07T21:49:05.250+04:30"}),
    ("Posted on 2020-06-01 09:00:00 UTC", {"date": "2020-06-01T09:00:00Z"}),
    ("2021-07-07 21:49 GMT+3", {"date": "2021-07-07T21:49+03:00"}),
    ("7th of July 2021", {"date": "2021-07-07"}),
    ("July 7th, 2021 at 9:49 PM", {"date": "2021-07-07T21:49"}),
    ("Tue., Nov. 19, 2019", {"date": "2019-11-19"}),
    ("Sept 9 2020", {"date": "2020-09-09"}),
    ("12:00 AM, January 1, 2020", {"date": "2020-01-01T00:00"}),
    ("9 PM, July 7, 2021", {"date": "2021-07-07T21:00"}),
    ("5:45 AM PST 11/19/2019 by Ann Reyes", {"date": "2019-11-19T05:45-08:00", "author": "Ann Reyes"}),
    ("Most recent update: Thu Dec 14 15:21:17 2006", {"updated": "2006-12-14T15:21:17"}),
    ("Veröffentlicht: 7. Juli 2021, 21:49 Uhr", {"date": "2021-07-07T21:49"}),
    ("Stand: 28.04.2020 18:00 Uhr", {"updated": "2020-04-28T18:00"}),
    ("Publié le 1er juillet 2021 à 21h49", {"date": "2021-07-01T21:49"}),
    ("Publicado el 21 de abril de 2022", {"date": "2022-04-21"}),
    ("Pubblicato il 7 luglio 2021 alle 21:49", {"date": "2021-07-07T21:49"}),
    ("sexta-feira, 22 de outubro de 2010 às 20:13", {"date": "2010-10-22T20:13"}),
    ("Gepubliceerd op 7 juli 2021", {"date": "2021-07-07"}),
    ("Опубликовано: 7 июля 2021 г., 21:49", {"date": "2021-07-07T21:49"}),
    ("الأربعاء ٧ يوليو ٢٠٢١", {"date": "2021-07-07"}),
    ("12 كانون الأول 2019", {"date": "2019-12-12"}),
    ("7 Temmuz 2021 Çarşamba 21:49", {"date": "2021-07-07T21:49"}),
    ("11 maja 2021, 11:49", {"date": "2021-05-11T11:49"}),
    ("2021年7月7日 21:49", {"date": "2021-07-07T21:49"}),
    ("2018년 8월 25일", {"date": "2018-08-25"}),
    ("تاریخ انتشار: ۱۶ تیر ۱۴۰۰ - ۲۱:۴۹", {"date": "2021-07-07T21:49"}),
    ("تاریخ انتشار: ۱۴۰۰/۰۴/۱۶", {"date": "2021-07-07"}),
    ("۱۶ تیرماه ۱۴۰۰", {"date": "2021-07-07"}),
    ("تاريخ انتشار: ۱۶ تير ۱۴۰۰", {"date": "2021-07-07"}),
    ("۳۰ اسفند ۱۴۰۳", {"date": "2025-03-20"}),
    ("الأربعاء 27 ذو القعدة 1442 هـ", {"date": "2021-07-07"}),
    ("1442/11/27 هـ", {"date": "2021-07-07"}),
    ("10/18/2004", {"date": "2004-10-18"}),
    ("18/08/2003 07:33:26", {"date": "2003-08-18T07:33:26"}),
    ("15.03.2020", {"date": "2020-03-15"}),
    ("3.15.2020", {"date": "2020-03-15"}),
    ("Published: 3 March 2020 | Last updated: 5 March 2020", {"date": "2020-03-03", "updated": "2020-03-05"}),
    ("News ID: 92199", {"news_id": "92199"}),
    ("کد خبر: ۹۲۱۹۹", {"news_id": "92199"}),
    ("By Jane Doe", {"author": "Jane Doe"}),
    # Labels in capitals, the dotted capital I of Turkish too, and labels or bylines on a line of their own.
    ("TARİH: 15.10.2021", {"date": "2021-10-15"}),
    ("15 EKİM 2021", {"date": "2021-10-15"}),  # a month name in capitals with the dotted İ
    ("Yayınlanma: 3 AĞUSTOS 2020, PAZARTESİ", {"date": "2020-08-03"}),
    ("YAYINLANMA TARİHİ: 15.10.2021", {"date": "2021-10-15"}),
    ("AUTHOR: Ann Reyes", {"author": "Ann Reyes"}),
    ("SOURCE: Valley Wire", {"source": "Valley Wire"}),
    ("Posted by Ann Reyes on 12/20/2004", {"date": "2004-12-20", "author": "Ann Reyes"}),
    ("News ID:\n40417", {"news_id": "40417"}),
    ("7 July 2021\nby Ann Reyes", {"date": "2021-07-07", "author": "Ann Reyes"}),
    # More languages' words: genitive and nominative months, weekday abbreviations, year marks, capitals.
    ("Опубліковано: 7 липня 2021 року о 21:49", {"date": "2021-07-07T21:49"}),
    ("Пн, 14 бер. 2022 р.", {"date": "2022-03-14"}),
    ("ΔΕΥΤΕΡΑ 14 ΜΑΡΤΙΟΥ 2022", {"date": "2022-03-14"}),  # Greek capitals drop the accents
    ("Σάββατο 13 Οκτωβρίου 2018 09:30 π.μ.", {"date": "2018-10-13T09:30"}),
    ("niedziela, 21 maja 2023 r.", {"date": "2023-05-21"}),
    ("Selasa, 5 Februari 2019 pukul 08:30 WITA", {"date": "2019-02-05T08:30+08:00"}),
    ("Ahad, 12 Disember 2021", {"date": "2021-12-12"}),
    ("Alhamisi, 26 Novemba 2020 10:30 EAT", {"date": "2020-11-26T10:30+03:00"}),
    ("शनिवार, १३ अक्टूबर २०१८", {"date": "2018-10-13"}),
    ("7 \u095eरवरी 2021", {"date": "2021-02-07"}),  # फ़ as one code point
    ("7 \u092b\u093cरवरी 2021", {"date": "2021-02-07"}),  # and as फ and a nukta (NFC)
    ("প্রকাশিত: ০৫ ফেব্রুয়ারি ২০১৯", {"date": "2019-02-05"}),
    ("پیر، 14 مارچ 2022", {"date": "2022-03-14"}),
    ("Çar, 7 Tem 2021", {"date": "2021-07-07"}),
    ("12 يوليوز 2021", {"date": "2021-07-12"}),  # Moroccan month names
    ("13 تشرين أول 2018", {"date": "2018-10-13"}),  # Levantine, written without the article
    # CJK: weekday in brackets or after 日, the am/pm mark before the time, 시/분.
    ("2020年11月26日（木）午前8時30分", {"date": "2020-11-26T08:30"}),
    ("2020年11月26日星期四", {"date": "2020-11-26"}),
    ("发布时间：2022年3月14日 下午3:15", {"date": "2022-03-14T15:15"}),
    ("2023년 5월 21일 일요일 오후 7시 30분", {"date": "2023-05-21T19:30"}),
    ("입력 2021.07.07 오후 9:49", {"date": "2021-07-07T21:49"}),
    ("更新日：2021年7月8日 10:15", {"updated": "2021-07-08T10:15"}),
    # Day-first numeric dates after a Vietnamese or Indonesian weekday.
    ("Thứ tư, 7/7/2021, 21:49 (GMT+7)", {"date": "2021-07-07T21:49+07:00"}),
    ("Minggu, 21/05/2023 19:00 WIB", {"date": "2023-05-21T19:00+07:00"}),
    ("Thứ năm, 8/7/2021", {"date": "2021-07-08"}),
    # US zones: regions by the date (CT on the day after clocks went forward), abbreviations as written.
    ("Posted Jan 7, 2021 9:49 PM ET", {"date": "2021-01-07T21:49-05:00"}),
    ("Published 6:00 AM CT, Mon March 14, 2022", {"date": "2022-03-14T06:00-05:00"}),
    ("Updated: 7 July 2021 9:49 PM Eastern Time", {"updated": "2021-07-07T21:49-04:00"}),
    ("Published: Jan 16, 2023 8:00 AM AKST", {"date": "2023-01-16T08:00-09:00"}),
    ("Published: July 8, 2021 4:15 PM HST", {"date": "2021-07-08T16:15-10:00"}),
    ("Originally published: July 7, 2021 at 9:49 p.m. EDT", {"date": "2021-07-07T21:49-04:00"}),
    # More labels, and prepositions.
    ("Online seit: 26.11.2020, 10:30 Uhr", {"date": "2020-11-26T10:30"}),
    ("MàJ le 8 juillet 2021 à 10h15", {"updated": "2021-07-08T10:15"}),
    ("Le mercredi 7 juillet 2021", {"date": "2021-07-07"}),
    ("Dnia 13 października 2018", {"date": "2018-10-13"}),
    ("Aangemaakt op 05-02-2019 08:30", {"date": "2019-02-05T08:30"}),
    ("Oluşturulma tarihi: 14.03.2022 10:05", {"date": "2022-03-14T10:05"}),
    ("Publikováno: 7. července 2021 21:49", {"date": "2021-07-07T21:49"}),
    ("Publicat: miercuri, 7 iulie 2021, ora 21:49", {"date": "2021-07-07T21:49"}),
    ("Publiceret 7. juli 2021 kl. 21.49", {"date": "2021-07-07T21:49"}),  # a dotted time after kl., klo, pukul
    ("Julkaistu 7.7.2021 klo 21.49", {"date": "2021-07-07T21:49"}),
    ("Rabu, 7 Juli 2021 pukul 21.49 WIB", {"date": "2021-07-07T21:49+07:00"}),
    ("Publicerad 21 maj 2023 kl. 19.00 Uppdaterad 22 maj 2023 kl. 08.30",
     {"date": "2023-05-21T19:00", "updated": "2023-05-22T08:30"}),
    ("7. 7. 2021 21:49", {"date": "2021-07-07T21:49"}),  # dots with a space after them
    ("2023. 5. 21. 오후 7:00", {"date": "2023-05-21T19:00"}),
    ("입력 2021.07.07 21:49 | 수정 2021.07.08 10:15", {"date": "2021-07-07T21:49", "updated": "2021-07-08T10:15"}),
    ("2021-07-07 21:49:00 来源：新华社", {"date": "2021-07-07T21:49:00", "source": "新华社"}),
]

# Lines that must stay, with no date: prose, impossible, ambiguous, incomplete.
KEPT = [
    "The ceasefire signed on 7 July 2021 held for a week.",
    "July 2021",
    "Updated 14 hours ago",
    "Published: 31 February 2021",
    "Date: 2021-13-05",
    "Posted on 7 July 2021 25:61",
    "۳۰ اسفند ۱۴۰۲",
    "03/05/2021",
    "07/07/21",
    "Tuesday, 7 July 2021",
    "April 1, 2023 10:15 am IST",
    "27 ذو القعدة 1442",
    "۱۴۰۰/۰۴/۱۶",
    "— A Reporter (@reporter) November 1, 2019",
    "Thứ tư, 8/7/2021",  # 8 July 2021 was a Thursday
    "08/07/2021 10:15",  # no weekday of a day-first language: either could be the month
    "Posted Jan 7, 2021 9:49 PM CST",  # US Central or China
    "Дата: 7 липня 2021 року о 25:00",
    "Published: 7 July 2021 21.49",  # without kl., klo or pukul before it, 21.49 is no time
    "Date: 7. 7.2021",  # a space after one dot and not the other
]


@pytest.mark.parametrize(("header", "metadata"), HEADERS, ids=[h for h, _ in HEADERS])
def test_header_becomes_metadata_and_leaves(header, metadata):
    result = CLEANER.clean(f"{header}\nThe talks began on Wednesday.\n")
    assert result.text == "The talks began on Wednesday.\n"
    assert {key: result.metadata.get(key) for key in metadata} == metadata


@pytest.mark.parametrize("line", KEPT)
def test_line_without_a_trustworthy_date_stays(line):
    text = f"{line}\nThe talks began on Wednesday.\n"
    result = CLEANER.clean(text)
    assert result.text == text
    assert "date" not in result.metadata and "updated" not in result.metadata


@pytest.mark.parametrize(("line", "reason"), [
    ("Published: 31 February 2021", "no such date"),
    ("Date: 2021-13-05", "no such date"),
    ("03/05/2021", "ambiguous"),
    ("07/07/21", "two-digit year"),
    ("Tuesday, 7 July 2021", "not the weekday"),
    ("April 1, 2023 10:15 am IST", "more than one offset"),
    ("27 ذو القعدة 1442", "Hijri"),
    ("۱۴۰۰/۰۴/۱۶", "outside the years"),
])
def test_refused_header_is_reported_with_its_reason(line, reason):
    findings = CLEANER.clean(f"{line}\nBody.\n").findings
    assert len(findings) == 1 and reason in findings[0].message and findings[0].start == 0


def pack(rule: str) -> Cleaner:
    """A cleaner with the shipped words and one rule written here."""
    text = "rules:\n" + rule
    return Cleaner(RuleSet(parse_rule_file(text).rules, RULES.settings), unicode=False)


NUMERIC = """
  - id: t.numeric
    kind: date_header
    description: a numeric date line
    pattern: 'Date:\\s*{date}'
    field: date
    examples: [{keep: x}]
"""


@pytest.mark.parametrize(("order", "line", "expected"), [
    ("", "Date: 03/05/2021", None),
    ("", "Date: 13/05/2021", "2021-05-13"),
    ("order: dmy", "Date: 03/05/2021", "2021-05-03"),
    ("order: mdy", "Date: 03/05/2021", "2021-03-05"),
    ("order: dmy", "Date: 04/21/2022", "2022-04-21"),
    ("order: mdy", "Date: 21/04/2022", "2022-04-21"),
    ("order: dmy", "Date: 13/13/2021", None),
    ("order: {'.': dmy}", "Date: 03.05.2021", "2021-05-03"),
    ("order: {'.': dmy}", "Date: 03/05/2021", None),
    ("order: {'/': mdy}", "Date: 03-05-2021", None),
])
def test_numeric_order_is_declared_per_rule_and_swapped_only_when_the_month_cannot_be(order, line, expected):
    result = pack(NUMERIC + (f"    {order}\n" if order else "")).clean(f"{line}\nBody.\n")
    assert result.metadata.get("date") == expected


@pytest.mark.parametrize(("allowed", "line", "expected"), [
    (False, "Date: 07/07/21", None),
    (True, "Date: 13/07/21", "2021-07-13"),
    (True, "Date: 13/07/85", "1985-07-13"),
    (True, "Date: 7 Jul '21", "2021-07-07"),
    (False, "Date: 7 Jul '21", None),
])
def test_two_digit_years_only_where_a_rule_allows_them(allowed, line, expected):
    rule = NUMERIC + ("    two_digit_years: true\n" if allowed else "")
    assert pack(rule).clean(f"{line}\nBody.\n").metadata.get("date") == expected


def test_hijri_only_where_a_rule_asks():
    rule = NUMERIC.replace("t.numeric", "t.hijri")
    line = "Date: 1 رمضان 1442\nBody.\n"
    assert "date" not in pack(rule).clean(line).metadata
    assert pack(rule + "    calendar: hijri\n").clean(line).metadata["date"] == "2021-04-13"
    assert pack(rule + "    calendar: hijri\n").clean("Date: 1442/09/01\nBody.\n").metadata["date"] == "2021-04-13"
    assert pack(rule + "    calendar: jalali\n").clean("Date: 1400/04/16\nBody.\n").metadata["date"] == "2021-07-07"


def test_label_on_one_line_and_date_on_the_next():
    result = CLEANER.clean("Publish date:\n\nNov 18, 2019\nFarmers met in the square.\n")
    assert (result.text, result.metadata) == ("Farmers met in the square.\n", {"date": "2019-11-18"})


def test_a_bare_date_is_not_joined_to_the_next_line():
    text = "Nov 18\n2019 was a dry year for the farmers of the valley.\n"
    assert CLEANER.clean(text).text == text


def test_footer_zone_published_and_updated_at_the_end():
    body = "".join(f"Paragraph {n} of the story about the bridge that reopened on Friday.\n" for n in range(12))
    result = CLEANER.clean(body + "\nPublished: 3 March 2020\nLast updated: 5 March 2020, 10:02 GMT\n")
    assert result.text == body
    assert result.metadata == {"date": "2020-03-03", "updated": "2020-03-05T10:02Z"}


def test_a_dated_line_in_the_middle_of_a_long_document_stays():
    body = [f"Paragraph {n} of the story about the bridge." for n in range(30)]
    body[15] = "7 July 2021"
    text = "\n".join(body) + "\n"
    assert CLEANER.clean(text).text == text


def test_glued_dateline_leaves_the_sentence():
    result = CLEANER.clean(" date 2021-07-07 Iran is hosting talks.\n")
    assert (result.text, result.metadata) == ("Iran is hosting talks.\n", {"date": "2021-07-07"})


def test_a_line_a_glued_rule_took_a_date_from_is_left_to_the_next_pass():
    cleaner = pack("""
  - id: t.glued
    kind: date_header
    description: a date glued before the first sentence
    where: glued
    pattern: 'date\\s+{date}'
    field: date
    examples: [{keep: x}]
  - id: t.labelled
    kind: date_header
    description: a labelled line
    pattern: 'date\\s+(?P<value>.+)'
    field: label
    examples: [{keep: x}]
""")
    result = cleaner.clean("date 2020-05-02 date of the flood.\nBody.\n")
    assert (result.text, result.metadata) == ("Body.\n", {"date": "2020-05-02", "label": "of the flood."})


def test_named_groups_fill_fields_beside_the_date():
    cleaner = pack("""
  - id: t.byline
    kind: date_header
    description: a byline with a date
    pattern: 'By\\s+(?P<author>[A-Z][a-z]+ [A-Z][a-z]+),\\s*{date}\\s*\\|\\s*(?P<source>\\w+)'
    field: date
    examples: [{keep: x}]
""")
    result = cleaner.clean("By Jane Doe, 3 March 2020 | Reuters\nBody.\n")
    assert result.metadata == {"author": "Jane Doe", "date": "2020-03-03", "source": "Reuters"}


def test_a_value_of_digits_only_is_stored_in_ascii_digits():
    cleaner = pack("""
  - id: t.labelled
    kind: date_header
    description: a labelled line
    pattern: '(?:No|Ref)\\.?\\s+(?P<value>\\S+)(?:\\s+(?P<issue>\\S+))?'
    field: number
    examples: [{keep: x}]
""")
    assert cleaner.clean("No. ٠٠٤٢ ۱۲\nBody.\n").metadata == {"number": "0042", "issue": "12"}
    assert cleaner.clean("Ref ۴۲-الف\nBody.\n").metadata == {"number": "۴۲-الف"}  # not digits only: as written


def test_the_seed_headers_keep_their_metadata():
    result = Cleaner().clean("News ID: 92199\nPublish Date : 07 July 2021 - 21:49\n\nTEHRAN -- Talks began.\n")
    assert result.metadata == {"news_id": "92199", "date": "2021-07-07T21:49"}
    assert result.text == "TEHRAN -- Talks began.\n"


def test_a_word_meaning_two_months_is_a_settings_error():
    settings = {"months": {"xx": [["one"]] * 12}}
    with pytest.raises(RuleError, match="already means"):
        Cleaner(RuleSet(parse_rule_file(NUMERIC.join(["rules:", ""])).rules, {"date_header": settings}))


def test_the_long_word_lists_are_written_once_in_the_full_grammar_and_in_the_span():
    full = GRAMMAR.pattern("_d0_") + GRAMMAR.definitions
    assert [full.count(rf"\L<date_{key}>") for key in ("months", "weekdays", "zones", "day_words")] == [1, 1, 1, 1]
    assert GRAMMAR.span("_d0_").count(r"\L<date_day_words>") == 1


def test_two_spans_in_one_pattern_each_call_their_own_day_words():
    grammar = DateGrammar({"months": {"xx": [["one"]]}, "day_words": {"xx": [["first"], ["first two"]]}})
    both = regex.compile(f"{grammar.span('_a_')} to {grammar.span('_b_')}", ignore_unused=True,
                         **grammar.named_lists)
    assert both.fullmatch("first one 2021 to first two one 2022")


def test_a_called_word_list_gives_up_its_longest_word_when_the_date_needs_a_shorter_one():
    grammar = DateGrammar({"months": {"xx": [["one"], ["one two"]]}, "date_joiners": ["twofold"]})
    assert grammar.parse("5 one two 2021") == "2021-02-05"
    assert grammar.parse("5 one twofold 2021") == "2021-01-05"


def test_a_name_may_start_with_punctuation():
    grammar = DateGrammar({"months": {"xx": [["one"], ["'two"]]}})
    assert grammar.parse("5 'two 2021") == "2021-02-05"


def test_a_name_the_tables_lack_is_refused_not_a_crash():
    with pytest.raises(DateRefused, match="no month name"):
        dates._named(GRAMMAR.months, "Brumaire", "month")


def test_reading_defaults_refuse_rather_than_guess():
    with pytest.raises(DateRefused, match="ambiguous"):
        GRAMMAR.parse("03/05/2021")
    assert GRAMMAR.parse("03/05/2021", Reading(order={"/": "dmy"})) == "2021-05-03"
    assert GRAMMAR.parse("not a date at all") is None


@pytest.mark.parametrize(("jalali", "gregorian"), [
    ((1400, 1, 1), dt.date(2021, 3, 21)),
    ((1399, 1, 1), dt.date(2020, 3, 20)),
    ((1403, 1, 1), dt.date(2024, 3, 20)),
    ((1400, 4, 16), dt.date(2021, 7, 7)),
    ((1403, 12, 30), dt.date(2025, 3, 20)),
    ((1357, 11, 22), dt.date(1979, 2, 11)),
])
def test_jalali_known_dates(jalali, gregorian):
    assert jalali_to_gregorian(*jalali) == gregorian


@pytest.mark.parametrize("jalali", [(1402, 12, 30), (1400, 7, 31), (1400, 13, 1), (1400, 0, 1)])
def test_impossible_jalali_dates_are_refused(jalali):
    with pytest.raises(ValueError):
        jalali_to_gregorian(*jalali)


def test_hijri_known_dates_and_limits():
    assert hijri_to_gregorian(1442, 9, 1) == dt.date(2021, 4, 13)  # first of Ramadan in Saudi Arabia
    assert hijri_to_gregorian(1442, 10, 1) == dt.date(2021, 5, 13)  # Eid al-Fitr
    with pytest.raises(ValueError):
        hijri_to_gregorian(1600, 1, 1)


@pytest.mark.parametrize("text", ["7 July 2021", "Sept 9 2020", "2021-07-07", "07.07.2021", "2021年7月7日",
                                  "۱۶ تیر ۱۴۰۰", "12 كانون الأول 2019", "Wed, 07 Jul 2021 21:49:00 +0000"])
def test_a_date_is_seen_by_the_quick_test(text):
    assert GRAMMAR.may_hold(text)


@pytest.mark.parametrize("text", ["TOP 5 Must Haves 2018", "Seite 1 von 13", "The market grew 5% in 2021",
                                  "macOS 10.15 Catalina", "Published today"])
def test_a_line_without_a_date_is_passed_over_by_the_quick_test(text):
    assert not GRAMMAR.may_hold(text)


def test_keywords_are_folded_as_regex_ignores_case():
    """Every character that ``regex`` takes for a character of a keyword or month name folds to the same."""
    stage = next(stage for stage in CLEANER.stages if isinstance(stage, DateHeaderStage))
    words = [keyword for compiled in stage.rules for keyword in compiled.keywords or ()]
    words += GRAMMAR.named_lists["date_months"]
    everything = "".join(chr(code) for code in range(0x110000) if not 0xD800 <= code < 0xE000)
    for char in {char for word in words for char in word}:
        for same in regex.findall(f"(?i){regex.escape(char)}", everything):
            assert fold_case(same) == fold_case(char), (char, same)


@pytest.mark.parametrize(("pattern", "keywords"), [
    (r"By\s+(?P<value>\p{Lu}\p{L}+)", {"\nby"}),  # a Unicode property, which only regex reads
    (r"(?:Posted\s+by\s+(?P<author>\w+)\s+on|Date:)\s*{date}(?:\s+by\s+(?P<author>\w+))?",
     {"\nposted", "\ndate:"}),
    (r"{date}\s+\(?P<value>", {"p<value>"}),  # an escaped parenthesis opens no group
    (r"[-|\s]*{date}", None),
    (r"Published\nDate:\s*{date}", {"\npublished"}),  # no keyword across the line break
])
def test_a_rule_pattern_names_the_keywords_every_line_it_matches_holds(pattern, keywords):
    [compiled] = DateHeaderStage([parse_rule_file(f"""
rules:
  - id: t.rule
    kind: date_header
    description: d
    pattern: '{pattern}'
    field: date
    examples: [{{input: "x", output: ""}}, {{keep: "y"}}]
""").rules[0]], RULES.settings["date_header"]).rules
    assert compiled.keywords == (None if keywords is None else frozenset(keywords))


# Which date is the article's: a page prints dates that are not its own.
STORY = ("Floodwater broke through the earthen dam above the town late on Saturday, officials said.\n"
         "Hundreds of families moved to higher ground before the water reached the market on Sunday.\n")
MENU = "Home\nNews\nPolitics\nSport\nContact us\n"


def test_a_masthead_date_above_the_menu_is_not_the_articles():
    result = CLEANER.clean("Thursday, 9 November 2023\n" + MENU + "The dam gave way\n" + STORY)
    assert "date" not in result.metadata
    assert any("no article text beside it" in finding.message for finding in result.findings)


def test_a_bare_date_right_above_the_body_is_the_articles():
    result = CLEANER.clean("Home\nNews\nThe dam gave way\n7 July 2021\n" + STORY)
    assert result.metadata["date"] == "2021-07-07"
    assert "7 July 2021" not in result.text


def test_a_labelled_date_wins_over_a_masthead_date_and_keeps_its_value():
    result = CLEANER.clean("Thursday, 9 November 2023\nThe dam gave way\nPublished: 7 July 2021\n" + STORY)
    assert result.metadata["date"] == "2021-07-07"
    assert any("'2023-11-09' not taken" in finding.message for finding in result.findings)


def test_two_bare_dates_that_disagree_give_no_date():
    page = ("The dam gave way\n7 July 2021\nA second story about the river\n8 July 2021\n" + STORY)
    result = CLEANER.clean(page)
    assert "date" not in result.metadata
    assert any("disagree" in finding.message for finding in result.findings)


def test_dates_of_listed_items_in_the_footer_give_no_date():
    teasers = "".join(f"Another story number {n}\nPosted {n} November 2006 by Ann Reyes\n" for n in range(10, 16))
    result = CLEANER.clean(STORY * 4 + "Related\n" + teasers)
    assert "date" not in result.metadata


def test_the_choice_is_stable_when_the_page_is_cleaned_again():
    page = "Thursday, 9 November 2023\n" + MENU + "The dam gave way\n" + STORY
    once = CLEANER.clean(page)
    assert CLEANER.clean(once.text).text == once.text and "date" not in CLEANER.clean(once.text).metadata


def test_a_zone_given_by_region_takes_the_offset_of_the_date_and_refuses_a_change_of_clocks():
    grammar = DateGrammar({**RULES.settings["date_header"]})
    assert grammar.parse("9:49 PM ET, July 7, 2021").endswith("-04:00")
    assert grammar.parse("9:49 PM ET, January 7, 2021").endswith("-05:00")
    with pytest.raises(DateRefused, match="change of clocks"):
        grammar.parse("1:30 AM ET, November 7, 2021")  # twice that night: EDT, then EST
    with pytest.raises(DateRefused, match="change of clocks"):
        grammar.parse("2:30 AM ET, March 14, 2021")  # never that night


def test_a_region_the_system_does_not_know_is_a_settings_error():
    with pytest.raises(ValueError, match="'Mars/Olympus' is no time zone"):
        DateGrammar({"time_zones": {"OT": "Mars/Olympus"}})


def test_days_written_as_ordinal_words():
    grammar = DateGrammar({**RULES.settings["date_header"]})
    assert grammar.parse("سوم شهریور ۱۳۹۴") == "2015-08-25"
    assert grammar.parse("بیست و یکم شهریور ۱۳۹۴") == "2015-09-12"


def test_a_date_on_top_of_every_page_of_a_site_is_its_masthead_in_a_corpus_run(tmp_path):
    import json

    from click.testing import CliRunner

    from textclean.cli import main
    bodies = ["The ferry to the island runs again, and the first boat left the harbour at six.",
              "The school opens late this week, after the storm took part of the roof away.",
              "The river rose again overnight, and the road up the valley was closed to traffic."]
    (tmp_path / "in.jsonl").write_text("".join(json.dumps({"id": str(n), "url": f"https://news.example/{n}",
                                                           "text": f"Thursday, 9 November 2023\n{body}\n"}) + "\n"
                                               for n, body in enumerate(bodies)))
    for extra, wanted in (([], [None] * 3), (["--no-site-pass"], ["2023-11-09"] * 3)):
        result = CliRunner().invoke(main, ["clean", "-q", *extra, str(tmp_path / "in.jsonl"), "-o",
                                           str(tmp_path / "out.jsonl")])
        assert result.exit_code == 0, result.output
        records = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
        assert [record.get("metadata", {}).get("date") for record in records] == wanted, extra


WORDS_ONLY = {key: value for key, value in RULES.settings["date_header"].items() if key != "article"}


@pytest.mark.parametrize(("extra", "missing"), [
    ("    labelled: false\n", "body_within, paragraph_words, paragraph_chars, sentence_ends, masthead_pages, "
                            "masthead_share"),
    ("    where: footer\n", "body_within, paragraph_words, paragraph_chars, sentence_ends"),
])
def test_a_rule_that_needs_the_article_settings_is_refused_without_them(extra, missing):
    """The article thresholds are data in the rule files: a pack without them gets an error naming the rule
    and the keys, not thresholds from the code."""
    rules = parse_rule_file(NUMERIC.join(["rules:", ""]) + extra, "mine.yaml").rules
    with pytest.raises(RuleError, match=rf"^mine\.yaml:\d+: rule 't\.numeric': .* lacks {missing}: "):
        Cleaner(RuleSet(rules, {"date_header": WORDS_ONLY}), unicode=False)


def test_a_labelled_head_rule_needs_no_article_settings_and_a_footer_rule_no_masthead_ones():
    head = parse_rule_file(NUMERIC.join(["rules:", ""]), "mine.yaml").rules
    assert Cleaner(RuleSet(head, {"date_header": WORDS_ONLY}), unicode=False).clean(
        "Date: 13/05/2021\n" + STORY).metadata == {"date": "2021-05-13"}
    footer = parse_rule_file(NUMERIC.join(["rules:", ""]) + "    where: footer\n", "mine.yaml").rules
    body = {key: RULES.settings["date_header"]["article"][key]
            for key in ("body_within", "paragraph_words", "paragraph_chars", "sentence_ends")}
    cleaner = Cleaner(RuleSet(footer, {"date_header": {**WORDS_ONLY, "article": body}}), unicode=False)
    assert cleaner.clean(STORY + "Date: 13/05/2021\n").metadata == {"date": "2021-05-13"}


@pytest.mark.parametrize(("header", "metadata"), [
    ("Posted on Oktober 3, 2022 by Lena Hartmann", {"date": "2022-10-03", "author": "Lena Hartmann"}),
    ("14.05.2021, 08:45 Uhr von Jonas Weber", {"date": "2021-05-14T08:45", "author": "Jonas Weber"}),
])
def test_a_line_the_span_misreads_is_read_with_the_full_grammar_of_its_rule(header, metadata):
    result = CLEANER.clean(header + "\n" + STORY)
    assert result.metadata == metadata and result.text == STORY


def test_the_full_grammars_word_lists_are_compiled_once_for_the_rules_that_can_share_them():
    [stage] = [stage for stage in CLEANER.stages if stage.kind == "date_header"]
    dated = [compiled for compiled in stage.rules if compiled.dates]
    sets = {id(compiled.exact.patterns): compiled.exact.patterns for compiled in dated}
    held = "".join(pattern for patterns in sets.values() for pattern in patterns._patterns)
    assert held.count("(?P<_date_months>") == len(sets) <= len(dated) // 3


TWO_RULES = """rules:
  - id: t.date
    kind: date_header
    description: a date line
    pattern: 'Date:\\s*{date}'
    field: date
    examples: [{keep: x}]
  - id: t.posted
    kind: date_header
    description: a posted line
    pattern: 'Posted\\s*{date}'
    field: date
    examples: [{keep: x}]
  - id: t.behind
    kind: date_header
    description: a line whose pattern looks behind
    pattern: '(?<!\\S)Filed\\s*{date}'
    field: date
    examples: [{keep: x}]
"""


def test_a_shared_full_grammar_matches_only_the_branch_its_marker_picks():
    date, posted, behind = DateHeaderStage(parse_rule_file(TWO_RULES).rules, RULES.settings["date_header"]).rules
    assert date.exact.patterns is posted.exact.patterns and date.exact.marker != posted.exact.marker
    assert date.exact.patterns.fullmatch(date.exact.marker + "Posted 7 July 2021") is None
    assert posted.exact.patterns.fullmatch(posted.exact.marker + "Posted 7 July 2021")[0] is posted.rule
    # a lookbehind would see the marker: the rule keeps a set of its own, and matches as it is written
    assert behind.exact.marker == "" and behind.exact.patterns is not date.exact.patterns
    assert behind.match("fullmatch", "Filed 7 July 2021") == (len("Filed 7 July 2021"), {"date": "2021-07-07"})


def test_a_line_without_a_date_is_joined_to_the_next_only_where_it_can_lead_the_rules_date():
    """What a pattern matches before its date rules out, with one small match, the lines it cannot begin."""
    rules = {compiled.rule.id: compiled for compiled in DateHeaderStage(
        [rule for rule in RULES.rules if rule.kind == "date_header"], RULES.settings["date_header"]).rules}
    bare, on = rules["date.bare-line"], rules["date.on-line"]
    assert not bare.may_lead("The dam gave way") and bare.may_lead("|") and bare.may_lead("- *")
    assert on.may_lead("On") and on.may_lead("| On") and not on.may_lead("Once upon a time")
    result = CLEANER.clean("|\n7 July 2021\n" + STORY)
    assert result.metadata == {"date": "2021-07-07"} and result.text == STORY


def test_a_date_in_a_branch_or_after_a_lookbehind_leaves_every_line_to_the_pattern():
    rules = parse_rule_file(TWO_RULES.replace("'Posted\\s*{date}'", "'(?:Posted\\s*{date}|x)'")).rules
    assert "(?:Posted" in rules[1].spec["pattern"]
    date, posted, behind = DateHeaderStage(rules, RULES.settings["date_header"]).rules
    assert not date.may_lead("Headline") and posted.may_lead("Headline") and behind.may_lead("Headline")
