"""The scope-matrix hook (tests/test_scope_matrix.py): a message of the administrator's, filed as school
A's object, so every actor but its recipient must get 404 on its page and API routes."""

from ..models import Kind, Notification


def seed(data, actors) -> None:
    data.a[Notification] = Notification.objects.create(
        recipient=actors["admin"],
        kind=Kind.IMPORT_FINISHED,
        key="matrix",
        title="导入完成：学生.xlsx",
        body="新增 1，更新 0，未变 0，错误 0",
    )
