"""The one way any module tells users something: `notify(users, kind, title, body, link, key)`.

    event → notify / send → Notification rows (once per recipient, kind and key; one INSERT … ON
    CONFLICT DO NOTHING for all recipients) → Delivery rows for the recipients who chose e-mail or SMS
    for that kind → each delivery claimed by a conditional UPDATE and sent; a failure is recorded and
    retried by `edubureau notify send-due` (up to MAX_ATTEMPTS), a success never sent again.

Modules call it after their own transaction commits (`later`), so a message can never roll back or
break the action it reports. Who receives what is decided by each module next to its rules
(`health/notices.py`, `workplan/notices.py`, `admissions/notices.py`); this module knows no domain.
"""

from __future__ import annotations

import datetime
import logging
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string

from edubureau.core.sms import send_sms

from .models import Channel, Delivery, Kind, Notification, NotificationPreference

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5  # a delivery failing this often stays failed (visible on the message) and is not retried
STUCK_AFTER = datetime.timedelta(minutes=10)  # a delivery left "sending" by a crashed process is retried
LATEST = 8  # messages in the bell's dropdown

# The reminders `edubureau notify send-due` computes: each a function (now) -> [(kind, [Message])],
# kept next to the rules of its module (like demo/services.EXTENSIONS).
DUE_SOURCES = [
    "edubureau.health.notices.due",
    "edubureau.workplan.notices.due",
]


@dataclass(frozen=True)
class Message:
    """One message to one recipient; `key` names the event (stored once per recipient, kind and key)."""

    recipient_id: int
    key: str
    title: str
    body: str = ""
    link: str = ""


def user_ids(users) -> list[int]:
    """Ids of `users`: a queryset of users, users, or ids (None ignored)."""
    if hasattr(users, "values_list"):
        return list(users.values_list("pk", flat=True))
    return [getattr(u, "pk", u) for u in users if u is not None]


def notify(users, kind: str, title: str, body: str = "", link: str = "", key: str = "") -> list[Message]:
    """Tell `users` of one event; the same (kind, key) again stores and sends nothing twice.
    Returns the messages newly stored."""
    if not key:
        raise ValueError("notify() needs the event's key")
    return send(kind, [Message(pk, key, title, body, link) for pk in user_ids(users)])


def send(kind: str, messages: Iterable[Message], *, dry_run: bool = False, now=None) -> list[Message]:
    """Store the messages of one kind that are not stored yet (per recipient and key) for active users,
    then deliver them by the channels each recipient chose for the kind. dry_run: store and send
    nothing, return what would be stored."""
    if kind not in Kind.values:
        raise ValueError(f"unknown notification kind {kind!r}")
    now = now or timezone.now()
    unique: dict[tuple[int, str], Message] = {}
    for m in messages:
        unique.setdefault((m.recipient_id, m.key), m)
    if not unique:
        return []
    ids = {pk for pk, _key in unique}
    keys = {key for _pk, key in unique}
    active = set(get_user_model().objects.filter(pk__in=ids, is_active=True).values_list("pk", flat=True))
    stored = set(
        Notification.objects.filter(kind=kind, recipient_id__in=ids, key__in=keys).values_list(
            "recipient_id", "key"
        )
    )
    new = [m for pair, m in unique.items() if pair[0] in active and pair not in stored]
    if dry_run or not new:
        return new
    with transaction.atomic():
        Notification.objects.bulk_create(
            [
                Notification(
                    recipient_id=m.recipient_id,
                    kind=kind,
                    key=m.key,
                    title=m.title[:200],
                    body=m.body,
                    link=m.link[:300],
                    created_at=now,
                )  # fmt: skip
                for m in new
            ],
            ignore_conflicts=True,  # a concurrent run stored some first: theirs stand
            batch_size=1000,
        )
        pending = _queue_deliveries(kind, new, now)
    if pending:
        deliver(Delivery.objects.filter(pk__in=pending))
    return new


def _queue_deliveries(kind: str, new: list[Message], now) -> list[int]:
    """Delivery rows (ignoring those that exist) for the recipients who chose e-mail or SMS for `kind`."""
    chosen = {
        user_id: (email, sms)
        for user_id, email, sms in NotificationPreference.objects.filter(
            kind=kind, user_id__in={m.recipient_id for m in new}
        )
        .filter(Q(email=True) | Q(sms=True))
        .values_list("user_id", "email", "sms")
    }
    if not chosen:
        return []
    addresses = {
        pk: (email, phone)
        for pk, email, phone in get_user_model()
        .objects.filter(pk__in=chosen)
        .values_list("pk", "email", "phone")
    }
    wanted = {(m.recipient_id, m.key) for m in new if m.recipient_id in chosen}
    rows = []
    for pk, user_id, key in Notification.objects.filter(
        kind=kind, recipient_id__in=chosen, key__in={k for _u, k in wanted}
    ).values_list("pk", "recipient_id", "key"):
        if (user_id, key) not in wanted:
            continue
        email, phone = addresses.get(user_id, ("", ""))
        for channel, on, address, missing in (
            (Channel.EMAIL, chosen[user_id][0], email, "用户未填写邮箱"),
            (Channel.SMS, chosen[user_id][1], phone, "用户未填写手机号"),
        ):
            if on:
                rows.append(
                    Delivery(
                        notification_id=pk,
                        channel=channel,
                        updated_at=now,
                        status=Delivery.Status.PENDING
                        if (address or "").strip()
                        else Delivery.Status.SKIPPED,
                        error="" if (address or "").strip() else missing,
                    )  # fmt: skip
                )
    Delivery.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    return list(
        Delivery.objects.filter(
            notification_id__in={r.notification_id for r in rows}, status=Delivery.Status.PENDING
        ).values_list("pk", flat=True)
    )


