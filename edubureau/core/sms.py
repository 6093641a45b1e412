"""Text messages through a pluggable gateway: `send_sms(phone, text)`.

Domain-free, so every module uses the same gateway: the notifications' SMS channel today, the families'
one-time login codes later. `settings.SMS_GATEWAY` names the class (a dotted path):

  edubureau.core.sms.LogGateway   (default) writes each message to the log, the phone masked: nothing leaves
                                  the server, which suits trials and intranets without an SMS contract;
  edubureau.core.sms.HttpGateway  POSTs {"phone", "text"} as JSON to SMS_HTTP_URL with
                                  `Authorization: Bearer SMS_HTTP_KEY` — put the operator's (or a small
                                  relay's) address there;
  any class with the same `send(phone, text)`: raise SmsError when the message was not accepted.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from .idcodes import mask_phone

log = logging.getLogger(__name__)


class SmsError(Exception):
    """The gateway did not accept the message (the text says why, without the phone number)."""


class Gateway(Protocol):
    """What SMS_GATEWAY names: send one text to one phone number (given, stripped), or raise SmsError."""

    def send(self, phone: str, text: str) -> None: ...


class LogGateway(Gateway):
    """Writes the message to the log (logger `edubureau.core.sms`), the phone masked (138****5678)."""

    def send(self, phone: str, text: str) -> None:
        log.info("SMS to %s: %s", mask_phone(phone), text)


class HttpGateway(Gateway):
    """POSTs {"phone": …, "text": …} as JSON to `url`; any 2xx answer means accepted."""

    def __init__(self, url: str | None = None, key: str | None = None, timeout: float | None = None):
        self.url = url if url is not None else settings.SMS_HTTP_URL
        self.key = key if key is not None else settings.SMS_HTTP_KEY
        self.timeout = timeout if timeout is not None else settings.SMS_HTTP_TIMEOUT

    def send(self, phone: str, text: str) -> None:
        if not self.url:
            raise SmsError("短信网关地址未配置（SMS_HTTP_URL）")
        body = json.dumps({"phone": phone, "text": text}, ensure_ascii=False).encode()
        request = urllib.request.Request(self.url, data=body, method="POST")
        request.add_header("Content-Type", "application/json; charset=utf-8")
        if self.key:
            request.add_header("Authorization", f"Bearer {self.key}")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 (configured URL)
                status = response.status
        except urllib.error.HTTPError as e:
            raise SmsError(f"短信网关拒绝：HTTP {e.code}") from None
        except (urllib.error.URLError, OSError) as e:
            raise SmsError(f"短信网关不可达：{getattr(e, 'reason', e)}") from None
        if not 200 <= status < 300:
            raise SmsError(f"短信网关拒绝：HTTP {status}")


def gateway() -> Gateway:
    """An instance of the configured gateway (settings.SMS_GATEWAY)."""
    return import_string(settings.SMS_GATEWAY)()


def send_sms(phone: str, text: str) -> None:
    """Send one text through the configured gateway; raises SmsError when there is no number or the
    gateway did not accept it."""
    phone = (phone or "").strip()
    if not phone:
        raise SmsError("没有手机号")
    gateway().send(phone, text)
