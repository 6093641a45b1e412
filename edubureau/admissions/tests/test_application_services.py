import datetime

import pytest
from django.core.exceptions import ValidationError

from edubureau.admissions.models import Application, ApplicationReview, ApplicationStatus, StageKind
from edubureau.admissions.services import campaigns
from edubureau.admissions.services.applications import (
    register,
    required_documents,
    update_application,
    verify,
)
from edubureau.core import changelog

from .conftest import child_id, open_stages, registration


def test_it_numbers_applications_in_sequence(open_campaign):
    first = register(open_campaign, registration())
    second = register(open_campaign, registration())
    assert (first.number, second.number) == ("2026P000001", "2026P000002")


def test_it_refuses_a_second_application_of_the_same_child(open_campaign):
    first = register(open_campaign, registration())
    again = registration()
    again.child["id_number"] = first.id_number
    again.child["birth_date"] = first.birth_date
    with pytest.raises(ValidationError, match=f"已有报名（报名编号 {first.number}）"):
        register(open_campaign, again)
    assert Application.objects.count() == 1


def test_the_database_refuses_a_duplicate_that_slips_past_the_check(open_campaign):
    first = register(open_campaign, registration())
    with pytest.raises(ValidationError, match="不能重复报名"):
        Application(
            campaign=open_campaign, number="X1", child_name="x", gender="男", birth_date=first.birth_date,
            id_number=first.id_number, hukou_type="本区",
        ).validate_constraints()  # fmt: skip


@pytest.mark.parametrize(
    ("birth", "ok"),
    [
        (
            datetime.date(2019, 9, 1),
            True,
        ),  # the oldest allowed: 6 on 1 September 2025… turns 7 after the cut-off
        (datetime.date(2020, 8, 31), True),  # 6 exactly on 31 August 2026
        (datetime.date(2020, 9, 1), False),  # one day too young
        (datetime.date(2019, 8, 31), False),  # one day too old
    ],
)
def test_it_checks_the_entry_window_at_both_edges(open_campaign, birth, ok):
    reg = registration(birth=birth)
    if ok:
        assert register(open_campaign, reg).birth_date == birth
    else:
        with pytest.raises(ValidationError, match="不在本次招生的入学年龄范围内"):
            register(open_campaign, reg)


def test_it_refuses_an_id_number_with_a_bad_check_character(open_campaign):
    reg = registration()
    number = reg.child["id_number"]
    reg.child["id_number"] = number[:17] + ("0" if number[17] != "0" else "1")
    with pytest.raises(ValidationError, match="校验位错误"):
        register(open_campaign, reg)


def test_it_refuses_a_birth_date_that_disagrees_with_the_id(open_campaign):
    reg = registration()
    reg.child["birth_date"] = datetime.date(2020, 3, 6)
    with pytest.raises(ValidationError, match="出生日期与身份证号不一致"):
        register(open_campaign, reg)


def test_it_limits_private_choices_and_their_kind(open_campaign, school_a, school_p):
    with pytest.raises(ValidationError, match="是公办学校"):
        register(open_campaign, registration(private=[school_a]))
    open_campaign.max_private_choices = 0
    open_campaign.save()
    with pytest.raises(ValidationError, match="本次招生不填报民办志愿"):
        register(open_campaign, registration(private=[school_p]))
    with pytest.raises(ValidationError, match="本次招生不填报公办志愿"):
        register(open_campaign, registration(public=[school_a]))


def test_private_choices_need_the_private_application_stage(campaign, school_p):
    open_stages(campaign, StageKind.REGISTRATION)
    with pytest.raises(campaigns.StageClosed, match="民办报名"):
        register(campaign, registration(private=[school_p]))
    assert register(campaign, registration()).pk


def test_it_computes_the_priority_tier_with_its_explanation(open_campaign):
    app = register(open_campaign, registration())
    assert app.tier.rank == 1
    assert "人户一致" in app.tier_explanation and "产权份额 100%" in app.tier_explanation
    rented = register(
        open_campaign, registration(person_household_same=False, residence_proof="租赁", property_owner="")
    )
    assert rented.tier.rank == 8
    other = register(
        open_campaign, registration(person_household_same=True, residence_proof="其他", property_owner="")
    )
    assert other.tier.rank == 9 and "不符合以上各类条件" in other.tier_explanation


def test_verification_returns_with_a_reason_then_passes(application, admin_user):
    with pytest.raises(ValidationError, match="须写明原因"):
        verify(application, user=admin_user, passed=False, documents=[])
    returned = verify(
        application, user=admin_user, passed=False, documents=["户口簿"], reason="房产证复印件不清晰"
    )
    assert returned.status == ApplicationStatus.RETURNED and returned.return_reason == "房产证复印件不清晰"
    with pytest.raises(ValidationError, match="尚未核验"):
        verify(returned, user=admin_user, passed=True, documents=["户口簿"])
    passed = verify(returned, user=admin_user, passed=True, documents=required_documents(returned))
    assert passed.status == ApplicationStatus.PASSED
    assert passed.verified_by == admin_user and passed.verified_at is not None
    assert [r.status for r in ApplicationReview.objects.filter(application=passed)] == ["退回补正", "通过"]
    with pytest.raises(ValidationError, match="已通过验证"):
        verify(passed, user=admin_user, passed=True, documents=required_documents(passed))


def test_migrant_children_need_their_permits_checked(open_campaign):
    app = register(open_campaign, registration(is_migrant=True, residence_permit=True, hukou_type="外省市"))
    assert "儿童居住证" in required_documents(app)


def test_verification_needs_the_verification_stage(campaign, admin_user):
    open_stages(campaign, StageKind.REGISTRATION)
    app = register(campaign, registration())
    with pytest.raises(campaigns.StageClosed, match="「验证」阶段"):
        verify(app, user=admin_user, passed=True, documents=required_documents(app))


def test_changes_after_verification_need_a_reason_and_are_audited(application, admin_user):
    app = verify(application, user=admin_user, passed=True, documents=required_documents(application))
    with pytest.raises(ValidationError, match="须填写修改原因"):
        update_application(app, child={"residence_house_no": 7}, user=admin_user)
    update_application(app, child={"residence_house_no": 7}, user=admin_user, reason="门牌号登记错误")
    record = changelog.history(app).first()
    assert record.before == {"residence_house_no": 5}
    assert record.after == {"residence_house_no": 7, "修改原因": "门牌号登记错误"}


def test_a_correction_recomputes_the_tier(application, admin_user):
    app = update_application(application, child={"person_household_same": False}, user=admin_user)
    assert app.tier.rank == 3


def test_a_correction_cannot_take_another_childs_id(open_campaign, admin_user):
    a = register(open_campaign, registration())
    b = register(open_campaign, registration())
    with pytest.raises(ValidationError, match="不能重复报名"):
        update_application(b, child={"id_number": a.id_number, "birth_date": a.birth_date}, user=admin_user)


def test_no_guardian_is_refused_and_nothing_is_saved(open_campaign):
    reg = registration()
    reg.guardians = []
    with pytest.raises(ValidationError, match="至少填写一位监护人"):
        register(open_campaign, reg)
    assert not Application.objects.exists()


def test_guardian_id_numbers_are_validated(open_campaign):
    reg = registration()
    reg.guardians[0]["id_number"] = child_id()[:17] + "Z"
    with pytest.raises(ValidationError, match="第 1 位监护人身份证号"):
        register(open_campaign, reg)
