"""notify(): one message per recipient and event, set-based, delivered by the channels each user chose;
a failed e-mail is retried by `edubureau notify send-due`, a sent one never sent again."""

import logging

import pytest
from django.core import mail
from django.core.management import call_command

from edubureau.notifications import services
from edubureau.notifications.models import Channel, Delivery, Kind, Notification
from edubureau.notifications.services import notify, save_preferences

pytestmark = pytest.mark.django_db


class BrokenBackend:
    """An SMTP server that refuses every message."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("SMTP 服务器拒绝连接")


def test_it_stores_one_message_per_recipient_and_event(school_a_admin, school_a_clerk):
    first = notify(
        [school_a_admin, school_a_clerk], Kind.NEW_ALERT, "新预警：实验小学", "3 例", "/health/", "alert:1"
    )
    again = notify(
        [school_a_admin, school_a_clerk], Kind.NEW_ALERT, "新预警：实验小学", "3 例", "/health/", "alert:1"
    )
    other = notify([school_a_admin], Kind.NEW_ALERT, "新预警：实验小学", "", "", "alert:2")
    assert (len(first), again, len(other)) == (2, [], 1)
    assert Notification.objects.filter(recipient=school_a_admin).count() == 2
    assert Notification.objects.filter(recipient=school_a_clerk).get().title == "新预警：实验小学"


def test_it_tells_no_inactive_user_and_needs_a_key(school_a_admin, school_a_clerk):
    school_a_clerk.is_active = False
    school_a_clerk.save()
    notify([school_a_admin, school_a_clerk, None], Kind.NEW_ALERT, "新预警", key="alert:1")
    assert list(Notification.objects.values_list("recipient__username", flat=True)) == ["a_admin"]
    with pytest.raises(ValueError):
        notify([school_a_admin], Kind.NEW_ALERT, "新预警")


def test_it_stores_many_recipients_in_a_few_statements(db, django_assert_max_num_queries, school_a):
    from conftest import make_user
    from edubureau.accounts.models import User
    from edubureau.accounts.roles import Role

    for n in range(120):
        make_user(f"clerk{n}", Role.SCHOOL_CLERK, org=school_a)
    with django_assert_max_num_queries(8):
        notify(
            User.objects.filter(org=school_a),
            Kind.REPORT_MISSING,
            "晨检日报未按时上报",
            key="report:2025-11-17",
        )
    assert Notification.objects.count() == 120


def test_it_emails_and_texts_those_who_chose_it(school_a_admin, school_a_clerk, caplog):
    school_a_admin.email, school_a_admin.phone = "admin@a.example", "13812345678"
    school_a_admin.save()
    save_preferences(school_a_admin, {Kind.NEW_ALERT: (True, True)})
    with caplog.at_level(logging.INFO, logger="edubureau.core.sms"):
        notify(
            [school_a_admin, school_a_clerk],
            Kind.NEW_ALERT,
            "新预警：实验小学",
            "3 例",
            "/health/alerts/1/",
            "alert:1",
        )
        notify([school_a_admin], Kind.ALERT_ASSIGNED, "预警指派给您", key="alert:1:assignee")  # in-app only
    assert [m.to for m in mail.outbox] == [["admin@a.example"]]
    assert (
        mail.outbox[0].subject == "[EduBureau] 新预警：实验小学"
        and "/health/alerts/1/" in mail.outbox[0].body
    )
    texts = [r.getMessage() for r in caplog.records if r.name == "edubureau.core.sms"]
    assert texts == ["SMS to 138****5678: 新预警：实验小学。详情请登录工作台查看。"]
    assert "13812345678" not in caplog.text
    assert sorted(Delivery.objects.values_list("channel", "status")) == [("email", "sent"), ("sms", "sent")]


def test_it_records_a_channel_it_cannot_use(school_a_clerk):
    save_preferences(school_a_clerk, {Kind.NEW_ALERT: (True, False)})
    notify([school_a_clerk], Kind.NEW_ALERT, "新预警", key="alert:1")
    delivery = Delivery.objects.get()
    assert (delivery.channel, delivery.status, delivery.error) == (Channel.EMAIL, "skipped", "用户未填写邮箱")
    assert mail.outbox == []


def test_it_retries_a_failed_email_on_the_next_run_and_never_sends_it_twice(school_a_admin, settings):
    school_a_admin.email = "admin@a.example"
    school_a_admin.save()
    save_preferences(school_a_admin, {Kind.NEW_ALERT: (True, False)})
    settings.EMAIL_BACKEND = f"{__name__}.BrokenBackend"
    notify([school_a_admin], Kind.NEW_ALERT, "新预警", key="alert:1")  # the action goes on regardless
    failed = Delivery.objects.get()
    assert (failed.status, failed.attempts, failed.error) == ("failed", 1, "SMTP 服务器拒绝连接")

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("notify", "send-due")
    call_command("notify", "send-due")
    sent = Delivery.objects.get()
    assert (sent.status, sent.attempts, sent.error) == ("sent", 2, "")
    assert len(mail.outbox) == 1


def test_it_gives_up_after_the_last_attempt(school_a_admin, settings):
    school_a_admin.email = "admin@a.example"
    school_a_admin.save()
    save_preferences(school_a_admin, {Kind.NEW_ALERT: (True, False)})
    settings.EMAIL_BACKEND = f"{__name__}.BrokenBackend"
    notify([school_a_admin], Kind.NEW_ALERT, "新预警", key="alert:1")
    for _ in range(services.MAX_ATTEMPTS + 2):
        services.deliver()
    assert Delivery.objects.get().attempts == services.MAX_ATTEMPTS


def test_a_failing_message_never_reaches_the_action(
    school_a_admin, django_capture_on_commit_callbacks, caplog
):
    def broken():
        raise RuntimeError("boom")

    with django_capture_on_commit_callbacks(execute=True):
        services.later(broken)
        services.later(notify, [school_a_admin], Kind.NEW_ALERT, "新预警", "", "", "alert:1")
    assert "notification broken failed" in caplog.text
    assert Notification.objects.count() == 1


def test_the_sms_gateway_is_pluggable(settings):
    from edubureau.core import sms

    sent = []

    class Recorder(sms.Gateway):
        def send(self, phone, text):
            sent.append((phone, text))

    settings.SMS_GATEWAY = f"{__name__}.Recorder"
    globals()["Recorder"] = Recorder
    sms.send_sms(" 13812345678 ", "验证码 123456")
    assert sent == [("13812345678", "验证码 123456")]
    with pytest.raises(sms.SmsError, match="没有手机号"):
        sms.send_sms("  ", "x")  # refused before any gateway sees it
    assert len(sent) == 1
    with pytest.raises(sms.SmsError, match="SMS_HTTP_URL"):
        sms.HttpGateway(url="").send("13812345678", "x")
