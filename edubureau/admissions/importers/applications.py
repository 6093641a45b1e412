"""Bulk import of registrations (入学报名) through the core pipeline: all rows checked before anything
is written, errors by row, column and value, all-or-nothing by default.

The same rules as a registration on the page (services.applications): the campaign's 信息登记 stage open
(民办报名 for private choices), the ID number and its agreement, the entry window, no second application
of a child, the choice limits. A row of a child already registered with the same data is unchanged (so
importing a file twice changes nothing); with different data it is an error: corrections go through the
application page, where changes after verification are audited with their reason.
"""

from __future__ import annotations

from django.db.models import Max
from django.utils.translation import gettext_lazy

from edubureau.core.importing import (
    Column,
    Importer,
    Rows,
    choice,
    date_value,
    integer,
    log_rows,
    lookup,
    phone,
    register,
    text,
    yes_no,
)
from edubureau.core.models import ChangeAction
from edubureau.org.models import Nature, School
from edubureau.people.importers import RELATIONS, check_ids, plain_code
from edubureau.people.models import Gender, HukouType, IdType

from ..models import (
    Application,
    ApplicationChoice,
    ApplicationGuardian,
    Campaign,
    ChoiceKind,
    EntryGrade,
    PropertyOwner,
    ResidenceProof,
    SchoolPlan,
    StageKind,
)
from ..priority import Facts, classify
from ..services.applications import NUMBER_CODES, cutoff


def decimal_share(value: str):
    try:
        share = float(value.strip().rstrip("%"))
    except ValueError:
        raise ValueError("应为 0–100 的数字，如 100 或 50") from None
    if not 0 <= share <= 100:
        raise ValueError("应为 0–100 的数字，如 100 或 50")
    return round(share, 2)


def school_codes(value: str) -> tuple[str, ...]:
    codes = tuple(c.strip() for c in value.replace("；", ";").replace("，", ";").replace(",", ";").split(";"))
    codes = tuple(c for c in codes if c)
    if len(set(codes)) != len(codes):
        raise ValueError("同一学校填了两次")
    return codes


CHILD = (
    "child_name", "gender", "birth_date", "id_type", "id_number", "hukou_type", "hukou_address", "residence_street",
    "residence_community", "residence_road", "residence_house_no", "residence_address", "person_household_same",
    "residence_proof", "property_owner", "property_share", "property_since", "is_migrant", "residence_permit",
    "permit_points", "points_met",
)  # fmt: skip
GUARDIAN = ("guardian__name", "guardian__relation", "guardian__phone")
CHOICES = ("choice__private", "choice__public")


