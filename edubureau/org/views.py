from django.urls import reverse

from edubureau.core.tables import Column
from edubureau.core.views import ObjectDetailView, ObjectEditView, ObjectListView

from .filtersets import SchoolFilterSet
from .forms import SchoolForm
from .models import School

SCHOOL_COLUMNS = (
    Column("code", "学校标识码", sort="code", link=True),
    Column("name", "学校名称", sort="name", link=True),
    Column("stage", "学段", sort="stage"),
    Column("nature", "办学性质", sort="nature"),
    Column("zone.name", "学区", sort="zone__name"),
    Column("group.name", "教育集团", sort="group__name"),
    Column("principal", "校长"),
    Column("phone", "联系电话"),
    Column("status", "状态", sort="status"),
)


class SchoolListView(ObjectListView):
    model = School
    filterset_class = SchoolFilterSet
    columns = SCHOOL_COLUMNS
    select_related = ("zone", "group")
    add_url_name = "org:school_add"
    import_url_name = "core:import_new_schools"


class SchoolDetailView(ObjectDetailView):
    model = School
    template_name = "org/school_detail.html"

    def list_url(self):
        return reverse("org:school_list")

    def extra_context(self, obj, unmasked):
        return {
            "campuses": obj.campuses.all(),
            "predecessors": obj.predecessors.all(),
            "events": (obj.events_as_source.all() | obj.events_as_result.all()).distinct(),
        }


class SchoolEditView(ObjectEditView):
    model = School
    form_class = SchoolForm
