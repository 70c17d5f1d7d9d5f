"""Working calendar: the clock counts working hours only, so nights and weekends never pass.

A task that arrives on Friday afternoon and is signed on Monday morning waited a few working
hours, which is how staff and citizens count "days to process" (工作日).
"""
from dataclasses import dataclass


@dataclass(frozen=True)
class WorkCalendar:
    hours_per_day: float = 8.0
    days_per_week: int = 5

    def day(self, t: float) -> int:
        return int(t // self.hours_per_day)

    def weekday(self, day: int) -> int:
        return day % self.days_per_week

    def days(self, hours: float) -> float:
        return hours / self.hours_per_day
