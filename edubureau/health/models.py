"""师生健康日报: the models."""

from django.db import models  # noqa: F401
