from edubureau.core.api import ScopedModelViewSet, scoped_schema

from ..filtersets import CampusFilterSet, EduGroupFilterSet, SchoolFilterSet, ZoneFilterSet
from ..models import Campus, EduGroup, School, Zone
from . import serializers


@scoped_schema(serializers.SchoolSerializer)
class SchoolViewSet(ScopedModelViewSet):
    """学校。按 id 访问；`?code=` 按学校标识码查找。新建时学校标识码已存在则返回 409 和已有记录的地址。"""

    queryset = School.objects.select_related("district", "zone", "group", "successor")
    serializer_class = serializers.SchoolSerializer
    filterset_class = SchoolFilterSet
    ordering_fields = ["code", "name", "stage", "nature", "status", "opened_on"]
    natural_key = ("code",)
    detail_view_name = "org-api:school-detail"


@scoped_schema(serializers.ZoneSerializer)
class ZoneViewSet(ScopedModelViewSet):
    """学区。学校用户只能看到本校所在学区；只有区级用户可以修改。"""

    queryset = Zone.objects.select_related("district").prefetch_related("schools")
    serializer_class = serializers.ZoneSerializer
    filterset_class = ZoneFilterSet
    ordering_fields = ["name"]
    natural_key = ("name",)
    detail_view_name = "org-api:zone-detail"


@scoped_schema(serializers.EduGroupSerializer)
class EduGroupViewSet(ScopedModelViewSet):
    """教育集团。学校用户只能看到本校所在集团；只有区级用户可以修改。"""

    queryset = EduGroup.objects.select_related("district", "lead_school").prefetch_related("schools")
    serializer_class = serializers.EduGroupSerializer
    filterset_class = EduGroupFilterSet
    ordering_fields = ["name", "founded_on"]
    natural_key = ("name",)
    detail_view_name = "org-api:edugroup-detail"


@scoped_schema(serializers.CampusSerializer)
class CampusViewSet(ScopedModelViewSet):
    """校区。`?school=` 按学校标识码过滤。"""

    queryset = Campus.objects.select_related("school")
    serializer_class = serializers.CampusSerializer
    filterset_class = CampusFilterSet
    ordering_fields = ["name"]
    natural_key = ("school", "name")
    detail_view_name = "org-api:campus-detail"
