"""Applications: registration, corrections, verification, priority tier, numbers, tie-breaking numbers."""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from edubureau.core import changelog
from edubureau.core.idcodes import CodeError, mask_id, validate_resident_id
from edubureau.core.models import ChangeAction
from edubureau.notifications.services import later
from edubureau.org.models import Nature, School
from edubureau.people.identity import check_identity
from edubureau.people.models import HukouType, IdType

from .. import notices
from ..models import (
    Application,
    ApplicationChoice,
    ApplicationGuardian,
    ApplicationReview,
    ApplicationStatus,
    Campaign,
    ChoiceKind,
    PriorityTier,
    ResidenceProof,
    SchoolPlan,
    StageKind,
)
from ..priority import Facts, classify
from .campaigns import require_open

NUMBER_CODES = {"幼儿园小班": "K", "小学一年级": "P", "初中预备": "J"}

# Papers to check besides the campaign's list, by the residence proof and for 随迁子女.
PROOF_DOCUMENTS = {
    ResidenceProof.DEED: "房产证（不动产权证）",
    ResidenceProof.CONTRACT: "购房网签合同",
    ResidenceProof.RENTAL: "租赁备案证明",
}
MIGRANT_DOCUMENTS = ["儿童居住证", "监护人居住证", "社保缴纳证明"]

CHILD_FIELDS = [
    "child_name", "gender", "birth_date", "id_type", "id_number", "hukou_type", "hukou_address",
    "residence_street", "residence_community", "residence_road", "residence_house_no", "residence_address",
    "person_household_same", "residence_proof", "property_owner", "property_share", "property_since",
    "is_migrant", "residence_permit", "permit_points", "points_met", "sibling_school", "sibling_name",
]  # fmt: skip
GUARDIAN_FIELDS = ["name", "relation", "id_number", "phone", "residence_permit", "insurance_months"]


@dataclass
class ChoiceInput:
    kind: str
    school: School
    rank: int = 0


@dataclass
class Registration:
    """What a registration carries: the child's fields, the guardians, the chosen schools."""

    child: dict
    guardians: list[dict] = field(default_factory=list)
    choices: list[ChoiceInput] = field(default_factory=list)


def number_prefix(campaign: Campaign) -> str:
    return f"{campaign.year}{NUMBER_CODES[campaign.entry_grade]}"


