"""Small display helpers of the workplan pages."""

from django import template

register = template.Library()

STATUS_BADGES = {
    "未启动": "bg-secondary-lt",
    "推进中": "bg-blue-lt",
    "已完成": "bg-green-lt",
    "延缓": "bg-orange-lt",
    "取消": "bg-dark-lt",
}


@register.filter
def status_badge(status: str) -> str:
    """The badge class of a task status."""
    return STATUS_BADGES.get(status, "bg-secondary-lt")


@register.filter
def number(value) -> str:
    """A Decimal without trailing zeros: 41.00 → 41, 99.96 → 99.96."""
    if value is None or value == "":
        return "—"
    try:
        return f"{value.normalize():f}"
    except AttributeError:
        return str(value)
