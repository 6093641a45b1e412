"""Forms of the admissions pages, one module per part of the process, as models/, services/ and views/."""

from .allocation import (  # noqa: F401
    AnswerForm,
    AppealForm,
    RunForm,
)
from .applications import (  # noqa: F401
    GUARDIANS,
    ApplicationForm,
    VerifyForm,
    add_service_errors,
)
from .campaigns import (  # noqa: F401
    DATE,
    CampaignChoiceForm,
    CampaignForm,
    PlanForm,
    StageForm,
    TiersForm,
)
from .catchment import (  # noqa: F401
    CatchmentGroupForm,
    CatchmentRuleForm,
    CheckForm,
    LookupForm,
    SchoolLocationForm,
)
from .draws import (  # noqa: F401
    SeedForm,
)
