"""/api/: each app's router, token login, the OpenAPI schema and its browsable docs page.

The docs page is Swagger UI served from local static files (drf-spectacular-sidecar); its
initialisation script is a separate URL, so the page runs under the strict CSP. Nothing is loaded
from a CDN: bureaus run on offline intranets.
"""

from django.conf import settings
from django.templatetags.static import static
from django.urls import include, path
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import exceptions
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView


class ApiRootView(APIView):
    """EduBureau API。所有数据按您的角色与单位范围过滤；敏感字段默认脱敏。"""

    schema = None  # not an operation of the API itself

    def get(self, request, format=None):
        return Response(
            {
                "org": reverse("org-api:api-root", request=request, format=format),
                "people": reverse("people-api:api-root", request=request, format=format),
                "health": reverse("health-api:api-root", request=request, format=format),
                "admissions": reverse("admissions-api:api-root", request=request, format=format),
                "workplan": reverse("workplan-api:api-root", request=request, format=format),
                "equity": reverse("equity-api:api-root", request=request, format=format),
                "notifications": reverse("notifications-api:notification-list", request=request, format=format),
                "token": reverse("api-token", request=request, format=format),
                "schema": reverse("api-schema", request=request, format=format),
                "docs": reverse("api-docs", request=request, format=format),
            }
        )


class TokenView(ObtainAuthToken):
    """POST 用户名和密码换取令牌（请求头 `Authorization: Token <令牌>`）；DELETE 吊销当前用户的令牌。

    登录失败次数受限（与网页登录共用锁定规则），每个来源地址每分钟最多 60 次请求。
    """

    throttle_classes = [AnonRateThrottle]

    def get_permissions(self):
        return [IsAuthenticated()] if self.request.method == "DELETE" else []

    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        if not serializer.is_valid():
            # django-axes refuses a locked-out user like a wrong password; say why instead.
            if getattr(request, "axes_locked_out", False):
                minutes = round(settings.AXES_COOLOFF_TIME * 60)
                raise exceptions.PermissionDenied(
                    f"登录失败次数过多，该账号已暂时锁定，请 {minutes} 分钟后再试或联系管理员。"
                )
            raise exceptions.ValidationError(serializer.errors)
        token, _created = Token.objects.get_or_create(user=serializer.validated_data["user"])
        return Response({"token": token.key})

    @extend_schema(responses={204: None})
    def delete(self, request):
        Token.objects.filter(user=request.user).delete()
        return Response(status=204)


class SwaggerView(SpectacularSwaggerSplitView):
    """Swagger UI from drf-spectacular-sidecar's static files, whatever SWAGGER_UI_DIST says."""

    title = "EduBureau API"

    @staticmethod
    def _swagger_ui_resource(filename):
        return static(f"drf_spectacular_sidecar/swagger-ui-dist/{filename}")

    @staticmethod
    def _swagger_ui_favicon():
        return static("drf_spectacular_sidecar/swagger-ui-dist/favicon-32x32.png")


urlpatterns = [
    path("", ApiRootView.as_view(), name="api-root"),
    path("org/", include("edubureau.org.api.urls")),
    path("people/", include("edubureau.people.api.urls")),
    path("health/", include("edubureau.health.api.urls")),
    path("admissions/", include("edubureau.admissions.api.urls")),
    path("workplan/", include("edubureau.workplan.api.urls")),
    path("equity/", include("edubureau.equity.api.urls")),
    path("notifications/", include("edubureau.notifications.api.urls")),
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]
