from django.urls import path

from . import views

app_name = "org"
urlpatterns = [
    path("schools/", views.SchoolListView.as_view(), name="school_list"),
    path("schools/export/", views.SchoolListView.as_view(export=True), name="school_export"),
    path("schools/add/", views.SchoolEditView.as_view(), name="school_add"),
    path("schools/<int:pk>/", views.SchoolDetailView.as_view(), name="school_detail"),
    path("schools/<int:pk>/edit/", views.SchoolEditView.as_view(), name="school_edit"),
    path("schools/<int:pk>/history/", views.SchoolHistoryView.as_view(), name="school_history"),
    path("schools/<int:school_pk>/campuses/add/", views.CampusEditView.as_view(), name="campus_add"),
    path("campuses/<int:pk>/edit/", views.CampusEditView.as_view(), name="campus_edit"),
    path("campuses/<int:pk>/delete/", views.CampusDeleteView.as_view(), name="campus_delete"),
    path("zones/", views.ZoneListView.as_view(), name="zone_list"),
    path("zones/export/", views.ZoneListView.as_view(export=True), name="zone_export"),
    path("zones/add/", views.ZoneEditView.as_view(), name="zone_add"),
    path("zones/<int:pk>/", views.ZoneDetailView.as_view(), name="zone_detail"),
    path("zones/<int:pk>/edit/", views.ZoneEditView.as_view(), name="zone_edit"),
    path("groups/", views.EduGroupListView.as_view(), name="group_list"),
    path("groups/export/", views.EduGroupListView.as_view(export=True), name="group_export"),
    path("groups/add/", views.EduGroupEditView.as_view(), name="group_add"),
    path("groups/<int:pk>/", views.EduGroupDetailView.as_view(), name="group_detail"),
    path("groups/<int:pk>/edit/", views.EduGroupEditView.as_view(), name="group_edit"),
    path("districts/<int:pk>/", views.DistrictDetailView.as_view(), name="district_detail"),
    path("districts/<int:pk>/edit/", views.DistrictEditView.as_view(), name="district_edit"),
]
