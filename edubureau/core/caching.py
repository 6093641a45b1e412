"""Values computed from the database that every server process agrees on.

A process keeps such values in its own memory (reading them back from a shared cache on every
request would cost more than it saves: the class registry of a district is large), under a *stamp*
kept in Django's shared cache (settings.CACHES: a table of the same database, so every process reads
the same stamp on SQLite and PostgreSQL alike, with no server to run). Each use reads the stamp, one
small indexed query, and the values are computed again when it differs from the stamp they were
computed under. A change sets the stamp to a new random token from a post_save/post_delete receiver;
the receiver runs inside the saving transaction and the database cache writes through the same
connection, so the new stamp commits or rolls back with the change. A random token rather than a
counter: a stamp culled from the cache is replaced by a new one (the values are computed again), never
by one a process already holds (which would keep stale values).

    memory = StampedMemory("health", depends_on=(School, SchoolClass))
    memory.get("classes", load_classes)        # one stamp read, then from memory or computed

    @memory.pinned()                           # one stamp read for all the values one call uses
    def submit(...): ...

Writes that send no signal (`core.importing.insert_rows`/`update_rows`) call `written(model)`; values
are also computed again after `max_age` seconds, which bounds what a write doing neither can leave.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterable

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS
from django.db.models.signals import post_delete, post_save

log = logging.getLogger(__name__)

_DEPENDENTS: dict[type, set[str]] = {}  # model → names of the stamps its changes renew


def _key(name: str) -> str:
    return f"stamp:{name}"


def read_stamp(name: str) -> str:
    """The current stamp of `name`; a missing one (never set, or culled) is replaced by a new token."""
    key = _key(name)
    stamp = cache.get(key)
    if stamp is None:
        stamp = uuid.uuid4().hex
        if not cache.add(key, stamp, timeout=None):  # another process set one first
            stamp = cache.get(key) or stamp
    return stamp


def bump(name: str) -> str:
    """Give `name` a new stamp, in the current transaction (if any): every process's values under
    the old stamp are computed again at their next use."""
    key, stamp = _key(name), uuid.uuid4().hex
    for _attempt in range(2):
        # The database cache ignores a failed write: two transactions inserting a culled key at
        # once leave the second one's stamp unwritten. It then exists, and the second try updates it.
        cache.set(key, stamp, timeout=None)
        if cache.get(key) == stamp:
            return stamp
    log.warning("could not renew the cache stamp %r: other processes may keep old values", name)
    return stamp


def written(model: type) -> None:
    """Rows of `model` were written without signals (bulk statements): renew the stamps depending on it."""
    for name in sorted(_DEPENDENTS.get(model, ())):
        bump(name)


class StampedMemory:
    """Values remembered in this process while the shared stamp `name` stays the same (and for at
    most `max_age` seconds); saving or deleting a row of a `depends_on` model renews the stamp."""

    def __init__(self, name: str, *, depends_on: Iterable[type] = (), max_age: float = 60.0):
        self.name = name
        self.max_age = max_age
        self._lock = threading.Lock()
        self._stamp: str | None = None
        self._since = 0.0
        self._values: dict = {}
        self._pin = threading.local()
        for model in depends_on:
            self.depends_on(model)

    def depends_on(self, model: type) -> None:
        _DEPENDENTS.setdefault(model, set()).add(self.name)
        uid = f"stamp-{self.name}-{model._meta.label}"
        post_save.connect(self.changed, sender=model, weak=False, dispatch_uid=f"{uid}-save")
        post_delete.connect(self.changed, sender=model, weak=False, dispatch_uid=f"{uid}-delete")

    def changed(self, *_args, **_kwargs) -> None:
        """Signal receiver: a row the values depend on changed."""
        bump(self.name)

    def stamp(self) -> str:
        pinned = getattr(self._pin, "stamp", None)
        return pinned if pinned is not None else read_stamp(self.name)

    @contextlib.contextmanager
    def pinned(self):
        """Within the block (or the decorated call) this thread reads the stamp once, on entry."""
        if getattr(self._pin, "stamp", None) is not None:  # already pinned by an outer call
            yield
            return
        self._pin.stamp = read_stamp(self.name)
        try:
            yield
        finally:
            self._pin.stamp = None

    def get(self, key, compute: Callable[[], object]):
        stamp = self.stamp()
        now = time.monotonic()
        with self._lock:
            if stamp != self._stamp or now - self._since > self.max_age:
                self._stamp, self._since, self._values = stamp, now, {}
            values = self._values
            if key in values:
                return values[key]
        value = compute()
        with self._lock:
            if self._values is values:  # not renewed meanwhile by another thread
                values[key] = value
        return value

    def forget(self) -> None:
        """Drop this process's values (the shared stamp stays): the next use computes them again."""
        with self._lock:
            self._stamp, self._values = None, {}


def create_cache_tables(using=DEFAULT_DB_ALIAS, **_kwargs) -> None:
    """post_migrate: `edubureau migrate` alone creates the database cache's table (if missing)."""
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=0)
