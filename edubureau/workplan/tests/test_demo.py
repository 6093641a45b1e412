"""The demo hook: a full plan for the year with KPIs, milestones, reports and projects; wipe empties it."""

import datetime

from django.core.management import call_command

from edubureau.workplan import demo, services
from edubureau.workplan.models import Plan, ProgressReport, Project, ProjectStage, Target, Task


def test_the_demo_builds_a_plan_and_projects(transactional_db, client):
    call_command("demo", scale="small", seed=1, verbosity=0)
    plan = Plan.objects.get(year=2026)
    top = plan.tasks.filter(parent__isnull=True)
    assert plan.sections.count() == 3 and top.count() == 20
    assert [top.filter(section__order=n).count() for n in (1, 2, 3)] == [7, 7, 6]
    assert Target.objects.exclude(metric="").count() >= 5
    live = Target.objects.get(metric="students_enrolled")
    assert services.kpi_actual(live) > 0
    assert ProgressReport.objects.exclude(delay_reasons=[]).exists()
    assert set(ProgressReport.objects.values_list("period_start__month", flat=True)) == set(range(1, 6))
    assert Task.objects.filter(status="延缓").exists() and Task.objects.filter(status="已完成").count() < 20
    assert Project.objects.count() == 12
    for project in Project.objects.all():
        assert 0 <= project.completed_investment <= project.total_investment
        dates = [s.actual_date for s in project.stages.order_by("order") if s.actual_date]
        assert dates == sorted(dates) and all(d <= datetime.date(2026, 6, 15) for d in dates)
        assert project.stage == project.stages.exclude(actual_date=None).order_by("-order").first().stage
    # every page renders with the demo's data
    from django.urls import reverse

    from edubureau.accounts.models import User

    client.force_login(
        User.objects.get(username="admin"), backend="django.contrib.auth.backends.ModelBackend"
    )
    project = Project.objects.order_by("pk").first()
    task = plan.tasks.order_by("pk").first()
    for url in (
        plan.get_absolute_url(), task.get_absolute_url(), project.get_absolute_url(),
        reverse("workplan:dashboard"), reverse("workplan:project_dashboard"), reverse("workplan:reminders"),
        reverse("workplan:task_list"), reverse("workplan:project_list"), reverse("workplan:report_list"),
        reverse("workplan:plan_summary_preview", args=[plan.pk]),
    ):  # fmt: skip
        assert client.get(url).status_code == 200, url
    demo.wipe()
    assert not Plan.objects.exists() and not ProjectStage.objects.exists()
