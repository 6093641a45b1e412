"""Who is acting, from where, in which request: read by the change log.

A context variable, not a thread-local, so the same code works for web requests, API calls,
CLI commands and background import threads (each sets its own context).
"""

import contextlib
import contextvars
import uuid
from dataclasses import dataclass, field


@dataclass
class ChangeContext:
    user: object = None
    remote_addr: str | None = None
    source: str = "web"  # web / api / cli / import / system
    request_id: uuid.UUID = field(default_factory=uuid.uuid4)


_current = contextvars.ContextVar("edubureau_change_context", default=None)


def current() -> ChangeContext:
    ctx = _current.get()
    return ctx if ctx is not None else ChangeContext(source="system")


@contextlib.contextmanager
def acting(user=None, source="system", remote_addr=None, request_id=None):
    """Run a block as `user` (None for the operator at the console)."""
    ctx = ChangeContext(user=user, remote_addr=remote_addr, source=source, request_id=request_id or uuid.uuid4())
    token = _current.set(ctx)
    try:
        yield ctx
    finally:
        _current.reset(token)


def set_user(user, source=None):
    """Token-authenticated API requests learn their user after the middleware ran."""
    ctx = _current.get()
    if ctx is not None:
        ctx.user = user
        if source:
            ctx.source = source
