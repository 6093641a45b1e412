"""Which sensitive fields a user sees in full, on every surface, and the access record of each
unmasked read. Masking itself is in core.idcodes.

- `mask(value, kind, unmasked)`: one value for a page, an export or the API.
- `unmask_requested(request)`: the user asked (?unmask=1) and may.
- `log_unmask(request, what, rows)`: the AccessRecord of a read that showed full values (kind UNMASK,
  unmasked=True, who, what and the path); every unmasked page, form and endpoint writes one.
- `MaskedFormMixin`: edit forms, which show stored values masked and keep them when posted back.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import idcodes
from .scope import scope_of

MASKERS = {
    "id_number": idcodes.mask_id,
    "phone": idcodes.mask_phone,
    "address": idcodes.mask_address,
}

KEEP_HINT = _("留空表示不修改")


def mask(value, kind: str, unmasked: bool = False) -> str:
    if not value or unmasked:
        return value or ""
    return MASKERS[kind](value)


def may_unmask(user) -> bool:
    return scope_of(user).can_unmask


def unmask_requested(request) -> bool:
    """The user asked for full values (?unmask=1) and holds the right to see them."""
    return request.GET.get("unmask") == "1" and may_unmask(request.user)


def log_access(request, kind, what, count=0, unmasked=False):
    """An AccessRecord of this request's user. An UNMASK record always says it showed full values."""
    from .models import AccessRecord

    AccessRecord.objects.create(
        user=request.user,
        user_name=request.user.get_username(),
        remote_addr=request.META.get("REMOTE_ADDR"),
        kind=kind,
        what=what[:300],
        rows=count,
        unmasked=unmasked or kind == AccessRecord.Kind.UNMASK,
    )


def log_unmask(request, what, rows=1):
    """Record that this request showed full sensitive values: who, what, how many rows, and where
    (“学生：张三（GET /people/students/3/?unmask=1）”)."""
    from .models import AccessRecord

    where = f"（{request.method} {request.get_full_path()}）"
    log_access(request, AccessRecord.Kind.UNMASK, f"{what}"[: 300 - len(where)] + where, rows, True)


class MaskedFormMixin:
    """For an edit form (a ModelForm, before it in the bases): a stored sensitive value never reaches
    the page unless the form is `unmasked` (the user may unmask and asked to).

    The sensitive fields are the model's `sensitive_fields` that are fields of the form; a form adds
    others (values of related rows) with `mask_field(name, kind, stored)` once it has made the field.
    For each one that holds a stored value, a masked form
      - renders the input empty, with the masked value as placeholder and “留空表示不修改” as help;
      - on POST, takes an empty value or the masked value itself as “unchanged”: the field, clean(),
        and the saved instance all get the stored value (`kept` names these fields); any other value
        replaces it and is validated as usual;
      - never shows a stored value in an error message (it is replaced by its masked form).
    `has_sensitive`: the form holds stored sensitive values (so the page offers 查看完整信息).
    """

    def __init__(self, *args, unmasked=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.unmasked = unmasked
        self.stored = {}  # form field -> (stored value, masked value)
        self.kept = set()
        instance = getattr(self, "instance", None)
        if instance is not None and instance.pk is not None:
            for name, kind in getattr(instance, "sensitive_fields", {}).items():
                self.mask_field(name, kind, getattr(instance, name, ""))

    @property
    def has_sensitive(self) -> bool:
        return bool(self.stored)

    def mask_field(self, name, kind, stored):
        if not stored or name not in self.fields:
            return
        masked = mask(str(stored), kind)
        self.stored[name] = (str(stored), masked)
        if self.unmasked:
            return
        field = self.fields[name]
        self.initial[name] = ""
        field.widget.attrs["placeholder"] = masked
        field.help_text = KEEP_HINT
        clean = field.clean

        def keep_unless_typed(value, name=name):
            text = "" if value is None else str(value).strip()
            if text in ("", masked):
                self.kept.add(name)
                value = stored
            return clean(value)

        field.clean = keep_unless_typed

    def add_error(self, field, error):
        super().add_error(field, error)
        if not self.unmasked and self.stored:
            for errors in self._errors.values():
                errors.data[:] = [self._without_stored(e) for e in errors.data]

    def _without_stored(self, error):
        texts = error.messages if isinstance(error, ValidationError) else [str(error)]
        text = " ".join(str(t) for t in texts)
        cleaned = text
        for stored, masked in self.stored.values():
            cleaned = cleaned.replace(stored, masked)
        if cleaned == text:
            return error
        return ValidationError(cleaned, code=getattr(error, "code", None))


def form_unmask_context(request, form, title, obj) -> dict:
    """The edit page's unmask toggle; writes the access record when the form shows full values."""
    unmasked = getattr(form, "unmasked", False)
    has_sensitive = getattr(form, "has_sensitive", False)
    if unmasked and has_sensitive:
        log_unmask(request, f"{title}：{obj}", 1)
    return {"unmasked": unmasked, "has_sensitive": has_sensitive, "can_unmask": may_unmask(request.user)}


def detail_rows(obj, names, unmasked: bool) -> list[tuple]:
    """(label, value) rows of a detail page: choices by their labels, yes/no in words, empty as —, and
    the model's `sensitive_fields` masked unless unmasked."""
    sensitive = getattr(obj, "sensitive_fields", {})
    rows = []
    for name in names:
        field = obj._meta.get_field(name)
        display = getattr(obj, f"get_{name}_display", None)
        value = display() if display else getattr(obj, name)
        if isinstance(value, bool):
            value = gettext("是") if value else gettext("否")
        if name in sensitive:
            value = mask(value, sensitive[name], unmasked)
        rows.append((field.verbose_name, value if value not in (None, "") else "—"))
    return rows
