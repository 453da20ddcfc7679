"""Time expressions: recognition, resolution against the publication date, and the TimeML scorer."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parallax.enrich.timex import WEEKDAYS, find_times, sentence_event_date
from parallax.evaluation.timex import evaluate_timex, read_meantime, read_timeml, score_document
from parallax.model import TimeRef

WEDNESDAY = date(2021, 5, 5)  # the founding articles' publication day


def only(text: str, published: date | None = WEDNESDAY, **options: bool) -> TimeRef:
    found = find_times(text, published, **options)
    assert len(found) == 1, found
    return found[0]


def by_expression(text: str, published: date | None = WEDNESDAY) -> dict[str, TimeRef]:
    return {ref.expression: ref for ref in find_times(text, published)}


# -- the founding examples --------------------------------------------------------------------


def test_weekday_of_publication_is_that_day() -> None:
    ref = only("The two foreign ministers met Wednesday in London to mend ties.")
    assert (ref.expression, ref.value, ref.precision, ref.kind) == ("Wednesday", "2021-05-05", "day", "date")


def test_past_weekday_is_the_most_recent_one() -> None:
    ref = only("On Monday, Blinken expressed hope that the North would return to talks.")
    assert (ref.expression, ref.value) == ("Monday", "2021-05-03")


def test_month_of_last_year_keeps_month_precision() -> None:
    ref = only("It was the first such meeting since February last year.")
    assert (ref.expression, ref.value, ref.precision) == ("February last year", "2020-02", "month")


def test_bare_month_is_the_most_recent_one() -> None:
    ref = only("It is the first gathering since the launch of the new administration in January.")
    assert (ref.expression, ref.value, ref.precision) == ("January", "2021-01", "month")


def test_duration_is_not_a_date() -> None:
    ref = only("The ministers later held talks that lasted 20 minutes.")
    assert (ref.expression, ref.value) == ("20 minutes", "PT20M")
    assert (ref.precision, ref.kind) == ("duration", "duration")


# -- other expressions ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expression", "value", "precision"),
    [
        ("It was signed on May 5, 2021 in Seoul.", "May 5, 2021", "2021-05-05", "day"),
        ("It was signed on 5 May 2021 in Seoul.", "5 May 2021", "2021-05-05", "day"),
        ("The filing is dated 2021-05-05.", "2021-05-05", "2021-05-05", "day"),
        ("The filing is dated 05/05/2021.", "05/05/2021", "2021-05-05", "day"),
        ("Prices rose in May 2021.", "May 2021", "2021-05", "month"),
        ("The law passed in 2019.", "2019", "2019", "year"),
        ("Growth slowed in the 1990s.", "the 1990s", "199", "decade"),
        ("The plant closed in mid-1998.", "mid-1998", "1998", "year"),
        ("The minister arrived yesterday.", "yesterday", "2021-05-04", "day"),
        ("The vote is tomorrow.", "tomorrow", "2021-05-06", "day"),
        ("She will speak tonight.", "tonight", "2021-05-05TNI", "time"),
        ("He spoke this morning.", "this morning", "2021-05-05TMO", "time"),
        ("Exports fell last year.", "last year", "2020", "year"),
        ("Talks resume next week.", "next week", "2021-W19", "week"),
        ("Output rose this year.", "this year", "2021", "year"),
        ("Rates were cut earlier this month.", "earlier this month", "2021-05", "month"),
        ("Rents were lower a year ago.", "a year ago", "2020", "year"),
        ("Sales fell last month.", "last month", "2021-04", "month"),
        ("Profit should recover in the third quarter.", "the third quarter", "2021-Q3", "quarter"),
        # In May the third quarter that profit already rose in can only be last year's.
        ("Profit rose in the third quarter.", "the third quarter", "2020-Q3", "quarter"),
        ("Trade slumped last summer.", "last summer", "2020-SU", "season"),
        ("The summit opens at 3 p.m.", "3 p.m.", "2021-05-05T15:00", "time"),
        ("Prices are now falling.", "now", "PRESENT_REF", "unknown"),
        ("The policy is currently under review.", "currently", "PRESENT_REF", "unknown"),
        ("The firm recently cut jobs.", "recently", "PAST_REF", "unknown"),
        ("Nobody can predict the future.", "the future", "FUTURE_REF", "unknown"),
        ("Shops were busy on Christmas Eve.", "Christmas Eve", "2020-12-24", "day"),
        ("Shops were busy in Christmas week.", "Christmas week", "2020-W52", "week"),
        ("The market is closed on a Sunday.", "Sunday", "XXXX-WXX-7", "day"),
    ],
)
def test_dates_and_times(text: str, expression: str, value: str, precision: str) -> None:
    ref = only(text)
    assert (ref.expression, ref.value, ref.precision) == (expression, value, precision)


@pytest.mark.parametrize(
    ("text", "expression", "value"),
    [
        ("The war lasted three years.", "three years", "P3Y"),
        ("The strike lasted two weeks.", "two weeks", "P2W"),
        ("The inspection took five days.", "five days", "P5D"),
        ("The dispute went on for several years.", "several years", "PXY"),
        ("The debate ran for 2 1/2 hours.", "2 1/2 hours", "PT2H30M"),
        ("It signed a two-year contract.", "two-year", "P2Y"),
    ],
)
def test_durations(text: str, expression: str, value: str) -> None:
    ref = only(text)
    assert (ref.expression, ref.value, ref.kind, ref.precision) == (expression, value, "duration", "duration")


def test_sets_are_recurrences() -> None:
    ref = only("The committee meets every week.")
    assert (ref.expression, ref.value, ref.kind, ref.precision) == ("every week", "P1W", "set", "set")
    ref = only("Pumps move 5,000 barrels a day.")
    assert (ref.expression, ref.value, ref.kind) == ("a day", "P1D", "set")


def test_future_tense_moves_weekdays_and_months_forward() -> None:
    assert only("The ministers will meet on Friday.").value == "2021-05-07"
    assert only("They meet again next Friday.").value == "2021-05-07"
    assert only("The ministers met on Friday.").value == "2021-04-30"
    assert only("The rules will take effect in January.").value == "2022-01"
    assert only("Elections are scheduled for the spring of 2022.").value == "2022-SP"


def test_a_quotation_keeps_its_own_tense() -> None:
    # Published Wednesday 2021-05-05: the quoted "will" dates the departure, not the "said" outside.
    assert only('"He will leave at dawn on Friday," the minister said.').value == "2021-05-07"
    assert only('"We met on Monday," she will tell the committee.').value == "2021-05-03"
    assert only("''The talks can resume on Friday,'' the envoy said.").value == "2021-05-07"


def test_a_future_cue_in_a_relative_clause_after_the_expression_does_not_date_it() -> None:
    published = date(2021, 6, 9)
    text = "The council approved a plan on Tuesday that would add bus lanes."
    assert only(text, published).value == "2021-06-08"
    text = "The mayor hinted on Wednesday that she would run again."
    assert only(text, date(2021, 6, 3)).value == "2021-06-02"


def test_days_that_have_been() -> None:
    # Events that cannot be scheduled, "since", and a sentence that opens "By ..." in the past.
    text = "The inquiry will examine the March 3 riot at the port."
    assert only(text, date(2021, 10, 20)).value == "2021-03-03"
    assert only("Prices fell to their lowest level since June 22.", date(2021, 5, 22)).value == "2020-06-22"
    text = "By July, most forecasts looked bleaker."
    assert only(text, date(2021, 8, 18)).value == "2021-07"
    assert only("By Friday, the bill will be law.", date(2021, 5, 3)).value == "2021-05-07"
    assert only("The bill must be signed by Friday.", date(2021, 5, 3)).value == "2021-05-07"
    # "would-be" is an adjective, no future.
    assert only("He met would-be buyers on Monday.", date(2021, 6, 9)).value == "2021-06-07"
    # A day that names an inquiry into what happened on it, but not the inquiry's own meeting.
    assert only("Papers will go to the May 2 committee.", date(2021, 10, 8)).value == "2021-05-02"
    assert only("The report awaits the Nov. 2 committee vote.", date(2021, 10, 8)).value == "2021-11-02"
    text = "The May 20 commission meeting will be held in the capital."
    assert only(text, date(2024, 5, 15)).value == "2024-05-20"


def test_a_decision_or_a_lapsed_plan_points_ahead_only_to_what_follows_it() -> None:
    # Published Thursday 2021-07-29 / Wednesday 2021-07-21 / Tuesday 2012-08-21.
    text = "The council on Wednesday agreed to take up the housing bill."
    assert only(text, date(2021, 7, 29)).value == "2021-07-28"
    text = "The state senators Tuesday narrowly voted to overturn the veto."
    assert only(text, date(2021, 7, 21)).value == "2021-07-20"
    assert only("They voted to meet again on Friday.", date(2021, 7, 21)).value == "2021-07-23"
    # A vote that is itself the decision dates it: the override was on the Wednesday before.
    text = "The House voted to override the veto Wednesday afternoon."
    assert only(text, date(2016, 9, 29)).value == "2016-09-28TAF"
    text = "The clip came out after the senator canceled a scheduled interview Monday night."
    assert only(text, date(2012, 8, 21)).value == "2012-08-20TNI"
    assert only("The mayor is scheduled to speak Monday.", date(2012, 8, 21)).value == "2012-08-27"


def test_a_closing_attribution_gives_no_tense_to_what_is_told() -> None:
    # Published 2026-04-14: the telling is past, the flow it tells of still ahead.
    text = "The flow will rise in the dry season from June to September, officials said."
    assert [t.value for t in find_times(text, date(2026, 4, 14))] == ["2026-06", "2026-09"]
    text = "The minister met the envoy on Monday, officials said."
    assert only(text, date(2026, 4, 15)).value == "2026-04-13"


def test_a_schedule_in_the_present_tense_points_ahead() -> None:
    # Published 2021-05-19: a law that "takes effect" in September has not yet.
    text = "The rule, which takes effect in September, has no exceptions."
    assert only(text, date(2021, 5, 19)).value == "2021-09"
    assert only("A vote is set for June 25.", date(2021, 1, 30)).value == "2021-06-25"


def test_the_second_of_two_weekdays_follows_the_first() -> None:
    # Published Thursday 2021-04-22.
    times = find_times("The leader is hosting a summit Thursday and Friday.", date(2021, 4, 22))
    assert [t.value for t in times] == ["2021-04-22", "2021-04-23"]
    times = find_times("Talks were held Monday and Tuesday.", date(2021, 4, 22))
    assert [t.value for t in times] == ["2021-04-19", "2021-04-20"]
    # The past tense keeps a second day that would fall after publication in the past.
    times = find_times("They met on Monday and Friday.", date(2021, 4, 21))
    assert [t.value for t in times] == ["2021-04-19", "2021-04-16"]
    # A date more than a week before is no pair.
    times = find_times("Shares were bought from Sept. 14 to Thursday.", date(2021, 10, 1))
    assert [t.value for t in times] == ["2021-09-14", "2021-09-30"]


def test_a_plan_points_ahead_only_to_what_follows_it() -> None:
    assert only("The team planned to leave the capital on Thursday.").value == "2021-05-06"
    assert only("On Thursday, the government planned to pay the first claims.").value == "2021-04-29"
    assert only("Members can take part in the summit in April.").value == "2022-04"


def test_a_day_that_modifies_a_noun_is_a_particular_day() -> None:
    assert only("In a Thursday media event, the company showed new laptops.").value == "2021-04-29"
    assert only("He missed a Friday deadline.").value == "2021-04-30"
    assert only("The market always falls on a Friday.").value == "XXXX-WXX-5"
    assert only("They met on a Friday in the rain.").value == "XXXX-WXX-5"
    assert only("He was arrested on a Friday during the holidays.").value == "XXXX-WXX-5"
    assert only("They always attend a Sunday service.").value == "XXXX-WXX-7"


def test_a_session_day_is_the_day_written_about() -> None:
    assert only("The index rose 12 points, ending the day at 5,210.").value == "2021-05-05"
    assert only("For the day, the Kospi closed up 1.1 percent.").value == "2021-05-05"
    start = only("After a fall at the start of the day, the Dow recovered.")
    assert (start.expression, start.value) == ("the start of the day", "2021-05-05")
    assert find_times("They called for the day of action.", WEDNESDAY) == []
    assert find_times("She waits for the day when peace comes.", WEDNESDAY) == []
    assert find_times("They long for the day their sons come home.", WEDNESDAY) == []
    assert find_times("Most people start the day with coffee.", WEDNESDAY) == []
    assert find_times("It happened at the end of the day of the attack.", WEDNESDAY) == []
    # Markets do not trade at weekends: Saturday's paper reports Friday's session.
    saturday = date(2021, 5, 8)
    for text in ("The index rose 12 points, ending the day at 5,210.", "Stocks ended the day lower.",
                 "Shares ended the day 2% higher.", "The market ended the day up 1.2%.",
                 "The KOSPI closed the day at 2,950."):
        assert only(text, saturday).value == "2021-05-07", text
    for text in ("The festival ended the day with fireworks.",
                 "Spieth, who shares the lead, finished the day at 12 under par.",
                 "The two boxers traded punches before ending the day with a draw."):
        assert only(text, saturday).value == "2021-05-08", text


def test_a_present_tense_time_clause_speaks_of_the_future() -> None:
    text = "The tenant had refused to pay, saying he would decide when the appeal is heard in May."
    assert only(text.replace("he would decide", "he decides"), date(2000, 3, 29)).value == "2000-05"
    once = only("The family says it decides once the ruling is published in June.", date(2000, 3, 29))
    assert once.value == "2000-06"
    # The clause dates only what follows it, and "IS" is no verb.
    for text, value in (("Police did not say Monday if the suspect is armed.", "2021-05-03"),
                        ("In January, when heating needs are greatest, demand peaked.", "2021-01"),
                        ("Inflation cooled, if the March figures are any guide.", "2021-03"),
                        ("In March, when IS fighters attacked the town, hundreds fled.", "2021-03")):
        assert only(text).value == value, text


def test_a_figure_compared_with_last_year_is_for_the_same_period() -> None:
    published = date(1989, 11, 2)
    text = "In the third quarter, the unit earned $24 million, compared with a loss of $3 million last year."
    assert by_expression(text, published)["last year"].value == "1988-Q3"
    assert by_expression("In the third quarter, sales rose. Last year, the unit was sold.",
                         published)["Last year"].value == "1988"
    assert by_expression("In the nine months, net rose to $5 million from $4 million last year.",
                         published)["last year"].value == "1988"


def test_a_corresponding_period_is_the_period_reported_a_year_back() -> None:
    published = date(1989, 11, 1)
    text = ("The bank lost money in the third quarter ended Sept. 30. That compares with a gain "
            "in the corresponding period last year.")
    assert by_expression(text, published)["the corresponding period last year"].value == "1988-Q3"
    text = "Sales in the third quarter rose to $5 million from last year's $4 million."
    assert by_expression(text, published)["last year"].value == "1988-Q3"
    text = "In the third quarter, Apple rose to first place from last year's 3rd place."
    assert by_expression(text, published)["last year"].value == "1988"
    # A day outside the period named is when something was said, not the period compared.
    text = ("Sales in March were flat. On April 30, the company said profit rose from the same "
            "period last year.")
    assert by_expression(text)["the same period last year"].value is None
    text = "Profit in the third quarter was up from the comparable period a year earlier."
    assert by_expression(text, published)["the comparable period a year earlier"].value == "1988-Q3"


def test_weekdays_with_a_plural_day_part_recur() -> None:
    times = by_expression("Extra trains will run on Monday and Tuesday nights.")
    assert (times["Monday"].value, times["Tuesday nights"].value) == ("XXXX-WXX-1TNI", "XXXX-WXX-2TNI")
    assert only("The show airs Sunday mornings.").value == "XXXX-WXX-7TMO"
    times = by_expression("Fighting raged on Saturday and Sunday nights, officials said.")
    assert (times["Saturday"].value, times["Sunday nights"].value) == ("2021-05-01", "2021-05-02TNI")
    assert only("He left Sunday morning.").value == "2021-05-02TMO"


def test_a_clock_time_takes_the_weekday_after_its_aside() -> None:
    times = by_expression("The train left at about 9:15 a.m. (0615 GMT) Friday.", date(1998, 8, 8))
    assert times["about 9:15 a.m."].value == "1998-08-07T09:15"
    text = "The convoy will depart at 5 in the morning (5 a.m. EDT Thursday)."
    times = by_expression(text, date(2000, 4, 5))
    assert times["5 in the morning"].value == "2000-04-06T05:00"
    # A conversion to universal time may fall on the next day: the day named before stands.
    times = by_expression("The quake struck on Monday at 11 p.m. (0300 GMT Tuesday).")
    assert times["11 p.m."].value == "2021-05-03T23:00"


def test_quarters_in_a_row_are_a_duration_and_a_short_year_after_since_is_a_year() -> None:
    assert only("The economy shrank for two consecutive quarters.").value == "P2Q"
    assert find_times("It won three quarters of the vote.", WEDNESDAY) == []
    since = only("Rates hit their highest point since \u201982.", date(2008, 10, 27))
    assert (since.expression, since.value) == ("\u201982", "1982")
    assert only("The class of '09 held a reunion.", date(2008, 10, 27)).value == "2009"
    assert find_times("He was in '82 mode.", date(2008, 10, 27)) == []
    # A year looked back to is past, whatever the nearest century says.
    assert only("It was the worst drought since '66.").value == "1966"
    assert [t.value for t in find_times("Prices rose from '08 to '10.", WEDNESDAY)] == ["2008", "2010"]
    assert find_times("He spoke to '60 Minutes' about the case.", WEDNESDAY) == []


def test_the_day_before_or_after_a_day() -> None:
    times = by_expression("The day before last Tuesday's vote, she met the donors.", date(2000, 2, 24))
    assert times["The day before last Tuesday"].value == "2000-02-21"
    assert only("Shops opened the day after Christmas.", date(2000, 1, 5)).value == "1999-12-26"
    assert only("Shops reopened the day after Christmas 2019.").value == "2019-12-26"
    times = by_expression("The vote is the day after Tuesday, Nov. 3.")
    assert times["Tuesday, Nov. 3"].value == "2021-11-03"
    assert "day before Christmas" not in by_expression("They met every day before Christmas.")


def test_the_day_after_an_event_counts_from_the_last_day() -> None:
    text = "He was shot on Friday, Oct. 23. Two men came to the house the day after his death."
    times = by_expression(text, date(1998, 11, 21))
    assert (times["the day after"].value, times["the day after"].precision) == ("1998-10-24", "day")
    # An apposition names the day itself.
    times = by_expression("Stocks fell after Oct. 12, the day before the plunge.", date(1989, 10, 30))
    assert times["the day before"].value == "1989-10-12"


def test_today_in_a_quotation_is_the_day_it_was_spoken() -> None:
    wednesday = date(2021, 5, 5)
    times = by_expression('"Today we honour the fallen," the president said Monday.', wednesday)
    assert times["Today"].value == "2021-05-03"
    times = by_expression('On Monday, the minister said: "Tomorrow morning we vote."', wednesday)
    assert times["Tomorrow morning"].value == "2021-05-04TMO"
    # Undated words, and reported speech in the writer's words, count from publication.
    assert only('"Today is a good day," he said.', wednesday).value == "2021-05-05"
    times = by_expression("The president said on Monday that the vote would be held tomorrow.", wednesday)
    assert times["tomorrow"].value == "2021-05-06"
    # A day in another sentence, or one far back, does not date the words.
    times = by_expression('He spoke Monday. "Today we win," he said.', wednesday)
    assert times["Today"].value == "2021-05-05"
    times = by_expression('"Today we win," he said after the March 3 match.', wednesday)
    assert times["Today"].value == "2021-05-05"
    # A title's full stop ends no sentence; a quotation left open has no attribution after it.
    times = by_expression('"Today is a sad day," Gov. Ilse Varn said Monday.', wednesday)
    assert times["Today"].value == "2021-05-03"
    times = by_expression('On Monday, Gov. Varn said: "Today we act."', wednesday)
    assert times["Today"].value == "2021-05-03"
    times = by_expression('"Today we mourn.\nThe president said Monday that the storm was over.', wednesday)
    assert times["Today"].value == "2021-05-05"


def test_plans_still_ahead() -> None:
    times = by_expression("The vote begins in the Senate on Wednesday, followed by the House on Thursday.",
                          date(2016, 9, 28))
    assert times["Thursday"].value == "2016-09-29"
    assert only("A rally set for Wednesday has been postponed.", date(2016, 6, 13)).value == "2016-06-15"
    assert only("The senator is up for re-election in November.", date(2014, 4, 25)).value == "2014-11"
    assert only("The report is due in November.", date(2014, 4, 25)).value == "2014-11"
    assert only("The rally was followed by a march on Thursday.", date(2016, 9, 28)).value == "2016-09-22"
    # A plan that lapsed points back.
    assert only("The vote was originally scheduled to be held before Thanksgiving.",
                date(2016, 11, 30)).value == "2016-11-24"


def test_events_known_by_their_date() -> None:
    times = by_expression("Families of Sept. 11 victims sue over the Sept. 11 attacks.", date(2016, 9, 28))
    assert [t.value for t in times.values()] == ["2001-09-11"]
    assert only("Security has tightened since 9/11.", date(2016, 9, 28)).value == "2001-09-11"
    assert find_times("He went 9/11 from the line, a score of 9/11.", date(2016, 9, 28)) == []
    assert only("The panel on the Jan. 6 riot met.", date(2023, 3, 1)).value == "2021-01-06"
    # The date alone, or before the event, is the latest such day.
    assert only("They met on Sept. 11.", date(2016, 9, 28)).value == "2016-09-11"
    assert only("The Jan. 6 riot was over.", date(2020, 3, 1)).value == "2020-01-06"
    assert only("He took responsibility for the Sept. 11 attack.", date(2013, 1, 23)).value == "2012-09-11"
    assert find_times("It causes coronavirus disease 2019.", date(2021, 8, 25)) == []


def test_that_day_after_a_month_is_a_day_of_that_month() -> None:
    text = "The bridge closed last October. Repairs began that same day."
    times = by_expression(text, date(1999, 2, 6))
    assert times["that same day"].value == "1998-10-XX"


def test_that_month_is_the_month_of_the_year_last_spoken_of() -> None:
    summer = date(2015, 7, 31)
    assert by_expression("She gave a speech at a 2009 rally in Eastport. At that April 4 rally, she "
                         "announced her run.", summer)["that April 4"].value == "2009-04-04"
    assert by_expression("The mill closed in 2011. That June, the workers marched to the capital.",
                         summer)["That June"].value == "2011-06"
    # The conjunction is no pointer: "said that May was ..." is this May.
    assert by_expression("He said that May was the worst month.", summer)["May"].value == "2015-05"


def test_a_holiday_inside_another_name_is_no_date() -> None:
    spring = date(2018, 4, 3)
    assert by_expression("Children came to the White House Easter Egg Roll.", spring) == {}
    assert by_expression("The Easter Rising is remembered in Dublin.", spring) == {}
    assert only("Crowds lined the Thanksgiving Day Parade.", date(2018, 11, 23)).value == "2018-11-22"
    assert only("He spoke on Easter Sunday.", spring).value == "2018-04-01"
    assert only("Prices rose at Easter. Egg sales fell.", spring).value == "2018-04-01"


def test_named_days() -> None:
    assert only("Toys may run short this Christmas.", date(2021, 10, 13)).value == "2021-12-25"
    friday = only("Shoppers queued on Black Friday.", date(2013, 12, 20))
    assert (friday.expression, friday.value) == ("Black Friday", "2013-11-29")
    monday = only("Sales rose on Cyber Monday.", date(2013, 12, 20))
    assert (monday.expression, monday.value) == ("Cyber Monday", "2013-12-02")
    assert only("Lent begins on Ash Wednesday.", date(2013, 1, 5)).value == "2013-02-13"
    # A day that only history dates is no day of this week.
    assert find_times("Markets recalled Black Monday.", date(2007, 10, 20)) == []
    assert find_times("Voters went to the polls on Super Tuesday.", date(2016, 3, 2)) == []


def test_the_start_of_a_period_is_the_period() -> None:
    assert only("It led sales at the beginning of the year.").value == "2021"
    assert only("Prices rose at the start of the month.").value == "2021-05"


def test_the_same_period_a_year_back() -> None:
    times = by_expression("Sales in April fell 5% from the same month a year ago.")
    assert times["the same month a year ago"].value == "2020-04"
    # A day is when something was said, not the period compared.
    times = by_expression("The company said on Monday that revenue rose from the same period last year.")
    assert times["the same period last year"].value is None
    times = by_expression("Sales, reported Monday, rose 3% from the same month a year ago.")
    assert times["the same month a year ago"].value == "2020-05"
    times = by_expression(
        "Profit rose in the third quarter of 2020, after a loss in the same period last year.")
    assert times["the same period last year"].value == "2019-Q3"


def test_present_perfect_points_back() -> None:
    # Published in May: September with the present perfect is last September.
    assert only("Officials have reported 12 cases in September.").value == "2020-09"


def test_the_entire_year_is_the_year_just_named_in_its_sentence() -> None:
    times = by_expression(
        "The carmaker lost $2 billion in the second quarter of 2009 and $5 billion for the entire year.")
    assert times["the entire year"].value == "2009"
    assert only("Profit will grow for the full year.").value == "2021"
    # A year alone is another time, not the one whose parts were reported.
    times = by_expression("The company, founded in 1998, expects a loss for the full year.")
    assert times["the full year"].value == "2021"
    times = by_expression("In 2008, the firm hired 200 people at the beginning of the year.")
    assert times["the beginning of the year"].value == "2008"


def test_fractions_and_long_decades() -> None:
    assert find_times("It will close 120, or about a quarter, of its 480 stores.", WEDNESDAY) == []
    assert only("a decades-long embargo").value == "PXY"
    assert only("It lasted decades.").value == "PXE"


def test_a_quarter_of_this_year() -> None:
    assert only("Sales rose in the third quarter of this year.").value == "2021-Q3"
    assert only("Sales fell in the fourth quarter of last year.").value == "2020-Q4"


def test_anaphora_take_the_last_date() -> None:
    times = by_expression("Profit rose in the third quarter of 2020. A year earlier it had fallen.")
    assert times["the third quarter of 2020"].value == "2020-Q3"
    assert times["A year earlier"].value == "2019-Q3"
    times = by_expression("The deal was signed on March 3, 2020. The next day the shares fell.")
    assert times["The next day"].value == "2020-03-04"


def test_former_is_a_past_reference_outside_timeml() -> None:
    text = "The former minister objected."
    assert only(text).value == "PAST_REF"
    assert find_times(text, WEDNESDAY, timeml=True) == []


def test_names_are_not_times() -> None:
    assert find_times("She appeared on ABC's This Week program.", WEDNESDAY) == []
    assert find_times("Students may leave early.", WEDNESDAY) == []
    assert find_times("The fighting was heavy in Eastern Europe.", WEDNESDAY) == []


def test_without_publication_date_relative_values_are_underspecified() -> None:
    assert only("The vote took place on Friday.", None).value == "XXXX-WXX-5"
    assert only("Prices rose in January.", None).value == "XXXX-01"
    assert only("It was signed on May 5, 2021.", None).value == "2021-05-05"


def test_publication_datetime_is_accepted() -> None:
    from datetime import datetime

    assert only("The minister arrived yesterday.", datetime(2021, 5, 5, 23, 30)).value == "2021-05-04"


@pytest.mark.parametrize("published", [date.min, date.max])
def test_calendar_ends_give_no_value_rather_than_an_error(published: date) -> None:
    found = find_times("He left yesterday and returns tomorrow, a year ago and next week.", published)
    assert len(found) == 4
    assert None in {ref.value for ref in found}


def test_sentence_event_date_prefers_the_finest_date() -> None:
    times = find_times("Last year, on Monday, talks lasting 20 minutes were held.", WEDNESDAY)
    assert sentence_event_date(times) == "2021-05-03"
    assert sentence_event_date(find_times("Growth has slowed in recent years and now.", WEDNESDAY)) is None
    assert sentence_event_date(find_times("It happened in March or in 2020.", WEDNESDAY)) == "2021-03"
    assert sentence_event_date([]) is None


# -- properties ---------------------------------------------------------------------------------

TENSES = ("met on", "will meet on", "meets", "", "said last")
publication_days = st.dates(min_value=date(1950, 1, 1), max_value=date(2100, 12, 31))
FRAGMENTS = (
    "The minister met Wednesday in London.", "On Monday, talks resumed.", "It will end next Friday.",
    "Trade fell last year.", "Profits rose in the third quarter.", "The talks lasted 20 minutes.",
    "A year ago, prices were lower.", "Officials said Sept. 30 was the deadline.", "He left yesterday.",
    "Rates rise every month.", "The dispute began in the 1990s.", "It opens at 3 p.m. on Tuesday.",
    "now", "ok", "  ", "\n", "May", "2021", "Friday's vote", "since February last year", "12/25/2020",
)


@settings(max_examples=200, deadline=None)
@given(publication_days)
def test_yesterday_is_the_day_before_publication(published: date) -> None:
    ref = only("The minister arrived yesterday.", published)
    assert ref.value == (published - timedelta(days=1)).isoformat()


@settings(max_examples=200, deadline=None)
@given(publication_days, st.sampled_from(sorted(WEEKDAYS)), st.sampled_from(TENSES))
def test_weekdays_land_within_a_week(published: date, weekday: str, verb: str) -> None:
    ref = only(f"The ministers {verb} {weekday.capitalize()} in London.", published)
    assert ref.value is not None
    resolved = date.fromisoformat(ref.value)
    assert resolved.weekday() == WEEKDAYS[weekday]
    assert abs((resolved - published).days) <= 7


@settings(max_examples=200, deadline=None)
@given(publication_days | st.none(), st.lists(st.sampled_from(FRAGMENTS), max_size=12))
def test_offsets_point_at_the_expressions(published: date | None, pieces: list[str]) -> None:
    text = " ".join(pieces)
    found = find_times(text, published)
    for ref in found:
        assert text[ref.start : ref.end] == ref.expression
        assert ref.kind in ("date", "time", "duration", "set")
    assert all(a.end <= b.start for a, b in itertools.pairwise(found))


@pytest.mark.parametrize(("text", "plain"), [
    ("la\u017ft year", "last year"),  # the long s, which case-blind matching takes for "s"
    ("LA\u017fT YEAR", "LAST YEAR"),
    ("next wee\u212a", "next week"),  # the Kelvin sign
    ("th\u0130s morning", "this morning"),  # the dotted capital I
    ("la\u0131t year", "lait year"),  # the dotless i, a lookalike of "i" only
    ("The talks la\u017fted two weeks in Augu\u017ft.", "The talks lasted two weeks in August."),
])
def test_letters_that_match_as_ascii_letters_are_read_as_them(text: str, plain: str) -> None:
    found = find_times(text, WEDNESDAY)
    assert [(r.value, r.start, r.end) for r in found] == [(r.value, r.start, r.end)
                                                         for r in find_times(plain, WEDNESDAY)]
    assert all(text[r.start : r.end] == r.expression for r in found)
    assert find_times("la\u017ft year", WEDNESDAY)[0].value == "2020"


# -- the TimeML reader and scorer ---------------------------------------------------------------

SAMPLE_TML = """<?xml version="1.0" ?>
<TimeML>
<DOCID>sample_1</DOCID>
<DCT><TIMEX3 tid="t0" type="DATE" value="2021-05-05" functionInDocument="CREATION_TIME">05/05/21</TIMEX3>\
</DCT>
<TEXT>
The ministers <EVENT eid="e1">met</EVENT> <TIMEX3 tid="t1" type="DATE" value="2021-05-05">Wednesday</TIMEX3> \
for <TIMEX3 tid="t2" type="DURATION" value="PT20M">20 minutes</TIMEX3> &amp; agreed to meet \
<TIMEX3 tid="t3" type="DATE" value="2021-W19">next week</TIMEX3>. Trade fell \
<TIMEX3 tid="t4" type="DATE" value="2020">in 2020</TIMEX3>.
</TEXT>
</TimeML>
"""


def test_reader_strips_tags_and_keeps_offsets(tmp_path: Path) -> None:
    path = tmp_path / "sample.tml"
    path.write_text(SAMPLE_TML, encoding="utf-8")
    document = read_timeml(path)
    assert document.doc_id == "sample_1"
    assert document.dct == WEDNESDAY
    assert "<" not in document.text and "&" in document.text
    assert [document.text[g.start : g.end] for g in document.timexes] == [
        "Wednesday", "20 minutes", "next week", "in 2020",
    ]
    assert [g.value for g in document.timexes] == ["2021-05-05", "PT20M", "2021-W19", "2020"]


def test_scorer_counts_strict_relaxed_and_value_matches(tmp_path: Path) -> None:
    path = tmp_path / "sample.tml"
    path.write_text(SAMPLE_TML, encoding="utf-8")
    document = read_timeml(path)
    counts = score_document(document, find_times(document.text, document.dct, timeml=True))
    assert (counts.gold, counts.system) == (4, 4)
    assert counts.relaxed == 4
    assert counts.strict == 3  # "2020" overlaps the gold "in 2020" but does not equal it
    assert counts.value == 4
    result = evaluate_timex(tmp_path)
    assert result["n"] == 1
    assert result["metrics"]["relaxed_f1"] == 1.0
    assert result["metrics"]["strict_f1"] == 0.75
    assert result["metrics"]["value_f1"] == 1.0


def test_universal_time_is_marked_with_z() -> None:
    text = "Lift-off came at 08:30 UTC on Wednesday; the markets opened at 0800 GMT, and at 9 a.m. EST."
    values = {t.expression: t.value for t in find_times(text, WEDNESDAY)}
    assert values["08:30 UTC on Wednesday"] == "2021-05-05T08:30Z"
    assert values["0800 GMT"].endswith("T08:00Z")
    assert values["9 a.m. EST"].endswith("T09:00")  # other zones stay unmarked, as TimeML writes them


def _token(t_id: int, sentence: int, text: str) -> str:
    return f'<token number="{t_id - 1}" sentence="{sentence}" t_id="{t_id}">{text}</token>'


def _meantime_sample(creation: str) -> str:
    tokens = [
        (0, "Ministers"), (0, "meet"),
        (1, "May"), (1, "5"), (1, ","), (1, "2021"),
        (2, "They"), (2, "met"), (2, "on"), (2, "Monday"), (2, "for"), (2, "``"), (2, "20"),
        (2, "minutes"), (2, "''"), (2, "."),
        (3, "Talks"), (3, "resume"), (3, "in"), (3, "June"), (3, "."),
        (4, "Unannotated"), (4, "tomorrow"), (4, "."),
    ]
    body = "\n".join(_token(i + 1, sent, text) for i, (sent, text) in enumerate(tokens))
    return f"""<?xml version="1.0" ?><Document doc_id="42" doc_name="sample" lang="en">
{body}
<Markables>
<TIMEX3 functionInDocument="NONE" m_id="1" type="DATE" value="2021-05-03"><token_anchor t_id="10"/></TIMEX3>
<TIMEX3 functionInDocument="NONE" m_id="2" type="DURATION" value="PT20M">\
<token_anchor t_id="13"/><token_anchor t_id="14"/></TIMEX3>
<TIMEX3 functionInDocument="NONE" m_id="3" type="DATE" value="2021-06"><token_anchor t_id="20"/></TIMEX3>
<TIMEX3 functionInDocument="NONE" m_id="4" type="DATE" value="XXXX"></TIMEX3>
{creation}
</Markables>
</Document>
"""


def test_meantime_reader_rebuilds_text_and_scores_only_the_annotated_part(tmp_path: Path) -> None:
    creation = ('<TIMEX3 functionInDocument="CREATION_TIME" m_id="9" type="DATE" value="2021-05-05">'
                '<token_anchor t_id="3"/><token_anchor t_id="4"/><token_anchor t_id="5"/>'
                '<token_anchor t_id="6"/></TIMEX3>')
    path = tmp_path / "42_sample.xml"
    path.write_text(_meantime_sample(creation), encoding="utf-8")
    document = read_meantime(path)
    assert document.dct == WEDNESDAY
    # Tokens are joined as printed; the sentence after the last annotation is left out.
    assert document.text == (
        'Ministers meet\nMay 5, 2021\nThey met on Monday for "20 minutes".\nTalks resume in June.'
    )
    assert [g.text for g in document.timexes] == ["Monday", "20 minutes", "June"]
    assert document.unscored == ((15, 26),)
    counts = score_document(document, find_times(document.text, document.dct, timeml=True))
    # The dateline is the creation time: found, but neither credited nor counted as spurious.
    assert (counts.gold, counts.system, counts.value) == (3, 3, 3)
    result = evaluate_timex(tmp_path, "meantime")
    assert result["dataset"] == "meantime" and result["metrics"]["value_f1"] == 1.0


def test_meantime_reader_falls_back_on_the_dateline(tmp_path: Path) -> None:
    path = tmp_path / "42_sample.xml"
    path.write_text(_meantime_sample(""), encoding="utf-8")
    document = read_meantime(path)
    assert document.dct == WEDNESDAY and document.unscored == ((15, 26),)
    # Where the annotators marked that dateline as an expression of its own, it is scored.
    dateline = ('<TIMEX3 functionInDocument="NONE" m_id="8" type="DATE" value="2021-05-05">'
                '<token_anchor t_id="3"/><token_anchor t_id="4"/><token_anchor t_id="5"/>'
                '<token_anchor t_id="6"/></TIMEX3>')
    path.write_text(_meantime_sample(dateline), encoding="utf-8")
    document = read_meantime(path)
    assert document.dct == WEDNESDAY and document.unscored == ()
    counts = score_document(document, find_times(document.text, document.dct, timeml=True))
    assert (counts.gold, counts.system, counts.value) == (4, 4, 4)


# -- quality on TempEval-3 -----------------------------------------------------------------------

#: Measured on TempEval-3 TimeBank + AQUAINT (256 documents); the floor sits 0.02 below.
MEASURED_VALUE_F1 = 0.818
MEASURED_RELAXED_F1 = 0.941


def test_quality_floor_on_tempeval3(data_dir: Path) -> None:
    folder = data_dir / "tempeval3"
    if not folder.is_dir():
        pytest.fail(f"TempEval-3 data missing under {data_dir}")
    result = evaluate_timex(folder)
    assert result["n"] == 256
    assert result["metrics"]["value_f1"] >= MEASURED_VALUE_F1 - 0.02, result["metrics"]
    assert result["metrics"]["relaxed_f1"] >= MEASURED_RELAXED_F1 - 0.02, result["metrics"]


#: Measured on MEANTIME's 120 English Wikinews articles (rules were since derived from its errors).
MEASURED_MEANTIME_VALUE_F1 = 0.805


def test_quality_floor_on_meantime(data_dir: Path) -> None:
    folder = data_dir / "meantime_en" / "intra-doc_annotation"
    if not folder.is_dir():
        pytest.fail(f"MEANTIME data missing under {data_dir}")
    result = evaluate_timex(folder, "meantime")
    assert result["n"] == 120
    assert result["metrics"]["value_f1"] >= MEASURED_MEANTIME_VALUE_F1 - 0.02, result["metrics"]


def test_a_reporting_verb_after_an_opening_date_is_the_main_verb() -> None:
    assert only("In June, the ministry reported a surplus.", date(2026, 4, 14)).value == "2025-06"


DATELINE_TML = """<?xml version="1.0" ?>
<TimeML>
<DOCID>dateline_1</DOCID>
<DCT><TIMEX3 tid="t0" type="DATE" value="2021-05-05" functionInDocument="CREATION_TIME">May 5</TIMEX3></DCT>
<TEXT>
LONDON, May 5 (Wire) -- The ministers met <TIMEX3 tid="t1" type="DATE" value="2021-05-05">Wednesday</TIMEX3>.
</TEXT>
</TimeML>
"""


def test_a_dateline_that_is_the_creation_time_is_not_scored(tmp_path: Path) -> None:
    """The DCT's own words repeated unmarked in the dateline are that annotation, not a miss."""
    path = tmp_path / "dateline.tml"
    path.write_text(DATELINE_TML, encoding="utf-8")
    document = read_timeml(path)
    assert [document.text[s:e] for s, e in document.unscored] == ["May 5"]
    counts = score_document(document, find_times(document.text, document.dct, timeml=True))
    assert (counts.gold, counts.system, counts.value) == (1, 1, 1)
    # Marked in the text as well, the dateline is scored like any other expression.
    marked = DATELINE_TML.replace(
        "LONDON, May 5", 'LONDON, <TIMEX3 tid="t2" type="DATE" value="2021-05-05">May 5</TIMEX3>')
    path.write_text(marked, encoding="utf-8")
    assert read_timeml(path).unscored == ()
    # An archive's numeric stamp is not the dateline's words.
    path.write_text(DATELINE_TML.replace(">May 5</TIMEX3></DCT>", ">2021-05-05</TIMEX3></DCT>"),
                    encoding="utf-8")
    assert read_timeml(path).unscored == ()


