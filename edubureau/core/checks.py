"""System checks that refuse dangerous production settings (run by `edubureau check --deploy`)."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register(Tags.security, deploy=True)
def check_production_settings(app_configs, **kwargs):
    problems = []
    if settings.DEBUG:
        problems.append(Error("生产环境不得开启 DEBUG。Set DEBUG=false.", id="edubureau.E001"))
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        problems.append(
            Warning("生产环境建议使用 PostgreSQL（设置 DATABASE_URL）。SQLite is for trials.", id="edubureau.W001")
        )
    if not settings.HTTPS:
        problems.append(Warning("未启用 HTTPS（设置 HTTPS=true 并配置证书）。", id="edubureau.W002"))
    return problems
