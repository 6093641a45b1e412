"""Admissions fixtures on top of the project's actors: a 2026 小学一年级 campaign with plans for school A
(public), school B (public) and a private school P with few places, and valid registrations."""

import datetime
import itertools

import pytest

from edubureau.admissions.models import ChoiceKind, EntryGrade, StageKind
from edubureau.admissions.services import campaigns
from edubureau.admissions.services.applications import ChoiceInput, Registration, register
from edubureau.core import idcodes
from edubureau.org.models import Nature, School, Stage

_seq = itertools.count(1)
BIRTH = datetime.date(2020, 3, 5)


def child_id(birth=BIRTH, male=True) -> str:
    return idcodes.make_resident_id("310112", birth, next(_seq) % 100, male)


def registration(*, birth=BIRTH, male=True, private=(), public=(), **child) -> Registration:
    n = next(_seq)
    fields = dict(
        child_name=f"儿童{n}", gender="男" if male else "女", birth_date=birth, id_number=child_id(birth, male),
        hukou_type="本区", hukou_address="上海市闵行区莘庄镇莘松路 88 弄 5 号", residence_street="莘庄镇",
        residence_community="莘松小区", residence_road="莘松路 88 弄", residence_house_no=5,
        residence_address="上海市闵行区莘庄镇莘松路 88 弄 5 号", person_household_same=True, residence_proof="房产证",
        property_owner="父母", property_share=100, property_since=datetime.date(2018, 1, 1),
    )  # fmt: skip
    fields.update(child)
    choices = [ChoiceInput(ChoiceKind.PRIVATE, s) for s in private] + [
        ChoiceInput(ChoiceKind.PUBLIC, s) for s in public
    ]
    guardians = [{"name": f"家长{n}", "relation": "父亲", "phone": "13812345678"}]
    return Registration(child=fields, guardians=guardians, choices=choices)


def open_stages(campaign, *kinds):
    for kind in kinds:
        stage = campaign.stages.get(kind=kind)
        if not stage.is_open:
            campaigns.open_stage(campaign, kind)


@pytest.fixture
def school_p(district):
    return School.objects.create(
        district=district, code="2131000009", name="闵行区民办星河小学", short_name="星河小学",
        stage=Stage.PRIMARY, nature=Nature.PRIVATE,
    )  # fmt: skip


@pytest.fixture
def campaign(db, school_a, school_b, school_p):
    c = campaigns.create_campaign(year=2026, entry_grade=EntryGrade.PRIMARY)
    campaigns.set_plan(c, school_a, 4)
    campaigns.set_plan(c, school_b, 3)
    campaigns.set_plan(c, school_p, 1, class_size=3)  # 3 places: a lottery with 4+ applicants
    return c


@pytest.fixture
def open_campaign(campaign):
    open_stages(campaign, StageKind.REGISTRATION, StageKind.VERIFICATION, StageKind.PRIVATE_APPLY)
    return campaign


@pytest.fixture
def application(open_campaign, school_p, admin_user):
    return register(open_campaign, registration(private=[school_p]), user=admin_user)


from .allocation_fixtures import catchment_rules  # noqa: E402, F401  (helper 3: the catchment/allocation tests)
