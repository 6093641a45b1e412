from drf_spectacular.utils import extend_schema

from edubureau.core.api import ScopedModelViewSet, ScopedReadOnlyModelViewSet, scoped_schema

from ..filtersets import ApplicationFilterSet, CampaignFilterSet, DrawFilterSet, SchoolPlanFilterSet
from ..models import Application, Campaign, Draw, SchoolPlan
from . import serializers


class CampaignViewSet(ScopedReadOnlyModelViewSet):
    """招生工作（只读）：阶段及其开启状态、入学年龄窗口、志愿数上限、入学顺位。"""

    queryset = Campaign.objects.prefetch_related("stages", "tiers")
    serializer_class = serializers.CampaignSerializer
    filterset_class = CampaignFilterSet
    ordering_fields = ["year"]


class SchoolPlanViewSet(ScopedReadOnlyModelViewSet):
    """招生计划（只读）：学校的计划班数、班额与名额（= 班数 × 班额）。`?school=` 学校标识码。"""

    queryset = SchoolPlan.objects.select_related("school", "campaign")
    serializer_class = serializers.PlanSerializer
    filterset_class = SchoolPlanFilterSet
    ordering_fields = ["planned_classes"]


@scoped_schema(serializers.ApplicationSerializer, masked=True)
class ApplicationViewSet(ScopedModelViewSet):
    """入学申请。

    新建按与报名页面相同的规则校验（信息登记阶段须开启、身份证号、入学年龄、志愿数）。同一招生工作中同一儿童
    （证件类型 + 证件号码）已有申请时返回 409 和已有申请的地址，不会重复报名；重试新建是安全的。
    修改用 PUT/PATCH；已通过验证的申请修改时须提供 `reason`（记入审计日志）。证件号码、地址默认脱敏。
    """

    queryset = Application.objects.select_related("campaign", "tier").prefetch_related(
        "guardians", "choices__school"
    )
    serializer_class = serializers.ApplicationSerializer
    filterset_class = ApplicationFilterSet
    ordering_fields = ["number", "birth_date", "status"]
    natural_key = ("campaign", "id_type", "id_number")
    natural_key_label = "证件号码"
    conflict_contact = "区教育局招生管理部门"
    detail_view_name = "admissions-api:application-detail"
    http_method_names = ["get", "post", "put", "patch", "head", "options"]


@extend_schema(
    description="民办摇号（只读）：名单哈希、公开种子、顺序、记录哈希。详情含申请编号名单和摇号顺序。"
)
class DrawViewSet(ScopedReadOnlyModelViewSet):
    """民办摇号（只读，不含个人信息）。"""

    queryset = Draw.objects.select_related("school", "campaign")
    serializer_class = serializers.DrawSerializer
    filterset_class = DrawFilterSet
    ordering_fields = ["sequence", "drawn_at"]

    def get_serializer_class(self):
        return serializers.DrawDetailSerializer if self.action == "retrieve" else serializers.DrawSerializer
