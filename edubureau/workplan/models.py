"""工作要点与重点项目: the models."""

from django.db import models  # noqa: F401
