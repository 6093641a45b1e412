"""The API's base classes: every app's viewsets and serializers are thin subclasses of these.

Like core.views for pages: scope comes from `Model.objects.for_user(user, action)`, writes are
logged through core.changelog inside one transaction and re-checked against the scope before
the transaction commits, sensitive fields are masked unless the user may and asks to see them.
"""

import contextlib
import functools

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, RestrictedError
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.validators import UniqueValidator

from . import changelog, context
from .masking import log_unmask, mask, unmask_requested
from .scope import ADD, CHANGE, DELETE, DENIED, VIEW, scope_of

ACTION_BY_METHOD = {"POST": ADD, "PUT": CHANGE, "PATCH": CHANGE, "DELETE": DELETE}

UNMASK_PARAMETER = OpenApiParameter(
    "unmask",
    int,
    enum=[1],
    description="1 = 返回完整的敏感字段（需“可查看完整敏感信息”权限；每次访问都会记录）",
)
CONFLICT_RESPONSE = OpenApiResponse(
    inline_serializer(
        "Conflict", {"detail": serializers.CharField(), "existing": serializers.URLField(required=False)}
    ),
    description="同一自然键（如证件号码、学校标识码）的数据已存在：不会重复创建；`existing` 是已有记录的地址（在您的范围内时）。",
)


def request_action(request) -> str:
    return ACTION_BY_METHOD.get(request.method, VIEW)


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "与已有数据冲突。"
    default_code = "conflict"


class Pagination(LimitOffsetPagination):
    max_limit = 1000


class ScopePermission(BasePermission):
    """403 when the user may not do this action on the model at all (core.scope.Scope.permits);
    objects outside the user's units are simply not in the viewset's queryset (404)."""

    message = DENIED[VIEW]

    def has_permission(self, request, view):
        action = request_action(request)
        self.message = DENIED[action]
        return scope_of(request.user).permits(view.queryset.model, action)


class ScopedRelatedFieldMixin:
    """Offer only related objects in the user's units (whatever the module: a clerk who may add
    students needs their own school as a choice without holding the org module)."""

    def get_queryset(self):
        queryset = super().get_queryset()
        request = self.context.get("request")
        return scope_of(getattr(request, "user", None)).in_units(queryset)


class NaturalKeyField(serializers.SlugRelatedField):
    """A related object by a natural key (a district by its code, a school year by its start year)."""

    def to_internal_value(self, data):
        # PostgreSQL refuses NUL in a query parameter with a server error; CharField refuses it too.
        if isinstance(data, str) and "\x00" in data:
            self.fail("invalid")
        return super().to_internal_value(data)


class ScopedSlugRelatedField(ScopedRelatedFieldMixin, NaturalKeyField):
    """A related object by its natural key (a school by its 学校标识码), within the user's units."""


class ScopedPrimaryKeyRelatedField(ScopedRelatedFieldMixin, serializers.PrimaryKeyRelatedField):
    pass


class MaskedFieldsMixin:
    """Mask `sensitive_fields` (field -> mask kind; by default the model's) in the output unless
    the view decided the request is unmasked (`context["unmasked"]`). What it shows in full it counts
    in `context["shown_unmasked"]`, so that the view writes the access record (nested serializers too).

    A masked value sent back unchanged (GET, edit another field, PUT) means "keep what is there",
    so a client that never sees full ID numbers can still PUT a whole record.
    """

    sensitive_fields = None

    def get_sensitive_fields(self) -> dict:
        if self.sensitive_fields is not None:
            return self.sensitive_fields
        return getattr(self.Meta.model, "sensitive_fields", {})

    def to_representation(self, instance):
        data = super().to_representation(instance)
        sensitive = [(field, kind) for field, kind in self.get_sensitive_fields().items() if data.get(field)]
        if not self.context.get("unmasked"):
            for field, kind in sensitive:
                data[field] = mask(str(data[field]), kind)
        elif sensitive and "shown_unmasked" in self.context:
            self.context["shown_unmasked"].append(instance.pk)
        return data

    def to_internal_value(self, data):
        instance = self.instance
        if instance is not None and hasattr(instance, "pk") and hasattr(data, "items"):
            data = dict(data.items())
            for field, kind in self.get_sensitive_fields().items():
                current = getattr(instance, field, "")
                if current and field in data and data[field] == mask(current, kind) != current:
                    data[field] = current
        return super().to_internal_value(data)


