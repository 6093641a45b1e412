from django import template

register = template.Library()


@register.filter
def pct(value, digits=1):
    """A fraction as a percentage: 0.0234 → 2.3%; empty for None."""
    if value is None or value == "":
        return ""
    return f"{float(value) * 100:.{int(digits)}f}%"
