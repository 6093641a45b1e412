"""Demo messages: what the message centre would hold had the demo's events happened through the
services (the demo writes alerts in bulk, bypassing them): the new alerts of the last two weeks that are
still open, and the reminders `edubureau notify send-due` finds as of now.

Built last (after the work plan), by the same rules the live system uses (health.notices,
notifications.services.send_due), so the bell of each demo user shows what would be theirs.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from edubureau.health import notices as health_notices
from edubureau.health.models import OPEN_ALERT_STATUSES, Alert

from .models import Delivery, Notification
from .services import send_due

RECENT_DAYS = 14


def build(seed: int, scale: str, progress=None) -> dict[str, int]:
    since = timezone.now() - datetime.timedelta(days=RECENT_DAYS)
    alerts = Alert.objects.filter(status__in=OPEN_ALERT_STATUSES, created_at__gte=since).select_related(
        "school", "school_class", "rule"
    )
    for alert in alerts:
        health_notices.alert_created(alert)
    send_due()
    return {"消息": Notification.objects.count()}


def wipe() -> None:
    Delivery.objects.all().delete()
    Notification.objects.all().delete()
