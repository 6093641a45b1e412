"""Columns of the lottery list."""

from django.utils.translation import gettext_lazy as _

from edubureau.core.tables import Column

DRAW_COLUMNS = (
    Column("school_label", _("学校"), sort="school__code", link=True),
    Column("campaign.__str__", _("招生工作"), sort="campaign__year"),
    Column("places", _("招生名额"), sort="places"),
    Column("applicant_count", _("报名人数")),
    Column("status", _("状态"), sort="status"),
    Column("list_hash", _("名单哈希（SHA-256）")),
    Column("seed", _("公开种子")),
    Column("drawn_at", _("摇号时间"), sort="drawn_at"),
    Column("record_hash", _("记录哈希")),
)
