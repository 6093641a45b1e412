"""Login lock-out (django-axes) with a limit for each way of counting failed logins.

settings.AXES_LOCKOUT_PARAMETERS counts failures per (account, address), per account from any address
and per address across accounts; a login is refused while any count is at its limit:

  (account, address)         AXES_FAILURE_LIMIT           5   someone mistyping, or guessing one account
  account, any address       AXES_ACCOUNT_FAILURE_LIMIT  10   guessing one account from many addresses
  address, any account       AXES_ADDRESS_FAILURE_LIMIT  30   trying many accounts from one address

axes compares every count with the one AXES_FAILURE_LIMIT, so LockoutHandler states each count in units
of that limit (failures × AXES_FAILURE_LIMIT ÷ the group's own limit, rounded down): axes's comparison
`failures >= AXES_FAILURE_LIMIT` then holds exactly when some group has reached its own limit.
"""

from datetime import timedelta

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off, get_failure_limit, get_lockout_parameters
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.shortcuts import render
from django.utils import timezone


def limit_of(parameter, pair_limit: int) -> int:
    """The failure limit of one entry of AXES_LOCKOUT_PARAMETERS."""
    if parameter in ("username", ["username"]):
        return settings.AXES_ACCOUNT_FAILURE_LIMIT
    if parameter in ("ip_address", ["ip_address"]):
        return settings.AXES_ADDRESS_FAILURE_LIMIT
    return pair_limit


class LockoutHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials=None) -> int:
        pair_limit = get_failure_limit(request, credentials)
        parameters = get_lockout_parameters(request, credentials)
        worst = 0
        for parameter, attempts in zip(parameters, self.get_user_attempts(request, credentials), strict=True):
            failures = attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            worst = max(worst, failures * pair_limit // max(limit_of(parameter, pair_limit), 1))
        return worst

    def reset_user_attempts(self, request, credentials=None) -> int:
        """A successful login clears the failures of this account from this address only: logging in
        with one's own account must not wipe the count of an address trying other accounts, nor the
        failures against this account from elsewhere."""
        count, _ = AccessAttempt.objects.filter(
            username=get_client_username(request, credentials), ip_address=request.axes_ip_address
        ).delete()
        return count


def lockout_response(request, original_response=None, credentials=None):
    """The lock-out page (settings.AXES_LOCKOUT_CALLABLE): when to try again and whom to ask.
    Every refused attempt starts the cool-off again, so it ends one cool-off from now."""
    cool_off = get_cool_off(request) or timedelta(0)
    now = timezone.localtime()
    until = timezone.localtime(now + cool_off)
    return render(
        request,
        settings.AXES_LOCKOUT_TEMPLATE,
        {
            "minutes": max(round(cool_off.total_seconds() / 60), 1),
            "until": until.strftime("%H:%M" if until.date() == now.date() else "%Y-%m-%d %H:%M"),
        },
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
