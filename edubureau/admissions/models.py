"""招生入学: the models."""

from django.db import models  # noqa: F401
