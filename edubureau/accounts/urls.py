from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("", views.UserListView.as_view(), name="user_list"),
    path("export/", views.UserListView.as_view(export=True), name="user_export"),
    path("add/", views.UserEditView.as_view(), name="user_add"),
    path("<int:pk>/", views.UserDetailView.as_view(), name="user_detail"),
    path("<int:pk>/edit/", views.UserEditView.as_view(), name="user_edit"),
    path("<int:pk>/password/", views.UserPasswordView.as_view(), name="user_password"),
    path("<int:pk>/deactivate/", views.UserDeactivateView.as_view(), name="user_deactivate"),
    path("departments/", views.DepartmentListView.as_view(), name="department_list"),
    path("departments/export/", views.DepartmentListView.as_view(export=True), name="department_export"),
    path("departments/add/", views.DepartmentEditView.as_view(), name="department_add"),
    path("departments/<int:pk>/", views.DepartmentDetailView.as_view(), name="department_detail"),
    path("departments/<int:pk>/edit/", views.DepartmentEditView.as_view(), name="department_edit"),
    path("me/", views.MyAccountView.as_view(), name="my_account"),
    path("me/password/", views.MyPasswordChangeView.as_view(), name="password_change"),
    path("me/token/", views.MyTokenView.as_view(), name="my_token"),
]
