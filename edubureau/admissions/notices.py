"""Who is told of what in admissions (消息中心).

申请退回补正  An applicant has no account yet (the families' portal comes later), so the staff who
              must follow up with the family are told: the user who registered the application, and
              the 学校管理员 of its catchment school (of its first-ranked chosen school when it has
              none), the school that checks the family's papers. Not the user who returned it.
"""

from __future__ import annotations

from edubureau.accounts.models import User
from edubureau.accounts.roles import Role
from edubureau.notifications.models import Kind
from edubureau.notifications.services import notify

from .models import Application


def follow_up_users(application: Application) -> set[int]:
    """Ids of the staff who follow up a returned application with the family."""
    school_id = application.catchment_school_id
    if school_id is None:
        first = application.choices.order_by("rank", "kind", "pk").values_list("school_id", flat=True).first()
        school_id = first
    ids = set(
        User.objects.filter(is_active=True, role=Role.SCHOOL_ADMIN, org_id=school_id).values_list("pk", flat=True)
    ) if school_id else set()  # fmt: skip
    if application.created_by_id:
        ids.add(application.created_by_id)
    return ids


def application_returned(application: Application, by=None) -> None:
    users = follow_up_users(application) - {getattr(by, "pk", None)}
    notify(
        users, Kind.APPLICATION_RETURNED, f"申请退回补正：报名编号 {application.number}",
        f"退回原因：{application.return_reason}。请联系家长补正材料后重新核验。",
        application.get_absolute_url(),
        f"application:{application.pk}:returned:{application.verified_at:%Y%m%d%H%M%S%f}",
    )  # fmt: skip
