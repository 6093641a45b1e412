"""招生入学: the models, one module per part of the process (imported here so Django finds them)."""

# Each module below adds its `from .<module> import *` line when it has models.
from .campaign import *  # noqa
from .applications import *  # noqa
from .draws import *  # noqa
from .catchment import *  # noqa
from .allocation import *  # noqa
