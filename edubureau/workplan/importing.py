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

from . import services
from .models import Plan
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
    """A DRAFT plan for `year` from the parsed document; `confirmed_targets` None keeps every candidate."""
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
        for s, section in enumerate(parsed.sections):
            db_section = services.create_section(
                plan, (section.title or "（未命名部分）")[:200], section.text
            )
            for t, item in enumerate(section.items):
                task = _create_task(db_section, item, f"{s}.{t}", keep)
                for u, sub in enumerate(item.items):
                    _create_task(db_section, sub, f"{s}.{t}.{u}", keep, parent=task)
    return plan


def _create_task(section, item: Item, path: str, keep: set[str] | None, parent=None):
    # The model has two levels: deeper items (（1）, ①) stay in the sub-task's text.
    description = "\n".join([item.text, *(_flatten(sub) for sub in item.items)]) if parent else item.text
    task = services.create_task(
        section,
        (item.title or item.text[:60] or "（未命名任务）")[:300],
        parent=parent,
        description=description.strip(),
    )
    for k, target in enumerate(item.targets):
        value = Decimal(str(target.value)).quantize(Decimal("0.01"))
        if (keep is None or f"{path}.{k}" in keep) and value <= MAX_TARGET:
            services.create_target(
                task, target.text[:300] or item.title[:300], value, target.unit[:20], source_text=target.text
            )
    return task


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
