"""学前教育普及普惠: 公办园在园幼儿占比 and 普惠性幼儿园覆盖率, against the bureau's targets.

Children are the 在读 students of open kindergartens (current year) or their 学年编班 rows (earlier
years). 普惠性覆盖率 counts children in 公办 kindergartens and in 民办 ones recognised as 普惠性.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count

from edubureau.org.models import Nature, School, Stage
from edubureau.people.models import Enrollment, SchoolYear, Student, StudentStatus

from .models import EquitySettings


@dataclass(frozen=True)
class Coverage:
    children: int
    public: int
    inclusive_private: int
    private: int
    public_target: float
    inclusive_target: float

    @property
    def public_share(self) -> float | None:
        return self.public / self.children if self.children else None

    @property
    def inclusive_share(self) -> float | None:
        return (self.public + self.inclusive_private) / self.children if self.children else None

    @property
    def public_ok(self) -> bool | None:
        share = self.public_share
        return None if share is None else share >= self.public_target

    @property
    def inclusive_ok(self) -> bool | None:
        share = self.inclusive_share
        return None if share is None else share >= self.inclusive_target


def coverage(year: SchoolYear, settings: EquitySettings | None = None) -> Coverage:
    settings = settings or EquitySettings.load()
    kindergartens = School.objects.filter(stage=Stage.KINDERGARTEN)
    if year.is_current or year == SchoolYear.current():
        rows = Student.objects.filter(status=StudentStatus.STUDYING, school__in=kindergartens)
    else:
        rows = Enrollment.objects.filter(school_year=year, school__in=kindergartens)
    counts = {
        (nature, inclusive): n
        for nature, inclusive, n in rows.order_by()
        .values("school__nature", "school__inclusive")
        .annotate(n=Count("pk"))
        .values_list("school__nature", "school__inclusive", "n")
    }
    public = sum(n for (nature, _), n in counts.items() if nature == Nature.PUBLIC)
    inclusive_private = sum(n for (nature, inc), n in counts.items() if nature != Nature.PUBLIC and inc)
    private = sum(n for (nature, _), n in counts.items() if nature != Nature.PUBLIC)
    return Coverage(
        children=public + private, public=public, inclusive_private=inclusive_private, private=private,
        public_target=float(settings.kg_public_target), inclusive_target=float(settings.kg_inclusive_target),
    )  # fmt: skip
