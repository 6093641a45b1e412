"""Columns of list pages and exports: one definition serves the HTML table and the .xlsx file."""

from dataclasses import dataclass

from django.utils.translation import gettext

from .masking import mask


@dataclass(frozen=True)
class Column:
    path: str  # attribute path on the object, e.g. "school.name"; a choice field shows its label
    label: str
    sort: str | None = None  # the order_by key; None = not sortable
    mask: str | None = None  # "id_number" / "phone" / "address" for sensitive values
    link: bool = False  # the cell links to the object's page

    def raw(self, obj):
        value = obj
        for part in self.path.split("."):
            if value is None:
                return ""
            display = getattr(value, f"get_{part}_display", None)
            value = display() if display else getattr(value, part)
            if callable(value):
                value = value()
        return "" if value is None else value

    def value(self, obj, unmasked=False):
        value = self.raw(obj)
        if isinstance(value, bool):
            return gettext("是") if value else gettext("否")
        if self.mask:
            return mask(str(value), self.mask, unmasked)
        return value


def rows(columns, objects, unmasked=False):
    for obj in objects:
        yield [c.value(obj, unmasked) for c in columns]
