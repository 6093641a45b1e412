"""Turn a parsed 工作要点 (parsing.py) into a draft plan: sections, tasks, sub-tasks and confirmed KPIs.

The web import page and `edubureau workplan import` both call `create_draft_plan`; it writes
everything in one transaction through the services (so it is validated and change-logged) or nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from edubureau.core import changelog
from edubureau.core.models import ChangeAction, ChangeRecord

from . import services
from .models import Plan, Task
from .models import Target as DbTarget
from .parsing import Item, ParsedDocument, Section, Target

MAX_TARGET = Decimal("999999999999.99")  # Target.target_value: 14 digits, 2 decimals


@dataclass(frozen=True)
class Candidate:
    """A KPI candidate for the user to confirm; `key` names it in a form or on the command line."""

    key: str
    task: str  # "12 切实加强初中建设"
    value: int | float
    unit: str
    text: str


def _walk(parsed: ParsedDocument) -> Iterator[tuple[str, Item, str]]:
    """(path, item, label) for every task and sub-task; path "s.t" or "s.t.u" (0-based)."""
    for s, section in enumerate(parsed.sections):
        for t, item in enumerate(section.items):
            yield f"{s}.{t}", item, f"{item.number or ''} {item.title}".strip()
            for u, sub in enumerate(item.items):
                yield f"{s}.{t}.{u}", sub, f"（{sub.number}）{sub.title}" if sub.number else sub.title


def candidates(parsed: ParsedDocument) -> list[Candidate]:
    return [
        Candidate(f"{path}.{k}", label, target.value, target.unit, target.text)
        for path, item, label in _walk(parsed)
        for k, target in enumerate(item.targets)
    ]


def create_draft_plan(
    parsed: ParsedDocument | dict,
    year: int,
    *,
    confirmed_targets: Iterable[str] | None = None,
    title: str | None = None,
    issuer: str = "",
) -> Plan:
    """A DRAFT plan for `year` from the parsed document; `confirmed_targets` None keeps every candidate.

    The plan and its sections go through the services; tasks and KPIs are validated one by one
    (full_clean) and written in bulk with bulk change records, as the import pipeline does, so a
    200-task document takes a second, not a minute. The plan is new, so the numbers we assign
    cannot collide and the per-row uniqueness queries are skipped.
    """
    if isinstance(parsed, dict):
        parsed = from_dict(parsed)
    if not any(section.items for section in parsed.sections):
        raise ValidationError({"__all__": "文件中没有识别到任何任务，无法生成工作要点草稿。请检查文件内容。"})
    keep = None if confirmed_targets is None else set(confirmed_targets)
    with transaction.atomic():
        plan = services.create_plan(
            year,
            title=(title or parsed.title or f"{year}年工作要点")[:200],
            intro=parsed.preamble,
            issuer=issuer,
        )
        tasks: list[tuple[Task, Item, str]] = []
        subtasks: list[
            tuple[Task, Item, str, int]
        ] = []  # (sub-task, item, path, index of its parent in tasks)
        number = 0
        for s, section in enumerate(parsed.sections):
            db_section = services.create_section(
                plan, (section.title or "（未命名部分）")[:200], section.text
            )
            for t, item in enumerate(section.items):
                number += 1
                tasks.append((_task(plan, db_section, item, number), item, f"{s}.{t}"))
                for u, sub in enumerate(item.items):
                    subtasks.append(
                        (_task(plan, db_section, sub, u + 1, sub=True), sub, f"{s}.{t}.{u}", len(tasks) - 1)
                    )
        created = _bulk_create(Task, [task for task, _, _ in tasks])
        for sub, _, _, parent in subtasks:
            sub.parent = tasks[parent][0]
        created += _bulk_create(Task, [sub for sub, _, _, _ in subtasks])
        targets = [
            _target(task, item, k, target)
            for task, item, path, *_ in [*tasks, *subtasks]
            for k, target in enumerate(item.targets)
            if keep is None or f"{path}.{k}" in keep
        ]
        created += _bulk_create(DbTarget, [t for t in targets if t is not None])
        ChangeRecord.objects.bulk_create(
            [changelog.record(ChangeAction.CREATE, obj, after=changelog.snapshot(obj)) for obj in created]
        )
    return plan


def _task(plan: Plan, section, item: Item, number: int, sub: bool = False) -> Task:
    # The model has two levels: deeper items (（1）, ①) stay in the sub-task's text.
    description = "\n".join([item.text, *(_flatten(i) for i in item.items)]) if sub else item.text
    return Task(
        plan=plan,
        section=section,
        number=number,
        title=(item.title or item.text[:60] or "（未命名任务）")[:300].strip(),
        description=description.strip(),
    )


def _target(task: Task, item: Item, k: int, target) -> DbTarget | None:
    value = Decimal(str(target.value)).quantize(Decimal("0.01"))
    if value > MAX_TARGET:
        return None  # a figure too large for a KPI (a phone number, an ID) is no target
    return DbTarget(
        task=task,
        description=(target.text or item.title)[:300],
        target_value=value,
        unit=target.unit[:20],
        source_text=target.text[:500],
    )


def _bulk_create(model, objects: list) -> list:
    # Foreign keys point at rows created above in this transaction: skip their one-query-each check.
    relations = [f.name for f in model._meta.concrete_fields if f.is_relation]
    for obj in objects:
        obj.full_clean(exclude=relations, validate_unique=False, validate_constraints=False)
    return model.objects.bulk_create(objects)


def _flatten(item: Item) -> str:
    head = f"（{item.number}）{item.title}" if item.number else item.title
    return "\n".join([f"{head}。{item.text}".rstrip("。"), *(_flatten(sub) for sub in item.items)])


def from_dict(data: dict) -> ParsedDocument:
    """The JSON shape of `workplan import --json` back into a ParsedDocument (e.g. an edited draft)."""

    def item(d: dict) -> Item:
        return Item(
            d.get("number"), d.get("title", ""), d.get("text", ""),
            [Target(t["value"], t.get("unit", ""), t.get("text", "")) for t in d.get("targets", [])],
            [item(i) for i in d.get("items", [])],
        )  # fmt: skip

    sections = [
        Section(s.get("number"), s.get("title", ""), s.get("text", ""), [item(i) for i in s.get("items", [])])
        for s in data.get("sections", [])
    ]
    return ParsedDocument(title=data.get("title", ""), sections=sections, preamble=data.get("preamble", ""))
