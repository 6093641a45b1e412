"""The admissions imports, registered with the core pipeline (core.importing autodiscovers this package):
registrations (报名信息) and the 对口/划片 rules."""

from .applications import ApplicationImporter  # noqa: F401
from .catchment import CatchmentRuleImporter  # noqa: F401
