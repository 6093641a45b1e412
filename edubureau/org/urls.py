from django.urls import path

from . import views

app_name = "org"
urlpatterns = [
    path("schools/", views.SchoolListView.as_view(), name="school_list"),
    path("schools/export/", views.SchoolListView.as_view(export=True), name="school_export"),
    path("schools/add/", views.SchoolEditView.as_view(), name="school_add"),
    path("schools/<int:pk>/", views.SchoolDetailView.as_view(), name="school_detail"),
    path("schools/<int:pk>/edit/", views.SchoolEditView.as_view(), name="school_edit"),
]
