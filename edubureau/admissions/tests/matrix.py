"""The scope matrix hook (tests/test_scope_matrix.py): school A's and school B's admissions objects.

Applications name their school as a public choice; a lottery (Draw) belongs to its school. The
campaign and its stages belong to the whole district. The published lottery pages are public and
show application numbers only, so they are filled with school A's draw but owned by nobody.
Helper 3's allocation objects are added by `matrix_allocation.seed_allocation(data, actors)`.
"""

import datetime
import importlib

from edubureau.admissions import lottery
from edubureau.admissions.models import (
    Application,
    Campaign,
    CampaignStage,
    Draw,
    DrawEntry,
    DrawStatus,
    EntryGrade,
    PriorityTier,
    SchoolPlan,
    StageKind,
)
from edubureau.admissions.services import campaigns
from edubureau.admissions.services.applications import ChoiceInput, Registration, register
from edubureau.core.idcodes import make_resident_id, mask_id, mask_name, mask_phone
from edubureau.org.models import School

PUBLIC = {
    "admissions:public_draw_list",
    "admissions:public_draw_detail",
    "admissions:public_draw_list_csv",
    "admissions:public_draw_order_csv",
}


# The public pages of school A's draw: open to everyone, so owned by nobody in the matrix's sense.
FILLERS = {
    "admissions:application_add": lambda seed: ({"pk": seed.shared[Campaign].pk}, None),
    "admissions:public_draw_detail": lambda seed: ({"pk": seed.a[Draw].pk}, None),
    "admissions:public_draw_list_csv": lambda seed: ({"pk": seed.a[Draw].pk}, None),
    "admissions:public_draw_order_csv": lambda seed: ({"pk": seed.a[Draw].pk}, None),
}


def _allocation_extension():
    try:
        return importlib.import_module("edubureau.admissions.tests.matrix_allocation")
    except ModuleNotFoundError as err:
        if err.name != "edubureau.admissions.tests.matrix_allocation":
            raise
        return None


_extension = _allocation_extension()
if _extension is not None:
    FILLERS.update(getattr(_extension, "FILLERS", {}))
    PUBLIC.update(getattr(_extension, "PUBLIC", ()))


def _application(campaign, school, head, region, seq):
    birth = datetime.date(2020, 4, seq % 28 + 1)
    child = dict(
        child_name=f"{head}入学儿童", gender="男", birth_date=birth, id_number=make_resident_id(region, birth, seq, True),
        hukou_type="本区", hukou_address=f"上海市闵行区{head}入学路1号", residence_street=f"{head}街道",
        residence_address=f"上海市闵行区{head}入学路1号", person_household_same=True, residence_proof="房产证",
        property_owner="父母", property_share=100,
    )  # fmt: skip
    guardians = [{"name": f"{head}入学家长", "relation": "母亲", "phone": f"1370000{region[-2:]}33"}]
    app = register(campaign, Registration(child, guardians, [ChoiceInput("公办", school)]))
    secrets = {
        app.child_name, app.id_number, mask_id(app.id_number), f"{head}入学路", f"{head}入学家长",
        mask_name(f"{head}入学家长"), guardians[0]["phone"], mask_phone(guardians[0]["phone"]),
    }  # fmt: skip
    return app, secrets


def _draw(campaign, school, app):
    numbers = [app.number]
    result = lottery.draw(numbers, "matrix")
    draw = Draw.objects.create(
        campaign=campaign, school=school, places=1, applicants=numbers, list_hash=result.list_hash,
        status=DrawStatus.DRAWN, seed="matrix", order=result.order, record_hash=lottery.record_hash("", result),
    )  # fmt: skip
    DrawEntry.objects.create(draw=draw, application=app, rank=1, admitted=True)
    return draw


def seed(data, actors):
    school_a, school_b = data.a[School], data.b[School]
    campaign = campaigns.create_campaign(year=2026, entry_grade=EntryGrade.PRIMARY, max_public_choices=1)
    for kind in (StageKind.REGISTRATION, StageKind.VERIFICATION):
        campaigns.open_stage(campaign, kind)
    data.a[SchoolPlan] = campaigns.set_plan(campaign, school_a, 2)
    data.b[SchoolPlan] = campaigns.set_plan(campaign, school_b, 2)
    data.a[Application], secrets_a = _application(campaign, school_a, "甲校", "310112", 71)
    data.b[Application], secrets_b = _application(campaign, school_b, "乙校", "310104", 72)
    data.secrets_a |= secrets_a
    data.secrets_b |= secrets_b
    data.a[Draw] = _draw(campaign, school_a, data.a[Application])
    data.b[Draw] = _draw(campaign, school_b, data.b[Application])
    data.shared[Campaign] = campaign
    data.shared[CampaignStage] = campaign.stages.get(kind=StageKind.PRIVATE_APPLY)
    data.shared[PriorityTier] = campaign.tiers.first()
    if _extension is not None:
        _extension.seed_allocation(data, actors)
