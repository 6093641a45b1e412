"""Fixtures for the catchment and allocation tests (imported by those test modules)."""

import pytest

from edubureau.admissions.models import CatchmentGroup, CatchmentRule, SchoolLocation, StageKind
from edubureau.admissions.services import draws
from edubureau.admissions.services.applications import register, required_documents, verify

from .conftest import open_stages, registration

SEED = "20260601-3-5-2-6-1-4"


def verified(campaign, user, n, **kw):
    apps = [register(campaign, registration(**kw), user=user) for _ in range(n)]
    return [verify(a, user=user, passed=True, documents=required_documents(a)) for a in apps]


def rules_for(campaign, school_a, school_b):
    """莘松路88弄 odd side → A, even side → B; 莘庄镇 as a whole → 多校划片 (A and B)."""
    group = CatchmentGroup.objects.create(campaign=campaign, name="莘庄片区")
    group.schools.set([school_a, school_b])
    odd = CatchmentRule.objects.create(
        campaign=campaign, road="莘松路88弄", number_from=1, number_to=99, parity="单号", school=school_a
    )
    even = CatchmentRule.objects.create(
        campaign=campaign, road="莘松路88弄", number_from=2, number_to=98, parity="双号", school=school_b
    )
    town = CatchmentRule.objects.create(campaign=campaign, street="莘庄镇", group=group)
    SchoolLocation.objects.create(school=school_a, longitude="121.385", latitude="31.111")
    SchoolLocation.objects.create(school=school_b, longitude="121.400", latitude="31.120")
    return odd, even, town


@pytest.fixture
def catchment_rules(campaign, school_a, school_b):
    return rules_for(campaign, school_a, school_b)


def ready_for_allocation(campaign, user):
    """Verification closed, the tie-break lottery drawn, 公办对口录取 open."""
    open_stages(campaign, StageKind.PRIVATE_LOTTERY, StageKind.PUBLIC_ADMIT)
    draws.assign_lottery_numbers(campaign, SEED, user)
    return campaign
