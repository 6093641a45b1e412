"""Small helpers shared by the admissions pages."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from edubureau.core.scope import scope_of


def refuse_unless(view, action) -> None:
    """403 when the role may not do this in the admissions module at all (out-of-scope rows stay 404)."""
    if not view.module_allows(action):
        raise PermissionDenied(_("您没有该操作的权限。"))


def bureau_only(request) -> None:
    """Campaigns, stages and lotteries are run by the bureau (district-level users)."""
    if not scope_of(request.user).all_units:
        raise PermissionDenied(_("只有教育局用户可以进行此操作。"))
