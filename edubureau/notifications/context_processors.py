from .services import unread_count


def unread(request):
    """The bell's unread count, counted only when a page shows it (one COUNT on a partial index)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": lambda: unread_count(user)}
