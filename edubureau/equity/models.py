"""优质均衡: the models."""

from django.db import models  # noqa: F401
