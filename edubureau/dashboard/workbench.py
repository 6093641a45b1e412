"""科室 workbench: the department's own queue (what waits for it, with counts and deadlines), then the
tiles of the modules it holds."""

from __future__ import annotations

import datetime

from .cockpit import grouped
from .registry import queue_for, tiles_for


def context(user, today: datetime.date) -> dict:
    queue = queue_for(user, "department", today)
    queue.sort(key=lambda q: (q.deadline is None, q.deadline or today, q.key))
    return {
        "department": user.department,
        "queue": queue,
        "groups": grouped(tiles_for(user, today)),
    }
