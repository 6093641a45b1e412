"""Who may see and change which rows: the one place where scope is applied to queries.

Every scoped model uses ScopedQuerySet and declares
  scope_module: the module a department must be granted ("org", "students", ...)
  scope_path:   the lookup from the model to the school it belongs to ("pk", "school", ...); None for
                rows of the whole district, which everyone holding the module reads
  scope_bureau_writes (optional, False): rows only district-level users (all units) may add, change
                or delete — the calendar, campaigns, 学区 — while school users read them
  scope_class_path (optional): the lookup to its class ("pk", "school_class", ...), for users bound
                to classes (a 班主任): in their class-bound modules they see only rows of their classes,
                and a model without a class path not at all.
The user object answers `get_scope()` with a Scope (built by accounts.roles); core never
imports accounts, so the layers only point down.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

VIEW, ADD, CHANGE, DELETE, IMPORT, EXPORT = "view", "add", "change", "delete", "import", "export"
WRITE_ACTIONS = (ADD, CHANGE, DELETE, IMPORT)
READ_ACTIONS = (VIEW, EXPORT)
# What a refusal says (403), in one wording for pages and the API.
DENIED = {
    VIEW: _("您没有查看该数据的权限。"),
    ADD: _("您没有新增该数据的权限。"),
    CHANGE: _("您没有修改该数据的权限。"),
    DELETE: _("您没有删除该数据的权限。"),
    IMPORT: _("您没有导入该数据的权限。"),
    EXPORT: _("您没有导出该数据的权限。"),
}
ANY_MODULE = "*"


@dataclass(frozen=True)
class Scope:
    all_units: bool = False
    school_ids: frozenset = frozenset()
    # module -> actions allowed in it; a module that is absent is not visible at all
    grants: tuple = ()
    can_unmask: bool = False
    # A user bound to classes (班主任): in `class_modules` only rows of `class_ids`; None = not bound.
    class_ids: frozenset | None = None
    class_modules: frozenset = frozenset()

    def allows(self, module: str, action: str = VIEW) -> bool:
        """May the user do `action` in `module` (ANY_MODULE: in at least one module)?"""
        return any(module in (m, ANY_MODULE) and action in actions for m, actions in self.grants)

    def bureau_may(self, module: str, action: str) -> bool:
        """The district-wide write rule: a district-level user (all units) granted the action."""
        return self.all_units and self.allows(module, action)

    def permits(self, model, action: str = VIEW) -> bool:
        """May the user do `action` on rows of `model` at all (before looking at which rows)?

        The one rule of roles and actions: the role's grant of the action in the model's module, and
        for rows the bureau writes (`scope_bureau_writes`) the district-wide write rule for writes.
        Views answer 403 when this is False and 404 for a row outside the user's units."""
        if action not in READ_ACTIONS and getattr(model, "scope_bureau_writes", False):
            return self.bureau_may(model.scope_module, action)
        return self.allows(model.scope_module, action)

    def in_units(self, queryset, path: str | None = None):
        """`queryset` narrowed to the user's units whatever the module (the schools a user works on, the
        choices of a related school); `path` is the lookup to the school, by default the model's."""
        if self.all_units:
            return queryset
        model = queryset.model
        rows = queryset.filter(**{f"{path or getattr(model, 'scope_path', 'pk')}__in": self.school_ids})
        return rows.distinct() if getattr(model, "scope_distinct", False) and path is None else rows

    def covers_school(self, school_id) -> bool:
        return self.all_units or school_id in self.school_ids

    def class_bound(self, module: str) -> bool:
        """Is the user limited to their own classes in `module`?"""
        return self.class_ids is not None and module in self.class_modules

    def covers_class(self, module: str, school_id, class_id) -> bool:
        """May the user work on this class (of this school) in `module`?"""
        if not self.covers_school(school_id):
            return False
        return not self.class_bound(module) or class_id in self.class_ids


NOBODY = Scope()


def scope_of(user) -> Scope:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOBODY
    return user.get_scope()


class ScopedQuerySet(models.QuerySet):
    def for_user(self, user, action: str = VIEW):
        """The rows `user` may see (action=view) or act on (add/change/delete/import/export)."""
        scope = scope_of(user)
        if not scope.permits(self.model, action):
            return self.none()
        return self.narrow(scope, user, action)

    def narrow(self, scope: Scope, user, action: str = VIEW):
        """The rows of the user's units (and classes). A model scoped through other relations (a
        department's tasks, the applications naming a school) overrides this, never for_user."""
        model = self.model
        if scope.all_units or getattr(model, "scope_path", None) is None:
            return self
        rows = self.filter(**{f"{model.scope_path}__in": scope.school_ids})
        if scope.class_bound(model.scope_module):
            class_path = getattr(model, "scope_class_path", None)
            if class_path is None:
                return self.none()  # a school-wide row (the staff's report) is not a class teacher's
            rows = rows.filter(**{f"{class_path}__in": scope.class_ids})
        # a path through a one-to-many relation (a zone's schools) would repeat rows
        return rows.distinct() if getattr(model, "scope_distinct", False) else rows


def can(user, module: str, action: str = VIEW) -> bool:
    return scope_of(user).allows(module, action)
