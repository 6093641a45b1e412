"""The org registry over the API. Related units are written by natural key: a school by its
10-digit 学校标识码, a district by its 行政区划代码, a zone or group by its name."""

from rest_framework import serializers

from edubureau.core import idcodes
from edubureau.core.api import NaturalKeyField, ScopedModelSerializer, ScopedSlugRelatedField
from edubureau.core.scope import CHANGE, scope_of

from .. import services
from ..forms import SCHOOL_LOCAL_FIELDS
from ..models import Campus, District, EduGroup, School, Zone


def school_field(**kwargs):
    """A school by 学校标识码, limited to the schools the user works with."""
    return ScopedSlugRelatedField(
        slug_field="code",
        queryset=School.objects.all(),
        error_messages={"does_not_exist": "学校标识码 {value} 不存在或不在您的管理范围内。"},
        **kwargs,
    )


class DistrictField(NaturalKeyField):
    """A district by 行政区划代码; may be left out while the installation serves one district."""

    def __init__(self, **kwargs):
        kwargs.setdefault("error_messages", {"does_not_exist": "行政区划代码 {value} 不存在。"})
        super().__init__(slug_field="code", queryset=District.objects.all(), required=False, **kwargs)


def default_district(attrs, instance):
    """Fill in the district when the client left it out and there is only one."""
    if instance is not None or attrs.get("district"):
        return attrs
    districts = list(District.objects.all()[:2])
    if len(districts) != 1:
        raise serializers.ValidationError({"district": ["请填写区县的行政区划代码。"]})
    return {**attrs, "district": districts[0]}


class MemberSchoolsField(serializers.ManyRelatedField):
    """The members of a zone or group by 学校标识码. Read: the members the user may see. Written
    (by district-level users only) as the whole list, through org.services.set_members."""

    def __init__(self, **kwargs):
        child = NaturalKeyField(
            slug_field="code",
            queryset=School.objects.all(),
            error_messages={"does_not_exist": "学校标识码 {value} 不存在。"},
        )
        super().__init__(child_relation=child, required=False, **kwargs)

    def to_representation(self, iterable):
        scope = scope_of(self.context["request"].user)
        return [school.code for school in iterable if scope.covers_school(school.pk)]


class MembersMixin:
    def create(self, validated_data):
        schools = validated_data.pop("schools", None)
        unit = super().create(validated_data)
        self.set_members(unit, schools)
        return unit

    def update(self, instance, validated_data):
        schools = validated_data.pop("schools", None)
        unit = super().update(instance, validated_data)
        self.set_members(unit, schools)
        return unit

    def set_members(self, unit, schools):
        if schools is None:
            return
        lead = getattr(unit, "lead_school", None)
        if lead is not None and lead not in schools:
            schools = [*schools, lead]  # as on the edit page: the lead school is a member
        services.set_members(unit, schools)


class SchoolSerializer(ScopedModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="org-api:school-detail")
    district = DistrictField()
    zone = ScopedSlugRelatedField(
        slug_field="name", queryset=Zone.objects.all(), required=False, allow_null=True,
        error_messages={"does_not_exist": "学区“{value}”不存在或不在您的管理范围内。"},
    )  # fmt: skip
    group = ScopedSlugRelatedField(
        slug_field="name", queryset=EduGroup.objects.all(), required=False, allow_null=True,
        error_messages={"does_not_exist": "教育集团“{value}”不存在或不在您的管理范围内。"},
    )  # fmt: skip
    successor = school_field(required=False, allow_null=True)

    class Meta:
        model = School
        fields = [
            "id", "url", "code", "name", "short_name", "district", "stage", "nature", "inclusive", "rank",
            "credit_code", "zone", "group", "address", "principal", "phone", "status", "opened_on", "closed_on",
            "successor",
        ]  # fmt: skip
        extra_kwargs = {"code": {"validators": []}}  # validate_code says more than the model's regex

    def validate_code(self, value):
        try:
            return idcodes.validate_school_code(value)
        except idcodes.CodeError as e:
            raise serializers.ValidationError(f"学校标识码：{e}") from e

    def validate_credit_code(self, value):
        if not value:
            return value
        try:
            value, _warnings = idcodes.validate_uscc(value)  # a wrong check character only warns
        except idcodes.CodeError as e:
            raise serializers.ValidationError(f"统一社会信用代码：{e}") from e
        return value

    def validate(self, attrs):
        if self.instance is not None and not scope_of(self.context["request"].user).bureau_may("org", CHANGE):
            # As on the edit page: a school corrects its contact details, the bureau keeps the registry.
            message = "由教育局维护，学校用户不能修改；如需修改请联系区教育局。"
            changed = [
                k for k, v in attrs.items() if k not in SCHOOL_LOCAL_FIELDS and v != getattr(self.instance, k)
            ]
            if changed:
                raise serializers.ValidationError({k: [message] for k in changed})
        return default_district(attrs, self.instance)


class ZoneSerializer(MembersMixin, ScopedModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="org-api:zone-detail")
    district = DistrictField()
    schools = MemberSchoolsField(
        help_text="学区内学校的学校标识码（读取时仅含您范围内的学校；写入时为完整名单）"
    )

    class Meta:
        model = Zone
        fields = ["id", "url", "district", "name", "description", "schools"]

    def validate(self, attrs):
        return default_district(attrs, self.instance)


class EduGroupSerializer(MembersMixin, ScopedModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="org-api:edugroup-detail")
    district = DistrictField()
    lead_school = school_field(required=False, allow_null=True)
    schools = MemberSchoolsField(
        help_text="成员学校的学校标识码（读取时仅含您范围内的学校；写入时为完整名单，牵头学校自动加入）"
    )

    class Meta:
        model = EduGroup
        fields = ["id", "url", "district", "name", "lead_school", "founded_on", "schools"]

    def validate(self, attrs):
        return default_district(attrs, self.instance)


class CampusSerializer(ScopedModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="org-api:campus-detail")
    school = school_field()

    class Meta:
        model = Campus
        fields = ["id", "url", "school", "name", "address", "is_main"]

    def validate(self, attrs):
        school = attrs.get("school") or self.instance.school
        if attrs.get("is_main"):
            main = (
                Campus.objects.filter(school=school, is_main=True)
                .exclude(pk=getattr(self.instance, "pk", None))
                .first()
            )
            if main:
                raise serializers.ValidationError(
                    {"is_main": [f"该校已有主校区“{main.name}”，请先取消它的主校区标记。"]}
                )
        return attrs
