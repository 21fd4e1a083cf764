import datetime

from dateutil.relativedelta import relativedelta


def add_years(day: datetime.date, years: int) -> datetime.date:
    """Same day `years` later; 29 February falls back to 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """Calendar months (RULES.md: "six months" and "one month" are calendar months, not 183 or 31 days);
    31 August plus one month is 30 September."""
    return day + relativedelta(months=months)
