"""Dates and times typed at the commands' options."""

from datetime import datetime, time

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime


def moment_or_day(text: str) -> datetime:
    """A time with its zone, or a date taken as its first moment in DJANGO_TIME_ZONE."""
    moment = parse_datetime(text)
    if moment is not None:
        return moment if moment.tzinfo else timezone.make_aware(moment)
    day = parse_date(text)
    if day is None:
        raise ValueError(f"{text!r} is neither a date (2025-09-01) nor a time")
    return timezone.make_aware(datetime.combine(day, time.min))