def django_errors(error: DjangoValidationError, field: str = "non_field_errors") -> dict:
    """A Django ValidationError (from full_clean or a service) as DRF's field-keyed error dict;
    a message without a field goes under `field`."""
    if not hasattr(error, "error_dict"):
        return {field: error.messages}
    return {
        "non_field_errors" if name == NON_FIELD_ERRORS else name: messages
        for name, messages in error.message_dict.items()
    }


class ScopedModelSerializer(serializers.ModelSerializer):
    """Saves through the model's own validation (full_clean: field validators, named constraints
    with their Chinese messages), so the API can never store what a form would refuse, and logs
    every save through core.changelog.

    Uniqueness is left to full_clean and to the viewset's natural-key check (409), not to DRF's
    generated validators, whose messages are English and which would answer 400 to a duplicate.
    """

    def get_unique_together_constraints(self, model):
        return iter(())

    def build_standard_field(self, field_name, model_field):
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        if "validators" in kwargs:
            kwargs["validators"] = [v for v in kwargs["validators"] if not isinstance(v, UniqueValidator)]
        return field_class, kwargs

    def create(self, validated_data):
        instance = self.Meta.model(**validated_data)
        self.full_clean(instance)
        self.save_new(instance)
        return instance

    def update(self, instance, validated_data):
        before = changelog.snapshot(instance)
        for name, value in validated_data.items():
            setattr(instance, name, value)
        self.full_clean(instance)
        self.save_existing(instance, before)
        return instance

    # A model whose writes have rules (a student's 入学) overrides these to call its services.
    def save_new(self, instance):
        instance.save()
        changelog.log_create(instance)

    def save_existing(self, instance, before):
        instance.save()
        changelog.log_update(instance, before)

    def full_clean(self, instance):
        try:
            instance.full_clean()
        except DjangoValidationError as e:
            raise serializers.ValidationError(django_errors(e)) from e


