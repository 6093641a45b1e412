from edubureau.core.api import ScopedModelViewSet, ScopedReadOnlyModelViewSet, scoped_schema

from ..filtersets import (
    PostingFilterSet,
    SchoolClassFilterSet,
    SchoolYearFilterSet,
    StaffFilterSet,
    StudentFilterSet,
)
from ..models import Posting, SchoolClass, SchoolYear, Staff, Student
from . import serializers


class SchoolYearViewSet(ScopedReadOnlyModelViewSet):
    """学年（只读）。写入学生或班级时用起始年份（如 2025）指代学年。"""

    queryset = SchoolYear.objects.prefetch_related("terms")
    serializer_class = serializers.SchoolYearSerializer
    filterset_class = SchoolYearFilterSet
    ordering_fields = ["start_year"]


@scoped_schema(serializers.SchoolClassSerializer)
class SchoolClassViewSet(ScopedModelViewSet):
    """班级。`?school=` 按学校标识码过滤。新建时同校同学年同年级同班号的班级已存在则返回 409。"""

    queryset = SchoolClass.objects.select_related("school", "school_year")
    serializer_class = serializers.SchoolClassSerializer
    filterset_class = SchoolClassFilterSet
    ordering_fields = ["grade", "class_no", "capacity"]
    natural_key = ("school", "school_year", "grade", "class_no")
    detail_view_name = "people-api:schoolclass-detail"


@scoped_schema(serializers.StudentSerializer, masked=True)
class StudentViewSet(ScopedModelViewSet):
    """学生学籍。

    证件号码、学籍号、现住址和监护人电话默认脱敏；有权限的用户加 `?unmask=1` 查看完整信息（会被记录）。
    班级用 `school_class`（id）或 `grade` + `class_no`（+ `school_year`）指定。
    新建时同一证件类型和号码的学生已在您的范围内，返回 409 和已有记录的地址，不会重复注册；重试新建是安全的
    （不在您范围内的，409 只说明该证件号码不能使用）。
    修改学校、班级或学籍状态时按学籍异动办理（转学、调班、留级、休学、复学……），并记录异动。
    """

    queryset = Student.objects.select_related("school", "school_class__school_year").prefetch_related(
        "guardians"
    )
    serializer_class = serializers.StudentSerializer
    filterset_class = StudentFilterSet
    ordering_fields = ["name", "birth_date", "status", "enrolled_on"]
    natural_key = ("id_type", "id_number")
    natural_key_label = "证件号码"
    conflict_contact = "区教育局学籍管理部门"
    detail_view_name = "people-api:student-detail"


@scoped_schema(serializers.StaffSerializer, masked=True)
class StaffViewSet(ScopedModelViewSet):
    """教职工。证件号码和联系电话默认脱敏。新建时同一证件号码的教职工已存在则返回 409。"""

    queryset = Staff.objects.select_related("school")
    serializer_class = serializers.StaffSerializer
    filterset_class = StaffFilterSet
    ordering_fields = ["name", "birth_date", "hire_date", "title", "status"]
    natural_key = ("id_type", "id_number")
    natural_key_label = "证件号码"
    conflict_contact = "区教育局人事部门"
    detail_view_name = "people-api:staff-detail"


@scoped_schema(serializers.PostingSerializer)
class PostingViewSet(ScopedModelViewSet):
    """交流轮岗、支教、挂职。教职工用 `staff`（id）或 `staff_id_number`（证件号码）指定，派往单位用学校标识码；
    过滤：`kind`、`school`（派出学校标识码）、`to_school`、`active_on`（某日在岗）。"""

    queryset = Posting.objects.select_related("staff__school", "to_school")
    serializer_class = serializers.PostingSerializer
    filterset_class = PostingFilterSet
    ordering_fields = ["start_date", "end_date", "kind"]
    detail_view_name = "people-api:posting-detail"
