"""The change log: every create/update/delete of registry data goes through these helpers.

Services call them explicitly (not signals) so that bulk imports and CLI commands are logged
exactly like web edits, with the acting user and request id from core.context.
"""

import datetime
import decimal
import uuid

from django.contrib.contenttypes.models import ContentType
from django.db import models

from . import context
from .models import ChangeAction, ChangeRecord


def _plain(value):
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    return value


def snapshot(obj) -> dict:
    """The concrete field values of obj, as JSON-ready plain values (foreign keys as ids)."""
    data = {}
    for f in obj._meta.concrete_fields:
        if f.primary_key or getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            continue
        data[f.attname] = _plain(getattr(obj, f.attname))
    return data


def diff(before: dict, after: dict) -> tuple[dict, dict]:
    """Only the fields that changed, on both sides."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def record(action, obj, before=None, after=None, ctx=None) -> ChangeRecord:
    """An unsaved ChangeRecord (for bulk_create) describing one change of obj."""
    ctx = ctx or context.current()
    user = ctx.user if getattr(ctx.user, "pk", None) else None
    return ChangeRecord(
        user=user,
        user_name=user.get_username() if user else ("控制台" if ctx.source == "cli" else "系统"),
        request_id=ctx.request_id,
        remote_addr=ctx.remote_addr,
        source=ctx.source,
        action=action,
        content_type=ContentType.objects.get_for_model(obj.__class__),
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        before=before,
        after=after,
    )


def _saved(rec):
    rec.save()
    return rec


def log_create(obj):
    return _saved(record(ChangeAction.CREATE, obj, after=snapshot(obj)))


def log_update(obj, before: dict):
    """Log the difference between `before` (a snapshot) and obj now; nothing if nothing changed."""
    old, new = diff(before, snapshot(obj))
    if new:
        return _saved(record(ChangeAction.UPDATE, obj, before=old, after=new))
    return None


def log_delete(obj, before: dict | None = None):
    return _saved(record(ChangeAction.DELETE, obj, before=before or snapshot(obj)))


def history(obj):
    """The change records of one object, newest first."""
    ct = ContentType.objects.get_for_model(obj.__class__)
    return ChangeRecord.objects.filter(content_type=ct, object_id=str(obj.pk)).select_related("user")


def create(obj):
    """Save a new object and log it."""
    obj.full_clean()
    obj.save()
    log_create(obj)
    return obj


def update(obj, before: dict):
    obj.full_clean()
    obj.save()
    log_update(obj, before)
    return obj


def delete(obj):
    """Delete obj and log it, with the rows the database's on_delete rules change along with it:
    one level of CASCADE deletions (a student's guardians) and SET_NULL detachments (a class's
    students), so the audit log shows everything a delete touched. Call inside a transaction: a
    PROTECT rule raises after the related rows were logged."""
    for rel in obj._meta.get_fields(include_hidden=True):
        if not rel.auto_created or rel.concrete or rel.many_to_many:
            continue
        if rel.on_delete not in (models.CASCADE, models.SET_NULL):
            continue
        for related in rel.related_model._base_manager.filter(**{rel.field.name: obj}).iterator():
            before = snapshot(related)
            if rel.on_delete is models.CASCADE:
                log_delete(related, before)
            else:
                setattr(related, rel.field.attname, None)
                related.save(update_fields=[rel.field.attname])
                log_update(related, before)
    log_delete(obj, snapshot(obj))
    obj.delete()
