"""One FilterSet per admissions model, shared by the list pages, their .xlsx exports and the API; one
module per part of the process, as models/, services/ and views/. Related objects filter by natural keys
(school = 学校标识码, campaign year) as well as by ids."""

from .allocation import (  # noqa: F401
    AllocationRunFilterSet,
    AppealFilterSet,
    PlacementFilterSet,
)
from .applications import (  # noqa: F401
    ApplicationFilterSet,
)
from .campaigns import (  # noqa: F401
    CampaignFilterSet,
    SchoolPlanFilterSet,
    campaign_filter,
)
from .catchment import (  # noqa: F401
    CatchmentGroupFilterSet,
    CatchmentRuleFilterSet,
    SchoolLocationFilterSet,
)
from .draws import (  # noqa: F401
    DrawFilterSet,
)
