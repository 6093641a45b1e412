"""The scope matrix's catchment and allocation objects (called by tests/matrix.py's seed()).

Rules, groups and runs belong to the whole district (everyone with the module reads them); a
placement belongs to its school; an appeal is visible with its application.
"""

from edubureau.admissions.models import (
    AllocationRun,
    Appeal,
    Application,
    Campaign,
    CatchmentGroup,
    CatchmentRule,
    Placement,
    PlacementReason,
    SchoolLocation,
)
from edubureau.org.models import School

FILLERS = {
    "admissions:appeal_add": lambda seed: ({"pk": seed.a[Application].pk}, "a"),
}


def seed_allocation(data, actors):
    campaign = data.shared[Campaign]
    school_a, school_b = data.a[School], data.b[School]
    group = CatchmentGroup.objects.create(campaign=campaign, name="矩阵片区")
    group.schools.set([school_a, school_b])
    data.shared[CatchmentGroup] = group
    data.shared[CatchmentRule] = CatchmentRule.objects.create(
        campaign=campaign, street="甲校街道", school=school_a
    )
    CatchmentRule.objects.create(campaign=campaign, street="乙校街道", group=group)
    run = AllocationRun.objects.create(campaign=campaign, inputs_hash="0" * 64, applicants=2, placed=2)
    data.shared[AllocationRun] = run
    for side, school, head in ((data.a, school_a, "甲校"), (data.b, school_b, "乙校")):
        application = side[Application]
        side[Placement] = Placement.objects.create(
            run=run, application=application, school=school, reason=PlacementReason.CATCHMENT, class_no=1,
            explanation=f"{head}对口录取说明",
        )  # fmt: skip
        side[Appeal] = Appeal.objects.create(application=application, content=f"{head}申诉内容")
    data.a[SchoolLocation] = SchoolLocation.objects.create(
        school=school_a, longitude="121.385", latitude="31.111"
    )
    data.b[SchoolLocation] = SchoolLocation.objects.create(
        school=school_b, longitude="121.400", latitude="31.120"
    )
    data.secrets_a |= {"甲校对口录取说明", "甲校申诉内容"}
    data.secrets_b |= {"乙校对口录取说明", "乙校申诉内容"}
