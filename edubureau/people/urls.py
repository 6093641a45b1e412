from django.urls import path

from . import views
from .tables import STAFF_EXPORT_COLUMNS, STUDENT_EXPORT_COLUMNS

app_name = "people"
urlpatterns = [
    path("classes/", views.ClassListView.as_view(), name="class_list"),
    path("classes/export/", views.ClassListView.as_view(export=True), name="class_export"),
    path("classes/add/", views.ClassEditView.as_view(), name="class_add"),
    path("classes/options/", views.class_options, name="class_options"),
    path("classes/<int:pk>/", views.ClassDetailView.as_view(), name="class_detail"),
    path("classes/<int:pk>/edit/", views.ClassEditView.as_view(), name="class_edit"),
    path("students/", views.StudentListView.as_view(), name="student_list"),
    path(
        "students/export/",
        views.StudentListView.as_view(export=True, columns=STUDENT_EXPORT_COLUMNS),
        name="student_export",
    ),
    path("students/add/", views.StudentEditView.as_view(), name="student_add"),
    path("students/duplicates/", views.DuplicateView.as_view(), name="duplicates"),
    path("students/graduate/", views.GraduationView.as_view(), name="graduate"),
    path("students/<int:pk>/", views.StudentDetailView.as_view(), name="student_detail"),
    path("students/<int:pk>/edit/", views.StudentEditView.as_view(), name="student_edit"),
    path("students/<int:pk>/delete/", views.StudentDeleteView.as_view(), name="student_delete"),
    path("students/<int:pk>/status/", views.StudentStatusView.as_view(), name="student_status"),
    path("staff/", views.StaffListView.as_view(), name="staff_list"),
    path(
        "staff/export/",
        views.StaffListView.as_view(export=True, columns=STAFF_EXPORT_COLUMNS),
        name="staff_export",
    ),
    path("staff/add/", views.StaffEditView.as_view(), name="staff_add"),
    path("staff/options/", views.staff_options, name="staff_options"),
    path("staff/<int:pk>/", views.StaffDetailView.as_view(), name="staff_detail"),
    path("staff/<int:pk>/edit/", views.StaffEditView.as_view(), name="staff_edit"),
    path("postings/", views.PostingListView.as_view(), name="posting_list"),
    path("postings/export/", views.PostingListView.as_view(export=True), name="posting_export"),
    path("postings/add/", views.PostingEditView.as_view(), name="posting_add"),
    path("postings/<int:pk>/edit/", views.PostingEditView.as_view(), name="posting_edit"),
    path("postings/<int:pk>/delete/", views.PostingDeleteView.as_view(), name="posting_delete"),
    path("school-years/", views.SchoolYearListView.as_view(), name="schoolyear_list"),
    path("school-years/export/", views.SchoolYearListView.as_view(export=True), name="schoolyear_export"),
    path("school-years/add/", views.SchoolYearEditView.as_view(), name="schoolyear_add"),
    path("school-years/<int:pk>/", views.SchoolYearDetailView.as_view(), name="schoolyear_detail"),
    path("school-years/<int:pk>/edit/", views.SchoolYearEditView.as_view(), name="schoolyear_edit"),
    path("terms/add/", views.TermEditView.as_view(), name="term_add"),
    path("terms/<int:pk>/edit/", views.TermEditView.as_view(), name="term_edit"),
    path("calendar/", views.CalendarDayListView.as_view(), name="calendarday_list"),
    path("calendar/export/", views.CalendarDayListView.as_view(export=True), name="calendarday_export"),
    path("calendar/add/", views.CalendarDayEditView.as_view(), name="calendarday_add"),
    path("calendar/<int:pk>/edit/", views.CalendarDayEditView.as_view(), name="calendarday_edit"),
]
