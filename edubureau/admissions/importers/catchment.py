"""Bulk import (and export in the same format) of the 对口/划片 rules through the core pipeline:
all-or-nothing, every row's errors with row, column and value. A row names its campaign (招生年份 +
入学年级), the area and one target: a school (学校标识码) or a 多校划片 group of that campaign.
Rows are matched by campaign + area; importing the same file twice changes nothing."""

from django.utils.translation import gettext_lazy

from edubureau.core.importing import Column, Importer, Rows, choice, integer, lookup, register, text
from edubureau.org.models import Nature, School

from ..catchment import Address
from ..models import Campaign, CatchmentGroup, CatchmentRule, EntryGrade, HouseParity

AREA = ("street", "community", "road", "number_from", "number_to", "parity")


def _clean(part: str):
    def parse(value: str) -> str:
        return getattr(Address.of(**{part: value}), part)

    return parse


def _area_text(max_length: int, part: str):
    check, norm = text(max_length), _clean(part)
    return lambda value: norm(check(value))


@register
class CatchmentRuleImporter(Importer):
    kind = "catchment_rules"
    label = gettext_lazy("对口规则")
    module = "admissions"
    model = CatchmentRule
    order = 60
    columns = (
        Column("招生年份", "year", True, integer(2000, 2100), help="如 2026。"),
        Column(
            "入学年级",
            "entry_grade",
            True,
            choice(EntryGrade.values),
            choices=tuple(EntryGrade.values),
            help="须是系统中已有的招生工作（招生年份 + 入学年级）。",
        ),  # fmt: skip
        Column("街道（镇）", "street", False, _area_text(40, "street"), help="如 莘庄镇。"),
        Column("居委/小区", "community", False, _area_text(60, "community")),
        Column(
            "路（弄）",
            "road",
            False,
            _area_text(60, "road"),
            help="如 莘松路88弄。街道、居委/小区、路至少填一项。",
        ),
        Column("起始门牌号", "number_from", False, integer(0, 99999), default=None),
        Column("截止门牌号", "number_to", False, integer(0, 99999), default=None),
        Column(
            "单双号",
            "parity",
            False,
            choice(HouseParity.values),
            default=HouseParity.ALL,
            choices=tuple(HouseParity.values),
            help="空着为全部。",
        ),  # fmt: skip
        Column(
            "对口学校标识码", "school_code", False, text(10), help="对口到一所学校时填写；多校划片时留空。"
        ),
        Column("划片片区", "group_name", False, text(60), help="多校划片时填写本次招生中已有的片区名称。"),
        Column("备注", "note", False, text(200)),
    )
    notes = (
        "唯一标识：招生工作 + 街道 + 居委/小区 + 路 + 门牌号范围 + 单双号；已有规则按此更新对口学校或片区。",
    )

    def validate(self, table: Rows) -> None:
        campaigns = {(c.year, c.entry_grade): c.pk for c in Campaign.objects.all()}
        campaign_ids = [None] * table.n
        for i, key in enumerate(zip(table["year"], table["entry_grade"], strict=True)):
            if None not in key:
                campaign_ids[i] = campaigns.get(key)
                if campaign_ids[i] is None:
                    table.error(i, "entry_grade", f"没有 {key[0]} 年{key[1]}的招生工作，请先创建")
        table["campaign_id"] = campaign_ids
        schools = {
            code: (pk, nature)
            for pk, code, nature in lookup(
                School.objects, ["pk", "code", "nature"], code=table["school_code"]
            )
        }
        groups = {
            (c, n): pk
            for pk, c, n in lookup(
                CatchmentGroup.objects, ["pk", "campaign_id", "name"], name=table["group_name"]
            )
        }
        school_ids, group_ids = [None] * table.n, [None] * table.n
        for i in range(table.n):
            code, name = table["school_code"][i], table["group_name"][i]
            if bool(code) == bool(name):
                table.error(i, "school_code", "对口学校标识码与划片片区须填且只填一项")
            elif code:
                found = schools.get(code)
                if found is None:
                    table.error(i, "school_code", f"学校标识码 {code} 不存在")
                elif found[1] == Nature.PRIVATE:
                    table.error(i, "school_code", "民办学校不按对口招生，不能作为对口学校")
                else:
                    school_ids[i] = found[0]
            elif campaign_ids[i] is not None:
                group_ids[i] = groups.get((campaign_ids[i], name))
                if group_ids[i] is None:
                    table.error(i, "group_name", f"本次招生中没有片区“{name}”，请先在划片片区中创建")
            if not (table["street"][i] or table["community"][i] or table["road"][i]):
                table.error(i, "road", "街道、居委/小区、路至少填一项")
            lo, hi = table["number_from"][i], table["number_to"][i]
            if lo is not None and hi is not None and hi < lo:
                table.error(i, "number_to", f"截止门牌号 {hi} 小于起始门牌号 {lo}")
        table["school_id"], table["group_id"] = school_ids, group_ids
        keys = [(campaign_ids[i], *(table[f][i] for f in AREA)) for i in range(table.n)]
        table.check_unique(keys, "road", "对口范围")
        self.fields = ["campaign_id", *AREA, "school_id", "group_id", "note"]
        existing = CatchmentRule.objects.filter(campaign_id__in={c for c in campaign_ids if c})
        current = {
            (r[1], *r[2:8]): (r[0], tuple(r[1:]))
            for r in existing.values_list("pk", "campaign_id", *AREA, "school_id", "group_id", "note")
        }
        for i in table.valid():
            self.keys[i] = keys[i]
            if keys[i] in current:
                self.existing[keys[i]] = current[keys[i]]

    def describe(self, values: dict) -> str:
        parts = [values.get(f) or "" for f in ("street", "community", "road")]
        return " ".join(p for p in parts if p)[:200]

    def export_rows(self, school_code=None):
        rules = CatchmentRule.objects.select_related("campaign", "school", "group").order_by(
            "campaign__year", "pk"
        )
        if school_code:
            rules = rules.filter(school__code=school_code)
        for r in rules.iterator(2000):
            yield [r.campaign.year, r.campaign.entry_grade, r.street, r.community, r.road,
                   "" if r.number_from is None else r.number_from, "" if r.number_to is None else r.number_to,
                   r.parity, r.school.code if r.school_id else "", r.group.name if r.group_id else "", r.note]  # fmt: skip