@register
class ApplicationImporter(Importer):
    kind = "applications"
    label = gettext_lazy("入学报名")
    module = "admissions"
    model = Application
    order = 60
    columns = (
        Column("招生年份", "year", True, integer(2000, 2100), help="如 2026。"),
        Column("入学年级", "entry_grade", True, choice(EntryGrade.values, {"小学": "小学一年级", "一年级": "小学一年级",
               "小班": "幼儿园小班", "初中": "初中预备", "预备": "初中预备"}), choices=tuple(EntryGrade.values)),
        Column("儿童姓名", "child_name", True, text(40)),
        Column("性别", "gender", True, choice(Gender.values), choices=tuple(Gender.values)),
        Column("出生日期", "birth_date", True, date_value, help="须在本次招生的入学年龄范围内。"),
        Column("证件类型", "id_type", False, choice([IdType.RESIDENT, IdType.HMT_PERMIT, IdType.PASSPORT]),
               default=IdType.RESIDENT, choices=(IdType.RESIDENT, IdType.HMT_PERMIT, IdType.PASSPORT), help="空着按居民身份证。"),
        Column("证件号码", "id_number", True, plain_code, help="18 位身份证号，出生日期、性别须与号码一致。"),
        Column("户籍类型", "hukou_type", True, choice(HukouType.values), choices=tuple(HukouType.values)),
        Column("户籍地址", "hukou_address", False, text(200)),
        Column("居住街道", "residence_street", False, text(40), help="街道或镇，如 莘庄镇。"),
        Column("居委小区", "residence_community", False, text(60)),
        Column("路弄", "residence_road", False, text(60), help="如 莘松路 88 弄。"),
        Column("门牌号", "residence_house_no", False, integer(1, 99999), default=None),
        Column("居住地址", "residence_address", False, text(200)),
        Column("人户一致", "person_household_same", False, yes_no, default=False, choices=("是", "否")),
        Column("居住证明", "residence_proof", False, choice(ResidenceProof.values), choices=tuple(ResidenceProof.values)),
        Column("产权人", "property_owner", False, choice(PropertyOwner.values), choices=tuple(PropertyOwner.values)),
        Column("产权份额", "property_share", False, decimal_share, default=None, help="百分比，如 100。"),
        Column("产权登记日期", "property_since", False, date_value, default=None),
        Column("随迁子女", "is_migrant", False, yes_no, default=False, choices=("是", "否")),
        Column("持居住证", "residence_permit", False, yes_no, default=False, choices=("是", "否")),
        Column("居住证积分", "permit_points", False, integer(0, 999), default=None),
        Column("积分达标", "points_met", False, yes_no, default=False, choices=("是", "否")),
        Column("监护人姓名", "guardian__name", True, text(40)),
        Column("监护人关系", "guardian__relation", True, text(10), choices=RELATIONS),
        Column("监护人电话", "guardian__phone", False, phone),
        Column("民办志愿", "choice__private", False, school_codes, default=(), help="学校标识码，多所用“;”分隔，先填的优先。"),
        Column("公办志愿", "choice__public", False, school_codes, default=(), help="学校标识码；本次招生不填公办志愿时留空。"),
    )  # fmt: skip
    notes = (
        "唯一标识：招生工作（招生年份 + 入学年级）+ 证件类型 + 证件号码；同一儿童在一次招生中只能报名一次。",
        "报名编号由系统生成；已报名且信息相同的行不变，信息不同的请在申请页面修改。",
    )

    def validate(self, table: Rows) -> None:
        campaigns = self.resolve_campaigns(table)
        check_ids(table, required=True)
        table.check_unique(
            list(zip(table["campaign_id"], table["id_type"], table["id_number"], strict=True)),
            "id_number",
            "证件号码",
        )
        self.check_window(table, campaigns)
        self.resolve_choices(table, campaigns)
        self.fields = ["campaign_id", "number", *CHILD, "tier_id", "tier_explanation", *GUARDIAN, *CHOICES]
        self.assign_tiers(table, campaigns)
        self.match(table, campaigns)

    def resolve_campaigns(self, table: Rows) -> dict[int, Campaign]:
        wanted = {(y, g) for y, g in zip(table["year"], table["entry_grade"], strict=True) if y and g}
        found = {(c.year, c.entry_grade): c for c in Campaign.objects.prefetch_related("stages", "tiers")
                 if (c.year, c.entry_grade) in wanted}  # fmt: skip
        ids = [None] * table.n
        for i, key in enumerate(zip(table["year"], table["entry_grade"], strict=True)):
            if None in key:
                continue
            campaign = found.get(key)
            if campaign is None:
                table.error(i, "entry_grade", f"没有 {key[0]} 年{key[1]}的招生工作")
                continue
            if not any(s.is_open for s in campaign.stages.all() if s.kind == StageKind.REGISTRATION):
                table.error(i, "entry_grade", f"{campaign}的「信息登记」阶段未开启，不能报名")
                continue
            ids[i] = campaign.pk
        table["campaign_id"] = ids
        return {c.pk: c for c in found.values()}

    def check_window(self, table: Rows, campaigns: dict) -> None:
        for i, (cid, born) in enumerate(zip(table["campaign_id"], table["birth_date"], strict=True)):
            c = campaigns.get(cid)
            if c and born and c.birth_from and c.birth_to and not c.birth_from <= born <= c.birth_to:
                table.error(
                    i,
                    "birth_date",
                    f"不在入学年龄范围内（{c.birth_from:%Y-%m-%d} 至 {c.birth_to:%Y-%m-%d} 出生）",
                )

    def resolve_choices(self, table: Rows, campaigns: dict) -> None:
        codes = {c for f in CHOICES for row in table[f] if row for c in row}
        schools = {
            code: (pk, nature)
            for pk, code, nature in lookup(School.objects, ["pk", "code", "nature"], code=codes)
        }
        planned = set(
            SchoolPlan.objects.filter(campaign__in=campaigns).values_list("campaign_id", "school_id")
        )
        for field, kind, nature in (("choice__private", ChoiceKind.PRIVATE, Nature.PRIVATE),
                                    ("choice__public", ChoiceKind.PUBLIC, Nature.PUBLIC)):  # fmt: skip
            out = [()] * table.n
            for i, (cid, row) in enumerate(zip(table["campaign_id"], table[field], strict=True)):
                campaign = campaigns.get(cid)
                if not row or campaign is None:
                    continue
                limit = (
                    campaign.max_private_choices
                    if kind == ChoiceKind.PRIVATE
                    else campaign.max_public_choices
                )
                label = ChoiceKind(kind).label
                if len(row) > limit:
                    table.error(i, field, f"本次招生不填报{label}" if limit == 0 else f"最多填报 {limit} 所")
                    continue
                if kind == ChoiceKind.PRIVATE and not any(
                    s.is_open for s in campaign.stages.all() if s.kind == StageKind.PRIVATE_APPLY
                ):
                    table.error(i, field, "「民办报名」阶段未开启，不能填报民办志愿")
                    continue
                ids = []
                for code in row:
                    pk, school_nature = schools.get(code, (None, None))
                    if pk is None:
                        table.error(i, field, f"学校标识码 {code} 不存在")
                    elif school_nature != nature:
                        table.error(i, field, f"{code} 是{school_nature}学校，不能作为{label}")
                    elif (cid, pk) not in planned:
                        table.error(i, field, f"{code} 未列入本次招生计划")
                    ids.append(pk)
                out[i] = tuple(ids)
            table[field] = out
        both = zip(table["choice__private"], table["choice__public"], strict=True)
        for i, (private, public) in enumerate(both):
            if set(private) & set(public):
                table.error(i, "choice__public", "同一学校不能既是民办志愿又是公办志愿")

    def assign_tiers(self, table: Rows, campaigns: dict) -> None:
        tiers = {
            cid: [(t.rank, t.name, t.conditions, t.pk) for t in c.tiers.all()] for cid, c in campaigns.items()
        }
        ids, texts = [None] * table.n, [""] * table.n
        for i, cid in enumerate(table["campaign_id"]):
            if cid is None or not table.ok(i):
                continue
            facts = Facts(
                person_household_same=bool(table["person_household_same"][i]), proof=table["residence_proof"][i] or "",
                owner=table["property_owner"][i] or "", share=table["property_share"][i],
                since=table["property_since"][i], hukou_local=table["hukou_type"][i] == HukouType.LOCAL,
                residence_permit=bool(table["residence_permit"][i]), points_met=bool(table["points_met"][i]),
            )  # fmt: skip
            rank, why = classify([t[:3] for t in tiers[cid]], facts, cutoff(campaigns[cid]))
            ids[i] = next((t[3] for t in tiers[cid] if t[0] == rank), None)
            texts[i] = why[:300]
        table["tier_id"], table["tier_explanation"] = ids, texts
        for f in ("hukou_address", "residence_street", "residence_community", "residence_road", "residence_address",
                  "residence_proof", "property_owner"):  # fmt: skip
            table[f] = [v or "" for v in table[f]]

    def match(self, table: Rows, campaigns: dict) -> None:
        """Existing applications (one query); numbers for the new rows, continuing each campaign's series."""
        columns = ["pk", "campaign_id", "number", *CHILD, "tier_id", "tier_explanation"]
        rows = lookup(
            Application.objects.filter(campaign__in=campaigns), columns, id_number=table["id_number"]
        )
        existing = {(r[1], r[columns.index("id_type")], r[columns.index("id_number")]): r for r in rows}
        next_no = {}
        for cid, c in campaigns.items():
            prefix = f"{c.year}{NUMBER_CODES[c.entry_grade]}"
            last = Application.objects.filter(campaign=c, number__startswith=prefix).aggregate(
                m=Max("number")
            )["m"]
            next_no[cid] = [prefix, int(last[len(prefix) :]) + 1 if last else 1]
        numbers = table["number"] = [""] * table.n
        for i in range(table.n):
            if not table.ok(i):
                continue
            key = (table["campaign_id"][i], table["id_type"][i], table["id_number"][i])
            found = existing.get(key)
            if found is None:
                prefix, n = next_no[key[0]]
                numbers[i] = f"{prefix}{n:06d}"
                next_no[key[0]][1] += 1
                self.keys[i] = ("new", i)
                continue
            current = dict(zip(columns, found, strict=True))
            numbers[i] = current["number"]
            differs = [f for f in CHILD if _norm(current[f]) != _norm(table[f][i])]
            if differs:
                labels = "、".join(str(self.columns_by_field[f].header) for f in differs[:3])
                table.error(
                    i,
                    "id_number",
                    f"该儿童已报名（编号 {current['number']}），{labels}与已有报名不同；请在申请页面修改",
                )
                continue
            self.keys[i] = current["pk"]
            self.existing[current["pk"]] = (current["pk"], tuple(table[f][i] for f in self.fields))

    @property
    def columns_by_field(self):
        return {c.field: c for c in self.columns}

    def describe(self, values: dict) -> str:
        return f"{values.get('number', '')} {values.get('child_name', '')}"

    def write_related(self, plan, new_ids: list[int]) -> None:
        """The guardian and the chosen schools of each new application, with their change records."""
        at = {f: plan.fields.index(f) for f in (*GUARDIAN, *CHOICES)}
        guardians, choices = [], []
        for pk, (_, row) in zip(new_ids, plan.new, strict=True):
            guardians.append(ApplicationGuardian(application_id=pk, name=row[at["guardian__name"]],
                                                 relation=row[at["guardian__relation"]], phone=row[at["guardian__phone"]] or ""))  # fmt: skip
            for field, kind in (
                ("choice__private", ChoiceKind.PRIVATE),
                ("choice__public", ChoiceKind.PUBLIC),
            ):
                for rank, school_id in enumerate(row[at[field]], start=1):
                    choices.append(
                        ApplicationChoice(application_id=pk, kind=kind, rank=rank, school_id=school_id)
                    )
        created = ApplicationGuardian.objects.bulk_create(guardians, batch_size=2000)
        ApplicationChoice.objects.bulk_create(choices, batch_size=2000)
        if created and created[0].pk:
            log_rows(ApplicationGuardian, ChangeAction.CREATE,
                     ((g.pk, str(g), None, {"application_id": g.application_id, "name": g.name, "relation": g.relation})
                      for g in created))  # fmt: skip

    def export_rows(self, school_code: str | None = None):
        apps = Application.objects.select_related("campaign").prefetch_related("guardians", "choices__school")
        if school_code:
            apps = apps.filter(choices__school__code=school_code).distinct()
        for a in apps.iterator(2000):
            g = next(iter(a.guardians.all()), None)
            private = ";".join(c.school.code for c in a.choices.all() if c.kind == ChoiceKind.PRIVATE)
            public = ";".join(c.school.code for c in a.choices.all() if c.kind == ChoiceKind.PUBLIC)
            yield [
                a.campaign.year, a.campaign.entry_grade, a.child_name, a.gender, a.birth_date.isoformat(), a.id_type,
                a.id_number, a.hukou_type, a.hukou_address, a.residence_street, a.residence_community,
                a.residence_road, a.residence_house_no or "", a.residence_address, _yes(a.person_household_same),
                a.residence_proof, a.property_owner, a.property_share if a.property_share is not None else "",
                a.property_since.isoformat() if a.property_since else "", _yes(a.is_migrant),
                _yes(a.residence_permit), a.permit_points if a.permit_points is not None else "", _yes(a.points_met),
                g.name if g else "", g.relation if g else "", g.phone if g else "", private, public,
            ]  # fmt: skip


def _yes(value: bool) -> str:
    return "是" if value else "否"


def _norm(value):
    """Compare a stored value with a parsed one: decimals and floats alike, None and "" alike."""
    if value is None or value == "":
        return None
    try:
        return (
            float(value) if not isinstance(value, bool | str) and not hasattr(value, "isoformat") else value
        )
    except (TypeError, ValueError):
        return value

