def nav_labels(client):
    return [item["label"] for section in client.get("/").context["nav"] for item in section["items"]]


def test_it_offers_imports_only_to_users_who_may_import_something(login, school_a_admin, leader):
    assert "导入任务" in nav_labels(login(school_a_admin))
    assert "导入任务" not in nav_labels(login(leader))  # read-only


def test_it_shows_a_clerk_only_what_they_may_open(login, school_a_clerk):
    labels = nav_labels(login(school_a_clerk))
    assert "学生学籍" in labels and "用户管理" not in labels and "审计日志" not in labels
