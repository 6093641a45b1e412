"""局领导 cockpit (教育数据驾驶舱): every module's key figures as tiles, grouped by module, and the map.
The administrator sees the same, with the work waiting for its own steps on top."""

from __future__ import annotations

import datetime

from . import schoolmap
from .registry import Tile, queue_for, tiles_for


def grouped(tiles: list[Tile]) -> list[tuple[str, list[Tile]]]:
    """Tiles under their module's heading, in the registry's order."""
    groups: dict[str, list[Tile]] = {}
    for t in tiles:
        groups.setdefault(t.group, []).append(t)
    return list(groups.items())


def context(
    user, today: datetime.date, indicator_key: str | None = None, *, with_queue: bool = False
) -> dict:
    """The tiles and the map; `with_queue`: the administrator's own work on top (a leader has no steps)."""
    indicator = schoolmap.chosen(user, indicator_key)
    collection = schoolmap.feature_collection(user, indicator, today)
    return {
        "groups": grouped(tiles_for(user, today)),
        "queue": queue_for(user, "department", today) if with_queue else [],
        "map_indicators": schoolmap.indicators_for(user),
        "map_indicator": indicator,
        "map_options": schoolmap.chart_options(collection) if collection["features"] else None,
        "map_schools": len(collection["features"]),
    }
