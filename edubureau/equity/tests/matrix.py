"""The scope-matrix hook (tests/test_scope_matrix.py): school A's and B's reports and overrides."""

from decimal import Decimal

from edubureau.equity.models import IndicatorOverride, Part, ReportStatus, ResourceReport
from edubureau.org.models import School
from edubureau.people.models import SchoolYear

# The school page takes a School pk (the view shows equity figures, not the School model).
FILLERS = {
    "equity:school": lambda seed: ({"pk": seed.a[School].pk}, "a"),
}


def seed(data, actors) -> None:
    year = data.shared[SchoolYear]
    for side, head in (("a", "甲校"), ("b", "乙校")):
        school = getattr(data, side)[School]
        report = ResourceReport.objects.create(
            school=school, school_year=year, building_area=Decimal("5000"), sports_area=Decimal("8000"),
            equipment_value=Decimal("2000000"), multimedia_classrooms=20, status=ReportStatus.SUBMITTED,
            note=f"{head}填报备注操场翻新", return_reason="",
        )  # fmt: skip
        override = IndicatorOverride.objects.create(
            school=school, school_year=year, part=Part.PRIMARY, indicator="i5", value=Decimal("8.5"),
            reason=f"{head}调整原因借用体育中心", created_by=actors["admin"],
        )  # fmt: skip
        getattr(data, side)[ResourceReport] = report
        getattr(data, side)[IndicatorOverride] = override
        getattr(data, f"secrets_{side}").update({report.note, override.reason})