def _retryable(now) -> Q:
    return (
        Q(status=Delivery.Status.PENDING)
        | Q(status=Delivery.Status.FAILED, attempts__lt=MAX_ATTEMPTS)
        | Q(status=Delivery.Status.SENDING, updated_at__lt=now - STUCK_AFTER)
    )


def deliver(deliveries=None) -> Counter:
    """Send the deliveries (all by default) that are pending, failed fewer than MAX_ATTEMPTS times or
    stuck. Each is claimed by a conditional UPDATE first, so two runs never send one twice."""
    now = timezone.now()
    rows = (Delivery.objects.all() if deliveries is None else deliveries).filter(_retryable(now))
    counts = Counter()
    for delivery in rows.select_related("notification__recipient").order_by("pk"):
        claimed = (
            Delivery.objects.filter(pk=delivery.pk)
            .filter(_retryable(now))
            .update(status=Delivery.Status.SENDING, attempts=F("attempts") + 1, updated_at=timezone.now())
        )
        if not claimed:
            continue
        try:
            _send(delivery)
        except Exception as e:  # SMTP, network and gateway errors alike: recorded, retried next run
            log.warning("delivery %s (%s) failed: %s", delivery.pk, delivery.channel, e)
            Delivery.objects.filter(pk=delivery.pk).update(
                status=Delivery.Status.FAILED,
                error=str(e)[:300] or type(e).__name__,
                updated_at=timezone.now(),
            )
            counts["failed"] += 1
        else:
            Delivery.objects.filter(pk=delivery.pk).update(
                status=Delivery.Status.SENT, error="", sent_at=timezone.now(), updated_at=timezone.now()
            )
            counts["sent"] += 1
    return counts


def absolute(link: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{link}" if link and link.startswith("/") else link


def _send(delivery: Delivery) -> None:
    note = delivery.notification
    user = note.recipient
    if delivery.channel == Channel.EMAIL:
        lines = [note.body, absolute(note.link), "", "—— 区县教育局数字化工作台（系统自动发送，请勿回复）"]
        send_mail(
            f"[EduBureau] {note.title}", "\n".join(line for line in lines if line is not None),
            None, [user.email], fail_silently=False,
        )  # fmt: skip
    else:
        send_sms(user.phone, f"{note.title}。详情请登录工作台查看。")


def later(func: Callable, *args, **kwargs) -> None:
    """Call func(*args, **kwargs) once the current transaction commits (at once outside one). A failure
    is logged and never reaches the caller: no message is worth failing the action it reports."""

    def run():
        try:
            func(*args, **kwargs)
        except Exception:
            log.exception("notification %s failed", getattr(func, "__name__", func))

    transaction.on_commit(run)


# ---------------------------------------------------------------- reminders (edubureau notify send-due)


def due(now=None) -> list[tuple[str, list[Message]]]:
    """Every module's reminders as of `now`: [(kind, messages)]."""
    now = now or timezone.now()
    found = []
    for path in DUE_SOURCES:
        found.extend(import_string(path)(now))
    return found


def send_due(now=None, *, dry_run: bool = False) -> dict:
    """Send the reminders due now that were not sent before, and retry the failed deliveries."""
    now = now or timezone.now()
    result = {"new": [], "deliveries": Counter()}
    for kind, messages in due(now):
        result["new"].extend((kind, m) for m in send(kind, messages, dry_run=dry_run, now=now))
    if not dry_run:
        result["deliveries"] = deliver()
    return result


# ---------------------------------------------------------------- events of the domain-free core


IMPORT_TITLES = {"checked": "导入已校验（未写入）", "done": "导入完成", "failed": "导入失败"}


def import_finished(sender, job, **kwargs) -> None:
    """core.importing.import_finished: tell the user who started the import (none for the CLI's)."""
    if job.user_id and job.status in IMPORT_TITLES:
        later(
            notify, [job.user_id], Kind.IMPORT_FINISHED, f"{IMPORT_TITLES[job.status]}：{job.filename}",
            job.message, reverse("core:import_detail", args=[job.pk]), f"import:{job.pk}:{job.status}",
        )  # fmt: skip


# ---------------------------------------------------------------- the reader's side


def unread_count(user) -> int:
    return Notification.objects.for_user(user).unread().count()


def mark_read(user, notification: Notification) -> None:
    if notification.read_at is None and notification.recipient_id == user.pk:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )


def mark_all_read(user) -> int:
    return Notification.objects.for_user(user).unread().update(read_at=timezone.now())


def preferences_of(user) -> dict[str, tuple[bool, bool]]:
    """kind -> (email, sms) for every kind; in-app only where the user chose nothing."""
    stored = {
        kind: (email, sms)
        for kind, email, sms in NotificationPreference.objects.filter(user=user).values_list(
            "kind", "email", "sms"
        )
    }
    return {kind: stored.get(kind, (False, False)) for kind in Kind.values}


def save_preferences(user, choices: dict[str, tuple[bool, bool]]) -> None:
    """Store the user's channels per kind; a kind back to in-app only keeps no row."""
    choices = {kind: (bool(e), bool(s)) for kind, (e, s) in choices.items() if kind in Kind.values}
    with transaction.atomic():
        plain = [kind for kind, (email, sms) in choices.items() if not email and not sms]
        NotificationPreference.objects.filter(user=user, kind__in=plain).delete()
        NotificationPreference.objects.bulk_create(
            [
                NotificationPreference(user=user, kind=kind, email=email, sms=sms)
                for kind, (email, sms) in choices.items()
                if email or sms
            ],
            update_conflicts=True,
            unique_fields=["user", "kind"],
            update_fields=["email", "sms"],
        )
