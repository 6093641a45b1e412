from django.contrib.auth import views as auth_views
from django.urls import include, path

from edubureau.core.views import healthz
from edubureau.dashboard.views import home

urlpatterns = [
    path("", home, name="home"),
    path("dashboard/", include("edubureau.dashboard.urls")),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("org/", include("edubureau.org.urls")),
    path("people/", include("edubureau.people.urls")),
    path("health/", include("edubureau.health.urls")),
    path("admissions/", include("edubureau.admissions.urls")),
    path("workplan/", include("edubureau.workplan.urls")),
    path("equity/", include("edubureau.equity.urls")),
    path("system/", include("edubureau.core.urls")),
    path("notifications/", include("edubureau.notifications.urls")),
    path("users/", include("edubureau.accounts.urls")),
    path("api/", include("edubureau.api_urls")),
    path("healthz", healthz, name="healthz"),
]