def next_numbers(campaign: Campaign, count: int = 1) -> list[str]:
    """The next free 报名编号 of the campaign (e.g. 2026P000123). Call inside a transaction: the
    campaign row is locked so two registrations at the same moment cannot take the same number."""
    Campaign.objects.select_for_update().filter(pk=campaign.pk).first()
    prefix = number_prefix(campaign)
    last = (
        Application.objects.filter(campaign=campaign, number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    start = int(last[len(prefix) :]) + 1 if last else 1
    return [f"{prefix}{n:06d}" for n in range(start, start + count)]


def existing_application(campaign: Campaign, id_type: str, id_number: str) -> Application | None:
    return Application.objects.filter(campaign=campaign, id_type=id_type, id_number=id_number).first()


DUPLICATE_REFUSED = "该证件号码在本次招生中不能使用。请核对证件号码；如确认无误，请联系区教育局招生管理部门。"


def duplicate_message(existing: Application, user=None) -> str:
    """The existing application's number for a user who may see it (the CLI: everyone); to anyone
    else only that the number cannot be used, not that (or for which school) the child applied."""
    if user is not None and not Application.objects.for_user(user).filter(pk=existing.pk).exists():
        return DUPLICATE_REFUSED
    return (
        f"该儿童（证件号码 {mask_id(existing.id_number)}）在本次招生中已有报名（报名编号 {existing.number}），"
        "不能重复报名。如需更正信息，请修改已有报名。"
    )


def check_child(campaign: Campaign, child: dict, *, exclude_pk=None, user=None) -> dict[str, str]:
    """Field errors of the child's identity: ID number, its agreement, the entry window, duplicates."""
    id_type = child.get("id_type") or IdType.RESIDENT
    birth, gender = child.get("birth_date"), child.get("gender")
    # The registry's identity rule (number, check digit, birth date and gender agreeing); an application
    # always needs a number, so 无证件 is refused here.
    identity = check_identity(id_type, child.get("id_number"), birth, gender)
    errors: dict[str, str] = dict(identity.errors)
    number = identity.number
    if not number and "id_number" not in errors:
        errors["id_number"] = "请填写儿童证件号码。"
    child["id_number"] = number
    if (
        "birth_date" not in errors
        and birth
        and campaign.birth_from
        and campaign.birth_to
        and not campaign.birth_from <= birth <= campaign.birth_to
    ):
        errors["birth_date"] = (
            f"出生日期 {birth:%Y-%m-%d} 不在本次招生的入学年龄范围内（{campaign.birth_from:%Y-%m-%d} 至 "
            f"{campaign.birth_to:%Y-%m-%d} 出生）。"
        )
    if "id_number" not in errors:
        other = Application.objects.filter(campaign=campaign, id_type=id_type, id_number=number)
        other = other.exclude(pk=exclude_pk).first()
        if other:
            errors["id_number"] = duplicate_message(other, user)
    return errors


def check_choices(campaign: Campaign, choices: list[ChoiceInput]) -> dict[str, str]:
    """The chosen schools: within the limits, of the right kind, in the plan, none twice."""
    errors: dict[str, str] = {}
    planned = set(SchoolPlan.objects.filter(campaign=campaign).values_list("school_id", flat=True))
    seen = set()
    for kind, limit, nature in (
        (ChoiceKind.PRIVATE, campaign.max_private_choices, Nature.PRIVATE),
        (ChoiceKind.PUBLIC, campaign.max_public_choices, Nature.PUBLIC),
    ):
        mine = [c for c in choices if c.kind == kind]
        label = ChoiceKind(kind).label
        if len(mine) > limit:
            errors[f"{kind}_choices"] = (
                f"本次招生不填报{label}。"
                if limit == 0
                else f"{label}最多填报 {limit} 所，现填了 {len(mine)} 所。"
            )
            continue
        for c in mine:
            if c.school.nature != nature:
                errors[f"{kind}_choices"] = (
                    f"{c.school}是{c.school.get_nature_display()}学校，不能作为{label}。"
                )
            elif c.school.pk not in planned:
                errors[f"{kind}_choices"] = f"{c.school}未列入本次招生计划，不能填报。"
            elif c.school.pk in seen:
                errors[f"{kind}_choices"] = f"{c.school}填报了两次，同一学校只能填报一次。"
            seen.add(c.school.pk)
    return errors


def _clean_guardians(guardians: list[dict]) -> list[dict]:
    if not guardians:
        raise ValidationError({"guardians": "请至少填写一位监护人。"})
    cleaned = []
    for n, g in enumerate(guardians, start=1):
        g = {k: v for k, v in g.items() if k in GUARDIAN_FIELDS}
        if not (g.get("name") or "").strip() or not (g.get("relation") or "").strip():
            raise ValidationError({"guardians": f"第 {n} 位监护人：请填写姓名和关系。"})
        if g.get("id_number"):
            try:
                g["id_number"] = validate_resident_id(g["id_number"])
            except CodeError as e:
                raise ValidationError({"guardians": f"第 {n} 位监护人身份证号：{e}。"}) from e
        cleaned.append(g)
    return cleaned


def tier_for(
    application: Application, tiers: list[PriorityTier] | None = None
) -> tuple[PriorityTier | None, str]:
    """The priority tier the application falls in, with the explanation shown to staff and families."""
    if tiers is None:
        tiers = list(PriorityTier.objects.filter(campaign_id=application.campaign_id))
    facts = Facts(
        person_household_same=application.person_household_same,
        proof=application.residence_proof,
        owner=application.property_owner,
        share=float(application.property_share) if application.property_share is not None else None,
        since=application.property_since,
        hukou_local=application.hukou_type == HukouType.LOCAL,
        residence_permit=application.residence_permit,
        points_met=application.points_met,
    )
    rank, why = classify([(t.rank, t.name, t.conditions) for t in tiers], facts, cutoff(application.campaign))
    return next((t for t in tiers if t.rank == rank), None), why[:300]


def reclassify(campaign: Campaign) -> int:
    """Recompute every application's tier after the tiers changed (logged per changed application)."""
    tiers = list(PriorityTier.objects.filter(campaign=campaign))
    changed = 0
    for application in (
        Application.objects.filter(campaign=campaign).select_related("campaign").iterator(2000)
    ):
        tier, why = tier_for(application, tiers)
        if (application.tier_id, application.tier_explanation) != (tier.pk if tier else None, why):
            before = changelog.snapshot(application)
            application.tier, application.tier_explanation = tier, why
            application.save(update_fields=["tier", "tier_explanation"])
            changelog.log_update(application, before)
            changed += 1
    return changed


def cutoff(campaign: Campaign) -> datetime.date:
    """The day holding periods are counted to: 31 August of the entry year."""
    return datetime.date(campaign.year, 8, 31)


def _apply_tier(application: Application) -> None:
    application.tier, application.tier_explanation = tier_for(application)


def _save_choices(application: Application, choices: list[ChoiceInput]) -> None:
    for kind in (ChoiceKind.PRIVATE, ChoiceKind.PUBLIC):
        for rank, c in enumerate([c for c in choices if c.kind == kind], start=1):
            changelog.create(
                ApplicationChoice(application=application, kind=kind, rank=rank, school=c.school)
            )


def _choice_stage_check(campaign: Campaign, choices: list[ChoiceInput]) -> None:
    if any(c.kind == ChoiceKind.PRIVATE for c in choices):
        require_open(campaign, StageKind.PRIVATE_APPLY)


def register(campaign: Campaign, registration: Registration, user=None) -> Application:
    """A new application (信息登记 must be open; private choices also need 民办报名 open)."""
    require_open(campaign, StageKind.REGISTRATION)
    _choice_stage_check(campaign, registration.choices)
    child = {k: v for k, v in registration.child.items() if k in CHILD_FIELDS}
    errors = check_child(campaign, child, user=user) | check_choices(campaign, registration.choices)
    if errors:
        raise ValidationError(errors)
    guardians = _clean_guardians(registration.guardians)
    try:
        with transaction.atomic():
            application = Application(campaign=campaign, number=next_numbers(campaign)[0], **child)
            application.created_by = user if getattr(user, "pk", None) else None
            _apply_tier(application)
            changelog.create(application)
            for g in guardians:
                changelog.create(ApplicationGuardian(application=application, **g))
            _save_choices(application, registration.choices)
    except IntegrityError as e:
        # Two registrations of one child at the same moment: the database constraint decides.
        existing = existing_application(campaign, child.get("id_type") or IdType.RESIDENT, child["id_number"])
        if existing:
            raise ValidationError({"id_number": duplicate_message(existing, user)}) from e
        raise
    return application


def update_application(
    application: Application,
    *,
    child: dict | None = None,
    guardians: list[dict] | None = None,
    choices: list[ChoiceInput] | None = None,
    user=None,
    reason: str = "",
) -> Application:
    """Correct an application while 信息登记 or 验证 is open. A verified application (通过) may still
    be corrected, but only with a reason, which the change log keeps with the before/after values."""
    campaign = application.campaign
    stages = [StageKind.REGISTRATION, StageKind.VERIFICATION]
    if not any(s.is_open for s in campaign.stages.all() if s.kind in stages):
        require_open(campaign, StageKind.REGISTRATION)
    verified = application.status == ApplicationStatus.PASSED
    if verified and not reason.strip():
        raise ValidationError({"reason": "该申请已通过验证，修改时须填写修改原因（将记入审计日志）。"})
    if choices is not None:
        _choice_stage_check(campaign, choices)
    child = {k: v for k, v in (child or {}).items() if k in CHILD_FIELDS}
    merged = {name: getattr(application, name) for name in CHILD_FIELDS} | child
    errors = check_child(campaign, merged, exclude_pk=application.pk, user=user)
    if choices is not None:
        errors |= check_choices(campaign, choices)
    if errors:
        raise ValidationError(errors)
    guardians = _clean_guardians(guardians) if guardians is not None else None
    with transaction.atomic():
        before = changelog.snapshot(application)
        for name, value in merged.items():
            setattr(application, name, value)
        _apply_tier(application)
        application.full_clean()
        application.save()
        old, new = changelog.diff(before, changelog.snapshot(application))
        if new or reason:
            note = {"修改原因": reason.strip()} if reason.strip() else {}
            changelog.record(ChangeAction.UPDATE, application, before=old, after=new | note).save()
        if guardians is not None:
            _replace(application.guardians.all())
            for g in guardians:
                changelog.create(ApplicationGuardian(application=application, **g))
        if choices is not None:
            _replace(application.choices.all())
            _save_choices(application, choices)
    return application


def _replace(queryset) -> None:
    for obj in queryset:
        changelog.log_delete(obj)
    queryset.delete()


def required_documents(application: Application) -> list[str]:
    """The documents checklist of one application: the campaign's list, the proof, 随迁子女 papers."""
    docs = list(application.campaign.documents)
    if application.residence_proof in PROOF_DOCUMENTS:
        docs.append(PROOF_DOCUMENTS[application.residence_proof])
    if application.is_migrant:
        docs += MIGRANT_DOCUMENTS
    return docs


def verify(
    application: Application, *, user, passed: bool, documents: list[str], reason: str = ""
) -> Application:
    """One verification step: 待验证/退回补正 → 通过 (all documents checked) or → 退回补正 (reason)."""
    require_open(application.campaign, StageKind.VERIFICATION)
    if application.status == ApplicationStatus.PASSED:
        raise ValidationError("该申请已通过验证；如需更正，请修改申请并填写修改原因。")
    required = required_documents(application)
    unknown = [d for d in documents if d not in required]
    if unknown:
        raise ValidationError({"documents": f"不在材料清单中：{'、'.join(unknown)}。"})
    reason = reason.strip()
    if passed:
        missing = [d for d in required if d not in documents]
        if missing:
            raise ValidationError(
                {"documents": f"尚未核验：{'、'.join(missing)}。请核验全部材料后再通过，或退回补正。"}
            )
    elif not reason:
        raise ValidationError({"reason": "退回补正时须写明原因（需补正的材料或信息）。"})
    status = ApplicationStatus.PASSED if passed else ApplicationStatus.RETURNED
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if locked.status == ApplicationStatus.PASSED:
            raise ValidationError("该申请已由他人通过验证。")
        before = changelog.snapshot(locked)
        locked.status, locked.documents = status, list(documents)
        locked.return_reason = "" if passed else reason
        locked.verified_by = user if getattr(user, "pk", None) else None
        locked.verified_at = timezone.now()
        _apply_tier(locked)
        changelog.update(locked, before)
        ApplicationReview.objects.create(
            application=locked, status=status, reason=reason, documents=list(documents),
            user=locked.verified_by, user_name=user.get_username() if locked.verified_by else "系统",
        )  # fmt: skip
        if not passed:
            later(notices.application_returned, locked, by=user)
    return locked
