"""The plan and projects over the API: writes through services, scope, validation, idempotency."""

from rest_framework.test import APIClient

from edubureau.workplan.models import ProgressReport, Project, Task


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_department_creates_and_lists_its_tasks(planner, tasks, jijiao):
    client = api(planner)
    response = client.post(
        "/api/workplan/tasks/",
        {"plan": 2026, "section": 1, "title": "开展作业设计评比", "lead_department": "规划科"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.data["number"] == 4 and response.data["status"] == "未启动"
    listed = {t["title"] for t in client.get("/api/workplan/tasks/").data["results"]}
    assert listed == {"推进课程教学改革", "实施校舍加固工程", "开展作业设计评比"}
    response = client.post(
        "/api/workplan/tasks/",
        {"plan": 2026, "section": 9, "title": "x", "lead_department": "规划科"},
        format="json",
    )
    assert response.status_code == 400 and "没有第 9 部分" in str(response.data)


def test_a_school_reads_its_cooperating_tasks_and_writes_nothing(school_a_admin, school_b_admin, tasks):
    client = api(school_a_admin)
    titles = [t["title"] for t in client.get("/api/workplan/tasks/").data["results"]]
    assert titles == ["新建中小学校舍"]
    assert (
        client.patch(f"/api/workplan/tasks/{tasks[1].pk}/", {"title": "改"}, format="json").status_code == 403
    )
    assert api(school_b_admin).get(f"/api/workplan/tasks/{tasks[1].pk}/").status_code == 404


def test_progress_reports_are_idempotent_and_validated(planner, tasks):
    client = api(planner)
    body = {"task": tasks[0].pk, "period": "month", "period_start": "2026-05-01", "text": "推进中",
            "delay_reasons": ["审批滞后"]}  # fmt: skip
    first = client.post("/api/workplan/reports/", body, format="json")
    again = client.post("/api/workplan/reports/", {**body, "text": "推进中（更正）"}, format="json")
    assert first.status_code == again.status_code == 201
    assert ProgressReport.objects.get().text == "推进中（更正）"
    bad = client.post("/api/workplan/reports/", {**body, "delay_reasons": ["其他"]}, format="json")
    assert bad.status_code == 400 and "请说明具体情况" in str(bad.data)
    other = client.post("/api/workplan/reports/", {**body, "task": tasks[1].pk}, format="json")
    assert other.status_code == 404
    assert ProgressReport.objects.count() == 1


def test_projects_refuse_bad_investments_and_dates(builder, school_a):
    client = api(builder)
    body = {"code": "JS-1", "name": "实验小学改扩建", "year": 2026, "school": school_a.code, "type": "改扩建",
            "total_investment": "800", "completed_investment": "900"}  # fmt: skip
    response = client.post("/api/workplan/projects/", body, format="json")
    assert response.status_code == 400 and "超过了总投资 800" in str(response.data)
    response = client.post(
        "/api/workplan/projects/",
        {**body, "total_investment": "-1", "completed_investment": "0"},
        format="json",
    )
    assert response.status_code == 400 and "不能为负数" in str(response.data)
    response = client.post(
        "/api/workplan/projects/",
        {**body, "completed_investment": "100", "planned": {"立项": "2026-03-01", "可研": "2026-01-01"}},
        format="json",
    )
    assert response.status_code == 400 and "早于前一阶段" in str(response.data)
    assert not Project.objects.exists()
    response = client.post("/api/workplan/projects/", {**body, "completed_investment": "100"}, format="json")
    assert response.status_code == 201
    assert (
        client.post(
            "/api/workplan/projects/", {**body, "completed_investment": "100"}, format="json"
        ).status_code
        == 409
    )
    pk = response.data["id"]
    response = client.post(
        f"/api/workplan/projects/{pk}/advance/", {"stage": "立项", "date": "2026-02-01"}, format="json"
    )
    assert response.status_code == 200 and response.data["stage"] == "立项"
    response = client.post(
        f"/api/workplan/projects/{pk}/advance/", {"stage": "立项", "date": "2026-02-02"}, format="json"
    )
    assert response.status_code == 400 and "已处于“立项”阶段" in str(response.data)


def test_tasks_filter_by_department_and_status(admin_user, tasks):
    client = api(admin_user)
    titles = {
        t["title"] for t in client.get("/api/workplan/tasks/", {"department": "基建科"}).data["results"]
    }
    assert titles == {"新建中小学校舍", "实施校舍加固工程"}
    assert Task.objects.count() == 3
