"""The registry of home-page tiles and work-queue items: the one place modules plug their figures into.

A *tile* is one key figure of the cockpit (局领导 / administrator); a *queue item* is one kind of work
waiting for a department (its workbench) or a school (its to-dos). Each is produced by a provider: a
plain function `provider(user, today) -> list[Tile]` (or `list[QueueItem]`) that computes within the
user's scope with a few aggregate queries. The registry shows a provider's results only to users whose
scope allows its module (`Scope.allows(module, VIEW)`), so a provider never checks that itself.

Adding the figures of a new module (the forms engine's "forms due", the case engine's "cases
overdue") needs no edit of the cockpit or the workbench: put a `tiles.py` in the module's app and
register there; `DashboardConfig.ready()` imports every installed app's `tiles.py` (as Django's admin
imports `admin.py`).

    # edubureau/forms/tiles.py
    from edubureau.dashboard.registry import QueueItem, Tile, queue_item, tile

    @tile("forms_due", module="forms", order=70)
    def forms_due(user, today):
        rows = Submission.objects.for_user(user).filter(due__lte=today, done=False)
        return [Tile("forms_due", "待收表单", rows.count(), "份", link=reverse("forms:due"))]

    @queue_item("forms_to_check", module="forms", audience=("department", "school"))
    def forms_to_check(user, today): ...

This module imports nothing from the domain apps, so a module's `tiles.py` depends on it alone.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone

from edubureau.core.scope import VIEW, scope_of

# Status colours (Tabler's): good, needs attention, bad, no judgement.
GOOD, WARN, BAD, NEUTRAL = "green", "yellow", "red", "secondary"


@dataclass
class Tile:
    key: str
    title: str
    value: object  # a number, or a short text ("—" when there is nothing to show)
    unit: str = ""
    detail: list[str] = field(default_factory=list)  # short lines under the value
    link: str = ""  # the module's page the figure comes from
    status: str = NEUTRAL
    links: list[tuple[str, str]] = field(default_factory=list)  # further (label, url) links
    computed_at: datetime.datetime = field(default_factory=timezone.now)
    group: str = ""  # the module's heading on the cockpit


@dataclass
class QueueItem:
    key: str
    title: str
    count: int
    link: str
    deadline: datetime.date | None = None  # the earliest deadline among the items, if they have one
    detail: str = ""
    status: str = NEUTRAL

    @property
    def overdue(self) -> bool:
        return self.deadline is not None and self.deadline < timezone.localdate()


@dataclass(frozen=True)
class Provider:
    key: str
    module: str
    func: Callable
    order: int
    audience: tuple[str, ...] = ()  # queue items: "department" (the workbench), "school" (its to-dos)


TILES: dict[str, Provider] = {}
QUEUE: dict[str, Provider] = {}


def tile(key: str, *, module: str, order: int = 100):
    """Register a tile provider for users holding `module` (the cockpit sorts tiles by `order`)."""

    def register(func):
        TILES[key] = Provider(key, module, func, order)
        return func

    return register


def queue_item(key: str, *, module: str, audience: tuple[str, ...] = ("department",), order: int = 100):
    """Register a provider of queue items for users holding `module`, shown to `audience`."""

    def register(func):
        QUEUE[key] = Provider(key, module, func, order, tuple(audience))
        return func

    return register


def _visible(providers: dict[str, Provider], user, audience: str | None = None) -> list[Provider]:
    scope = scope_of(user)
    return [
        p
        for p in sorted(providers.values(), key=lambda p: (p.order, p.key))
        if scope.allows(p.module, VIEW) and (audience is None or audience in p.audience)
    ]


def tiles_for(user, today: datetime.date | None = None) -> list[Tile]:
    """Every tile the user may see, computed now (live: each carries its computed_at)."""
    today = today or timezone.localdate()
    out: list[Tile] = []
    for provider in _visible(TILES, user):
        out += provider.func(user, today)
    return out


def queue_for(user, audience: str, today: datetime.date | None = None) -> list[QueueItem]:
    """The work waiting for `user` among the providers of `audience` ("department" or "school")."""
    today = today or timezone.localdate()
    out: list[QueueItem] = []
    for provider in _visible(QUEUE, user, audience):
        out += provider.func(user, today)
    return out
