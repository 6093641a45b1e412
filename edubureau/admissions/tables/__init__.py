"""Columns of the admissions list pages (the same definitions write their .xlsx exports), one module per
part of the process."""

from .allocation import (  # noqa: F401
    ALLOCATION_RUN_COLUMNS,
    APPEAL_COLUMNS,
    PLACEMENT_COLUMNS,
)
from .applications import (  # noqa: F401
    APPLICATION_COLUMNS,
    APPLICATION_EXPORT_COLUMNS,
)
from .campaigns import (  # noqa: F401
    CAMPAIGN_COLUMNS,
    PLAN_COLUMNS,
)
from .catchment import (  # noqa: F401
    CATCHMENT_GROUP_COLUMNS,
    CATCHMENT_RULE_COLUMNS,
    SCHOOL_LOCATION_COLUMNS,
)
from .draws import (  # noqa: F401
    DRAW_COLUMNS,
)