@contextlib.contextmanager
def writing():
    """One transaction per write; a lost race on a unique key becomes 409, not a server error."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError as e:
        raise Conflict("与已有数据冲突（可能刚被他人新建或修改），请刷新后重试。") from e


class ScopedViewSetMixin:
    """Scope, permission, masking and the change-log user for any viewset of a scoped model.

    queryset: Model.objects (with select_related); narrowed per request by for_user(user, action),
    the action following the HTTP method (GET view, POST add, PUT/PATCH change, DELETE delete).
    """

    permission_classes = [IsAuthenticated, ScopePermission]
    pagination_class = Pagination

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # Token authentication happens here, after the middleware set up the change context.
        if request.user.is_authenticated:
            context.set_user(request.user, "api")

    def get_queryset(self):
        # .all(): for_user may return the queryset itself, and the class attribute must not cache rows.
        return self.queryset.all().for_user(self.request.user, request_action(self.request))

    @property
    def unmasked(self) -> bool:
        return unmask_requested(self.request)

    @functools.cached_property
    def shown_unmasked(self) -> list:
        """Pks of the objects whose sensitive fields this response shows in full (see MaskedFieldsMixin)."""
        return []

    def get_serializer_context(self):
        context = super().get_serializer_context()
        return {**context, "unmasked": self.unmasked, "shown_unmasked": self.shown_unmasked}

    def finalize_response(self, request, response, *args, **kwargs):
        """Every response that shows full sensitive values is in the access log (core.masking.log_unmask):
        those of a model with `sensitive_fields`, and those whose serializers (nested ones too) showed any."""
        response = super().finalize_response(request, response, *args, **kwargs)
        model = self.queryset.model
        if response.status_code < 400 and self.unmasked:
            if getattr(model, "sensitive_fields", None) or self.shown_unmasked:
                data = response.data if isinstance(response.data, dict) else {}
                rows = len(data["results"]) if "results" in data else 1
                log_unmask(request, f"{model._meta.verbose_name_plural} API", rows)
        return response


class ScopedReadOnlyModelViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass


class ScopedModelViewSet(ScopedViewSetMixin, viewsets.ModelViewSet):
    """CRUD for one scoped model.

    natural_key:      fields that identify a row outside the database (("code",), ("id_type", "id_number")):
                      a POST of a row whose key already exists answers 409 with the existing row's URL
                      instead of creating a duplicate, so a client may safely retry a create.
    detail_view_name: the router name of the detail route, for those URLs.
    """

    natural_key = ()
    detail_view_name = None
    # When the row with that key is outside the user's scope, the 409 says only that the key cannot be
    # used and whom to ask, never that (or where) the row exists: natural_key_label names the key
    # (default: its fields' names), conflict_contact the office that can sort it out.
    natural_key_label = ""
    conflict_contact = "区教育局"

    # --- writes: one transaction each, logged, scope re-checked before commit ---

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.check_natural_key(serializer.validated_data)
        self.perform_create(serializer)
        return Response(serializer.data, status=status.HTTP_201_CREATED)

    def check_natural_key(self, data):
        model = self.queryset.model
        key = {}
        for name in self.natural_key:
            field = model._meta.get_field(name)
            key[name] = data[name] if name in data else (field.get_default() if field.has_default() else None)
        if not key or any(value in (None, "") for value in key.values()):
            return
        existing = model.objects.filter(**key).first()
        if existing is None:
            return
        if not model.objects.for_user(self.request.user, VIEW).filter(pk=existing.pk).exists():
            label = self.natural_key_label or "、".join(
                str(model._meta.get_field(name).verbose_name) for name in self.natural_key
            )
            raise Conflict(
                {
                    "detail": f"该{label}不能用于新建{model._meta.verbose_name}。请核对{label}；"
                    f"如确认无误，请联系{self.conflict_contact}。"
                }
            )
        url = reverse(self.detail_view_name, args=[existing.pk], request=self.request)
        raise Conflict(
            {
                "detail": f"{model._meta.verbose_name}“{existing}”已存在（{url}），未重复新建。如需修改，请对该地址使用 PUT 或 PATCH。",
                "existing": url,
            }
        )

    # The serializer saves and logs (ScopedModelSerializer.save_new/save_existing); the viewset
    # holds the transaction and checks the result is still in scope before it commits.
    def perform_create(self, serializer):
        with writing():
            self.recheck_scope(serializer.save(), ADD)

    def perform_update(self, serializer):
        with writing():
            self.recheck_scope(serializer.save(), CHANGE)

    def perform_destroy(self, instance):
        try:
            with transaction.atomic():
                changelog.delete(instance)
        except (ProtectedError, RestrictedError) as e:
            raise Conflict(f"“{instance}”仍被其他数据引用，不能删除。请先处理相关数据。") from e

    def recheck_scope(self, obj, action):
        """Raise inside the transaction if the write moved obj out of the user's units (rolls back)."""
        if not self.queryset.model.objects.for_user(self.request.user, action).filter(pk=obj.pk).exists():
            raise exceptions.PermissionDenied("不能把数据改到您的管理范围之外。")


def scoped_schema(serializer_class, *, masked=False):
    """The OpenAPI annotations every ScopedModelViewSet shares: 409 on create, ?unmask=1 where masked."""
    params = [UNMASK_PARAMETER] if masked else []
    return extend_schema_view(
        list=extend_schema(parameters=params),
        retrieve=extend_schema(parameters=params),
        create=extend_schema(parameters=params, responses={201: serializer_class, 409: CONFLICT_RESPONSE}),
        update=extend_schema(parameters=params),
        partial_update=extend_schema(parameters=params),
    )
