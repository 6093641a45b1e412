"""The plan and project pages through HTTP: scope, forms, HTMX blocks, lists and exports."""

import datetime

from django.urls import reverse

from edubureau.core.testing import *  # noqa: F403  (xlsx helpers, if any)
from edubureau.workplan.models import Milestone, ProgressReport, Project, Target, Task, TaskStatus


def titles(response):
    return response.content.decode()


def test_a_department_sees_only_its_own_tasks(login, planner, tasks):
    client = login(planner)
    page = titles(client.get(reverse("workplan:plan_detail", args=[tasks[0].plan_id])))
    assert "推进课程教学改革" in page and "实施校舍加固工程" in page  # leads 1, cooperates on 3
    assert "新建中小学校舍" not in page
    assert client.get(reverse("workplan:task_detail", args=[tasks[1].pk])).status_code == 404
    listing = titles(client.get(reverse("workplan:task_list")))
    assert "推进课程教学改革" in listing and "新建中小学校舍" not in listing


def test_a_school_sees_the_tasks_it_cooperates_on_read_only(login, school_a_admin, school_b_admin, tasks):
    client = login(school_a_admin)
    page = titles(client.get(reverse("workplan:plan_detail", args=[tasks[0].plan_id])))
    assert "新建中小学校舍" in page and "推进课程教学改革" not in page
    assert client.get(reverse("workplan:task_detail", args=[tasks[1].pk])).status_code == 200
    assert client.get(reverse("workplan:task_edit", args=[tasks[1].pk])).status_code == 403
    response = client.post(
        reverse("workplan:task_report", args=[tasks[1].pk]),
        {"period": "month", "period_start": "2026-05-01", "text": "x"},
    )
    assert response.status_code == 404
    other = login(school_b_admin)
    assert other.get(reverse("workplan:task_detail", args=[tasks[1].pk])).status_code == 404
    assert "新建中小学校舍" not in titles(other.get(reverse("workplan:task_list")))


def test_leaders_see_all_and_change_nothing(login, leader, tasks):
    client = login(leader)
    page = titles(client.get(reverse("workplan:plan_detail", args=[tasks[0].plan_id])))
    assert all(t.title in page for t in tasks)
    assert client.get(reverse("workplan:task_edit", args=[tasks[0].pk])).status_code == 403


def test_a_department_creates_a_task_it_leads(login, planner, plan, jijiao, jijian):
    client = login(planner)
    section = plan.sections.first()
    url = reverse("workplan:task_add") + f"?plan={plan.pk}&section={section.pk}"
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"section": section.pk, "title": "开展教师数字素养培训", "lead_department": jijiao.pk}
    )
    task = Task.objects.get(title="开展教师数字素养培训")
    assert response.status_code == 302 and task.number == 1 and task.plan == plan
    # a task led by another department would leave the user's scope: refused, nothing saved
    response = client.post(url, {"section": section.pk, "title": "别人的任务", "lead_department": jijian.pk})
    assert response.status_code == 403
    assert not Task.objects.filter(title="别人的任务").exists()


def test_it_reports_progress_with_a_delay_reason(login, planner, tasks):
    client = login(planner)
    task = tasks[0]
    target = Target.objects.create(task=task, description="建成考场", target_value=41, unit="个")
    url = reverse("workplan:task_report", args=[task.pk])
    assert "疫情影响" in titles(client.get(url))
    bad = client.post(
        url,
        {
            "period": "month",
            "period_start": "2026-05-01",
            "text": "进展",
            "delay_reasons": ["其他"],
            f"actual_{target.pk}": "12",
        },
    )
    assert "请说明具体情况" in titles(bad)
    assert not ProgressReport.objects.exists()
    response = client.post(url, {
        "period": "month", "period_start": "2026-05-10", "text": "部分学校停工。", "percent": "40",
        "delay_reasons": ["资金压力"], "delay_text": "专项资金未到位", f"actual_{target.pk}": "12",
    })  # fmt: skip
    assert response.status_code == 302
    report = ProgressReport.objects.get()
    assert report.delay_reasons == ["资金压力"] and report.period_start == datetime.date(2026, 5, 1)
    task.refresh_from_db()
    assert task.status == TaskStatus.DELAYED
    assert "专项资金未到位" in titles(client.get(task.get_absolute_url()))


