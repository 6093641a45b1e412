"""Importing a parsed document as a draft plan: sections, tasks, sub-tasks, confirmed KPIs; all or nothing."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from edubureau.core.models import ChangeRecord
from edubureau.workplan import importing
from edubureau.workplan.models import Plan, Section, Target, Task
from edubureau.workplan.parsing import parse_file, parse_text

from .samples import sample

TEXT = "\n".join(
    [
        "2027年区教育局工作要点",
        "以立德树人为根本任务。",
        "一、扩大优质资源",
        "1.新建学校。2027年计划开工10个项目，新开办12所学校。",
        "（1）完成前期手续。年底前完成14个项目前期手续。",
        "（2）开工建设。",
        "2.建设考场。建成标准化考场41个。",
        "二、提升教育质量",
        "3.推进课程改革。覆盖比例达到99.96%。",
    ]
)


def test_it_creates_a_draft_plan_with_sections_tasks_and_kpis(db):
    plan = importing.create_draft_plan(parse_text(TEXT), 2027)
    assert (plan.year, plan.title, plan.status, plan.intro) == (
        2027,
        "2027年区教育局工作要点",
        Plan.Status.DRAFT,
        "以立德树人为根本任务。",
    )
    assert [s.title for s in plan.sections.order_by("order")] == ["扩大优质资源", "提升教育质量"]
    tasks = Task.objects.filter(plan=plan, parent=None).order_by("number")
    assert [(t.number, t.title) for t in tasks] == [(1, "新建学校"), (2, "建设考场"), (3, "推进课程改革")]
    assert [(t.number, t.title) for t in tasks[0].children.order_by("number")] == [
        (1, "完成前期手续"),
        (2, "开工建设"),
    ]
    kpis = {(t.target_value, t.unit, t.source_text) for t in Target.objects.filter(task__plan=plan)}
    assert (Decimal("41"), "个", "建成标准化考场41个") in kpis
    assert (Decimal("99.96"), "%", "覆盖比例达到99.96%") in kpis
    assert (Decimal("14"), "个", "年底前完成14个项目前期手续") in kpis
    assert ChangeRecord.objects.filter(object_repr__contains="建设考场").exists()


def test_it_keeps_only_the_confirmed_kpi_candidates(db):
    parsed = parse_text(TEXT)
    found = importing.candidates(parsed)
    exam_rooms = next(c for c in found if c.value == 41)
    assert exam_rooms.task == "2 建设考场" and exam_rooms.unit == "个"
    plan = importing.create_draft_plan(parsed, 2027, confirmed_targets=[exam_rooms.key])
    assert list(Target.objects.filter(task__plan=plan).values_list("target_value", flat=True)) == [
        Decimal("41")
    ]


def test_it_imports_the_2019_sample_as_19_tasks(db):
    plan = importing.create_draft_plan(parse_file(sample("workplan-points-2019.txt")), 2019)
    counts = [s.tasks.filter(parent=None).count() for s in plan.sections.order_by("order")]
    assert counts == [8, 7, 4]
    assert Task.objects.get(plan=plan, number=12).targets.filter(target_value=41, unit="个").exists()


def test_it_saves_nothing_when_the_year_already_has_a_plan(db):
    importing.create_draft_plan(parse_text(TEXT), 2027)
    before = (Plan.objects.count(), Section.objects.count(), Task.objects.count(), Target.objects.count())
    with pytest.raises(ValidationError, match="已经存在"):
        importing.create_draft_plan(parse_text(TEXT), 2027)
    assert (
        Plan.objects.count(),
        Section.objects.count(),
        Task.objects.count(),
        Target.objects.count(),
    ) == before


def test_it_rolls_back_everything_when_a_late_kpi_fails_validation(db, monkeypatch):
    real = Target.full_clean

    def failing(self, *args, **kwargs):
        if self.target_value == Decimal("99.96"):
            raise ValidationError({"target_value": "模拟失败"})
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Target, "full_clean", failing)
    with pytest.raises(ValidationError, match="模拟失败"):
        importing.create_draft_plan(parse_text(TEXT), 2027)
    assert not Plan.objects.filter(year=2027).exists()
    assert (Section.objects.count(), Task.objects.count(), Target.objects.count()) == (0, 0, 0)
    assert not ChangeRecord.objects.exists()


def test_it_refuses_a_document_without_tasks(db):
    parsed = parse_text("标题\n一、空的部分")
    with pytest.raises(ValidationError, match="没有识别到任何任务"):
        importing.create_draft_plan(parsed, 2027)
    assert not Plan.objects.exists()


def test_it_accepts_the_json_shape(db):
    data = parse_text(TEXT).as_dict()
    data["sections"][0]["items"][0]["title"] = "新建和改扩建学校"
    plan = importing.create_draft_plan(data, 2027)
    assert plan.tasks.filter(title="新建和改扩建学校").exists()