def test_only_a_vote_is_its_own_decision() -> None:
    # A plan to approve something on Friday still points ahead (published Wednesday 2021-10-06).
    text = "The committee planned to approve the budget on Friday."
    assert only(text, date(2021, 10, 6)).value == "2021-10-08"


def test_a_weekday_that_ends_a_quoted_title_is_no_date() -> None:
    assert find_times('He said on "Fox News Sunday" that the bill would pass.', date(2010, 7, 4)) == []
    # A quoted sentence that ends in a weekday still names the day.
    assert only('"The vote is on Tuesday," he said.', date(2010, 7, 4)).value == "2010-06-29"


def test_this_week_still_to_come_on_a_weekend_is_the_next_one() -> None:
    # Saturday 2014-01-25: the week ahead starts on Monday the 27th (ISO week 5).
    text = "Republican leaders are expected to release a statement this week."
    assert only(text, date(2014, 1, 25)).value == "2014-W05"
    assert only("Stocks fell this week.", date(2014, 1, 25)).value == "2014-W04"
    assert only("Leaders are preparing to unveil the plan this week.", date(2014, 1, 25)).value == "2014-W05"


def test_a_day_ending_a_past_clause_before_a_future_main_verb_has_been() -> None:
    text = "A mob that stormed the Capitol on Jan. 6 will face charges."
    assert only(text, date(2021, 8, 23)).value == "2021-01-06"
    # The main clause's own day still points ahead.
    assert only("The council will vote on Friday.", date(2021, 8, 23)).value == "2021-08-27"