def test_milestones_are_added_and_refused_through_htmx(login, planner, tasks):
    client = login(planner)
    url = reverse("workplan:task_milestones", args=[tasks[0].pk])
    response = client.post(
        url, {"title": "完成验收", "due_date": "2027-01-10"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert "2027-01-10 不在工作要点年度 2026 年内" in titles(response)
    assert not Milestone.objects.exists()
    response = client.post(
        url, {"title": "完成方案", "due_date": "2026-03-01"}, headers={"HX-Request": "true"}
    )
    assert "完成方案" in titles(response) and "bg-red-lt" in titles(response)  # overdue badge
    milestone = Milestone.objects.get()
    edit = reverse("workplan:milestone_edit", args=[milestone.pk])
    response = client.post(
        edit,
        {"title": "完成方案", "due_date": "2026-03-01", "done_date": "2026-03-05"},
        headers={"HX-Request": "true"},
    )
    assert response.headers["HX-Retarget"] == "#milestones-block"
    milestone.refresh_from_db()
    assert milestone.done_date == datetime.date(2026, 3, 5)
    client.post(edit, {"delete": "1"}, headers={"HX-Request": "true"})
    assert not Milestone.objects.exists()


def test_kpis_are_edited_through_htmx(login, planner, tasks):
    client = login(planner)
    url = reverse("workplan:task_targets", args=[tasks[0].pk])
    response = client.post(
        url,
        {"description": "立项区级项目", "target_value": "143", "unit": "个"},
        headers={"HX-Request": "true"},
    )
    assert "立项区级项目" in titles(response)
    target = Target.objects.get()
    response = client.post(
        reverse("workplan:target_edit", args=[target.pk]),
        {"description": "立项区级项目", "target_value": "143", "unit": "个", "actual_value": "150"},
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.actual_value == 150


def test_the_status_override_needs_a_reason(login, planner, tasks):
    client = login(planner)
    url = reverse("workplan:task_status", args=[tasks[0].pk])
    client.post(url, {"status": "取消", "reason": ""})
    tasks[0].refresh_from_db()
    assert tasks[0].status == TaskStatus.NOT_STARTED
    client.post(url, {"status": "取消", "reason": "并入其他任务"})
    tasks[0].refresh_from_db()
    assert tasks[0].status == TaskStatus.CANCELLED


def test_reminders_page_lists_overdue_and_missing(login, planner, tasks):
    Milestone.objects.create(task=tasks[0], title="提交方案", due_date=datetime.date(2026, 5, 1))
    page = titles(login(planner).get(reverse("workplan:reminders")))
    assert "提交方案" in page and "已逾期 45 天" in page
    assert "实施校舍加固工程" in page  # no May report
    assert "新建中小学校舍" not in page  # not the department's task


def test_lists_export_to_xlsx(login, admin_user, tasks):
    client = login(admin_user)
    for name in (
        "workplan:task_export",
        "workplan:report_export",
        "workplan:project_export",
        "workplan:plan_export",
    ):
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    response = client.get(reverse("workplan:task_list"), {"status": "未启动", "sort": "-number", "q": "校舍"})
    assert "实施校舍加固工程" in titles(response) and "推进课程教学改革" not in titles(response)


def test_dashboards_render_charts(login, admin_user, tasks):
    client = login(admin_user)
    response = client.get(reverse("workplan:dashboard"))
    assert 'data-chart="chart-plan-sections"' in titles(response)
    response = client.get(reverse("workplan:project_dashboard"))
    assert 'data-chart="chart-project-funnel"' in titles(response)


# ---------------------------------------------------------------- projects


def project_post(**extra):
    return {
        "code": "JS2026-01", "name": "七宝小学改扩建工程", "year": "2026", "type": "改扩建", "site": "七宝镇",
        "total_investment": "1200", "completed_investment": "300", "places_added": "0", "classes_added": "0", **extra,
    }  # fmt: skip


def test_projects_are_validated_through_the_form(login, builder):
    client = login(builder)
    url = reverse("workplan:project_add")
    response = client.post(url, project_post(completed_investment="1500"))
    assert "已完成投资 1500" in titles(response) and "超过了总投资 1200" in titles(response)
    response = client.post(url, project_post(total_investment="-1"))
    assert "不能为负数" in titles(response)
    assert not Project.objects.exists()
    assert client.post(url, project_post()).status_code == 302
    project = Project.objects.get()
    response = client.post(
        reverse("workplan:project_stages", args=[project.pk]),
        {"planned_立项": "2026-03-01", "planned_设计": "2026-02-01"},
    )
    assert "早于前一阶段" in titles(response)
    assert not project.stages.exists()
    response = client.post(
        reverse("workplan:project_advance", args=[project.pk]), {"stage": "立项", "date": "2026-02-01"}
    )
    assert response.status_code == 302
    page = titles(client.get(project.get_absolute_url()))
    assert "2026-02-01" in page


def test_a_school_sees_its_own_projects_only(
    login, builder, school_a, school_b, school_a_admin, school_b_admin
):
    from edubureau.workplan import services

    project = services.create_project(
        **{
            **project_post(),
            "school": school_a,
            "year": 2026,
            "total_investment": 100,
            "completed_investment": 0,
        }
    )
    assert login(school_a_admin).get(project.get_absolute_url()).status_code == 200
    assert login(school_b_admin).get(project.get_absolute_url()).status_code == 404
    assert "七宝小学改扩建工程" not in titles(login(school_b_admin).get(reverse("workplan:project_list")))


def test_evidence_is_uploaded_with_a_report_and_downloaded_in_scope(
    login, planner, school_b_admin, tasks, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from edubureau.workplan.models import Attachment

    settings.MEDIA_ROOT = tmp_path
    client = login(planner)
    evidence = SimpleUploadedFile("验收报告.txt", "验收合格".encode())
    response = client.post(
        reverse("workplan:task_report", args=[tasks[0].pk]),
        {"period": "month", "period_start": "2026-05-01", "text": "已验收。", "files": [evidence]},
    )
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    download = client.get(attachment.get_absolute_url())
    assert download.status_code == 200 and b"".join(download.streaming_content) == "验收合格".encode()
    assert login(school_b_admin).get(attachment.get_absolute_url()).status_code == 404


def test_the_administrator_writes_the_plan_and_its_sections(login, admin_user, planner, plan):
    client = login(admin_user)
    response = client.post(reverse("workplan:plan_add"), {"year": "2026", "title": "重复", "status": "draft"})
    assert "2026" in titles(response) and response.status_code == 200  # the year exists already
    response = client.post(
        reverse("workplan:plan_add"), {"year": "2027", "title": "2027年工作要点", "status": "draft"}
    )
    new = plan.__class__.objects.get(year=2027)
    assert response.status_code == 302
    client.post(reverse("workplan:section_add", args=[new.pk]), {"order": "1", "title": "党建引领"})
    assert new.sections.get().title == "党建引领"
    response = client.post(
        reverse("workplan:section_add", args=[new.pk]), {"order": "1", "title": "重复序号"}
    )
    assert "部分序号不能重复" in titles(response)
    assert login(planner).get(reverse("workplan:plan_edit", args=[plan.pk])).status_code == 403


def test_the_plan_tree_and_lists_take_a_fixed_number_of_queries(login, admin_user, tasks, jijiao, school_b):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from edubureau.workplan import services

    client = login(admin_user)
    urls = [tasks[0].plan.get_absolute_url(), reverse("workplan:task_list"), reverse("workplan:task_export")]

    def counts():
        result = []
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            result.append(len(queries))
        return result

    before = counts()
    section = tasks[0].section
    for n in range(8):
        services.create_task(section, f"追加任务{n}", lead_department=jijiao, cooperating_schools=[school_b])
    assert counts() == before


def test_projects_sort_by_stage_order(login, builder):
    import datetime

    from edubureau.workplan import services

    for code, stage in (("P1", "设计"), ("P2", "立项"), ("P3", "交付使用"), ("P4", "开工")):
        project = services.create_project(
            **{
                **project_post(code=code, name=f"项目{code}"),
                "year": 2026,
                "total_investment": 10,
                "completed_investment": 0,
            }
        )
        services.advance_project(project, stage, datetime.date(2026, 3, 1))
    page = titles(login(builder).get(reverse("workplan:project_list"), {"sort": "stage_order"}))
    positions = [page.index(f"项目{code}") for code in ("P2", "P1", "P4", "P3")]
    assert positions == sorted(positions)
