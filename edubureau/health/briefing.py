"""The daily district briefing (每日简报): totals, rates by 学段 and school, top symptoms, open alerts
and missing reports for one day, within the user's scope. The page and the .xlsx/.docx downloads
are drawn from the same `DailyBriefing`, so they always agree."""

import datetime
from dataclasses import dataclass

from edubureau.org.models import Stage

from . import queries
from .briefing_export import Briefing, Section

WEEKDAYS = "一二三四五六日"
MISSING_LIMIT = 500  # the chase list in the briefing; the day page exports all of it


@dataclass
class DailyBriefing:
    day: datetime.date
    area: str  # 全区 or the school's name
    completeness: queries.Completeness
    totals: dict
    by_stage: list[dict]
    by_school: list
    symptoms: list[tuple[str, int]]
    alerts: list
    missing: list

    def document(self) -> Briefing:
        """The briefing as sections for the .xlsx/.docx writers."""
        c, t = self.completeness.district, self.totals
        summary = [
            ("范围", self.area),
            ("应报班级", str(c.expected)),
            ("已报班级", f"{c.reported}（上报率 {c.rate:.1%}）"),
            ("按时 / 迟报 / 未报", f"{c.on_time} / {c.late} / {c.missing}"),
            ("应到学生", str(t["expected"])),
            ("因病缺课", f"{t['sick']}（因病缺课率 {t['sick_rate']:.2%}）"),
            ("因事缺课", str(t["personal"])),
            ("教职工因病缺勤", str(t["staff_sick"])),
            ("未关闭预警", str(len(self.alerts))),
        ]
        stage_labels = dict(Stage.choices)
        sections = [
            Section(
                "分学段因病缺课率", ["学段", "学校数", "应到", "因病缺课", "因事缺课", "因病缺课率"],
                [[str(stage_labels.get(r["stage"], r["stage"])), r["schools"], r["expected"], r["sick"], r["personal"],
                  f"{r['rate']:.2%}"] for r in self.by_stage],
            ),
            Section(
                "分学校因病缺课率", ["学校", "学校标识码", "学段", "应到", "因病缺课", "因病缺课率", "已报/应报班级"],
                [[r.school.name, r.school.code, r.stage, r.expected, r.sick, f"{r.sick_rate:.2%}",
                  f"{r.classes_reported}/{r.classes_expected}"] for r in self.by_school],
            ),
            Section("主要症状", ["症状", "人数"], [[name, n] for name, n in self.symptoms]),
            Section(
                "未关闭预警", ["类型", "规则", "学校", "班级", "首例日期", "最近日期", "病例数", "状态"],
                [[a.get_kind_display(), a.rule.name if a.rule_id else a.rule_code, a.school.name,
                  a.school_class.name if a.school_class_id else "", a.first_date, a.last_date, a.cases, a.status]
                 for a in self.alerts],
            ),
            Section(
                "未报班级", ["学校", "学校标识码", "班级", "班主任"],
                [[k.school.name, k.school.code, k.name, k.head_teacher.name if k.head_teacher_id else ""]
                 for k in self.missing],
                empty="全部按时上报。",
            ),
        ]  # fmt: skip
        title = f"{self.area}师生健康日报简报"
        return Briefing(title, date_label(self.day), summary, sections)


def date_label(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日（星期{WEEKDAYS[day.weekday()]}）"


def build(user, day: datetime.date) -> DailyBriefing:
    schools = queries.health_schools(user)
    own = list(schools[:2]) if not queries.is_bureau(user) else []
    area = own[0].name if len(own) == 1 else "全区"
    completeness = queries.completeness(day, schools)
    return DailyBriefing(
        day=day,
        area=area,
        completeness=completeness,
        totals=queries.day_totals(day, schools),
        by_stage=queries.rates_by_stage(day, schools),
        by_school=queries.rates_by_school(day, schools),
        symptoms=queries.top_symptoms(day, schools, 8),
        alerts=list(queries.open_alerts(schools)[:200]),
        missing=list(completeness.missing_classes()[:MISSING_LIMIT]),
    )