def test_the_first_half_of_a_match_is_no_half_year() -> None:
    assert find_times("Porto Aurora scored twice in the first half.", date(2026, 4, 14)) == []
    found = only("Profits rose in the first half.", date(2026, 4, 14))
    assert (found.value, found.precision) == ("2026-H1", "half")


def test_a_weekday_after_a_present_progressive_plan_is_ahead() -> None:
    friday = date(2021, 8, 6)
    (saturday,) = find_times("The council is holding a Saturday session on the budget.", friday)
    assert saturday.value == "2021-08-07"
    (past,) = find_times("The senators voted on Saturday.", friday)
    assert past.value == "2021-07-31"
    # A month is not moved by it: "is still working under a June contract" looks back.
    (june,) = find_times("The firm is still working under a June contract.", friday)
    assert june.value == "2021-06"


def test_no_expression_runs_across_a_blank_line() -> None:
    # A date at a paragraph's end and a month opening the next are two expressions; a holiday at
    # a line's end is not a name because the next paragraph opens on a capital.
    found = find_times("Sales peaked on June 24\n\nJuly 2 brought a fall.", WEDNESDAY)
    assert [(t.expression, t.value) for t in found] == [("June 24", "2021-06-24"), ("July 2", "2021-07-02")]
    found = find_times("MORE: Shoppers queue for Christmas\n\nAirlines say fares rose.", WEDNESDAY)
    assert [t.expression for t in found] == ["Christmas"]
    found = find_times("The Top Five\n\ndays of the sale begin.", WEDNESDAY)
    assert all("\n" not in t.expression for t in found)


@pytest.mark.parametrize(("text", "sets"), [
    ("The Lisbon daily Diario Norte said so.", []),
    ("the conservative daily Ta Nea wrote", []),
    ("a story the daily reported on", []),
    ("the daily Harbor Forum briefing ran long", ["daily"]),  # a name after "the": qualifies it
    ("its monthly Spring Fair sale", ["monthly"]),
    ("The Acme's daily Harbor Forum", ["daily"]),
    ("we meet daily.", ["daily"]),
    ("open daily Monday to Friday", ["daily"]),
])
def test_a_daily_that_names_a_newspaper_is_no_recurrence(text: str, sets: list[str]) -> None:
    assert [t.expression for t in find_times(text, WEDNESDAY) if t.kind == "set"] == sets
