"""Shared pieces of the 优质均衡 monitoring pages: the year chosen, the schools the user may see."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from django.views import View

from edubureau.core.scope import VIEW, scope_of
from edubureau.org.models import School
from edubureau.people.models import SchoolYear


def chosen_year(request) -> SchoolYear:
    """?year=2025 (start year), else the current school year; 404 for a year that does not exist."""
    value = request.GET.get("year", "")
    if value:
        try:
            year = SchoolYear.objects.filter(start_year=int(value)).first()
        except ValueError:
            year = None
        if year is None:
            raise Http404(_("没有该学年。"))
        return year
    year = SchoolYear.current()
    if year is None:
        raise Http404(_("系统中还没有学年，请先在“学年与校历”中创建学年。"))
    return year


def visible_schools(user):
    """None for district-level users (every school), else a queryset of the user's schools."""
    scope = scope_of(user)
    return None if scope.all_units else scope.in_units(School.objects.all())


class EquityPage(LoginRequiredMixin, View):
    """A page of the module: 403 without the module; `self.year` and `self.schools` set."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            if not scope_of(request.user).allows("equity", VIEW):
                raise PermissionDenied(_("您没有查看优质均衡的权限。"))
        return super().dispatch(request, *args, **kwargs)

    def setup_page(self, request):
        self.year = chosen_year(request)
        self.schools = visible_schools(request.user)
        self.all_units = self.schools is None

    def year_choices(self):
        return [(y.start_year, str(y)) for y in SchoolYear.objects.order_by("-start_year")]
