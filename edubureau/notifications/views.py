"""消息中心 pages: the full list, one message (opening marks it read), the bell's dropdown and badge,
mark all read, and the user's channels per kind. A user only ever reaches their own messages (404)."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View

from . import services
from .filtersets import NotificationFilterSet
from .forms import PreferencesForm
from .models import Notification


def _own(request):
    return Notification.objects.for_user(request.user)


class NotificationListView(LoginRequiredMixin, View):
    paginate_by = 20

    def get(self, request):
        filterset = NotificationFilterSet(request.GET or None, queryset=_own(request), request=request)
        queryset = filterset.qs if filterset.is_bound and filterset.is_valid() else _own(request)
        page = Paginator(queryset, self.paginate_by).get_page(request.GET.get("page"))
        return render(request, "notifications/list.html", {
            "title": _("消息中心"), "filter_form": filterset.form, "page_obj": page,
        })  # fmt: skip


class NotificationOpenView(LoginRequiredMixin, View):
    """Opening a message marks it read and goes to what it is about (its page when it links nowhere)."""

    model = Notification

    def get(self, request, pk):
        notification = get_object_or_404(_own(request), pk=pk)
        services.mark_read(request.user, notification)
        link = notification.link
        if link.startswith("/") and url_has_allowed_host_and_scheme(link, allowed_hosts={request.get_host()}):
            return redirect(link)
        breadcrumbs = [(_("消息中心"), reverse("notifications:list")), (notification.title, None)]
        return render(request, "notifications/detail.html", {
            "title": notification.title, "object": notification, "breadcrumbs": breadcrumbs,
        })  # fmt: skip


class MenuView(LoginRequiredMixin, View):
    """The bell's dropdown (HTMX): the latest messages, and the badge again (out of band)."""

    def get(self, request):
        return render_menu(request)


def render_menu(request):
    return render(request, "notifications/_menu.html", {
        "latest": _own(request)[: services.LATEST], "count": services.unread_count(request.user),
    })  # fmt: skip


class BadgeView(LoginRequiredMixin, View):
    """The unread count (polled by the bell every 60 s)."""

    def get(self, request):
        return render(request, "notifications/_badge.html", {"count": services.unread_count(request.user)})


class ReadAllView(LoginRequiredMixin, View):
    def post(self, request):
        count = services.mark_all_read(request.user)
        if request.headers.get("HX-Request"):
            return render_menu(request)
        messages.success(request, _("已将 %(count)s 条消息标为已读。") % {"count": count})
        return redirect("notifications:list")


class PreferencesView(LoginRequiredMixin, View):
    template_name = "notifications/preferences.html"

    def get(self, request):
        return self.render(PreferencesForm(initial_choices=services.preferences_of(request.user)))

    def post(self, request):
        form = PreferencesForm(request.POST, initial_choices=services.preferences_of(request.user))
        if not form.is_valid():
            return self.render(form, status=400)
        services.save_preferences(request.user, form.choices())
        messages.success(request, _("通知设置已保存。"))
        return redirect("notifications:preferences")

    def render(self, form, status=200):
        user = self.request.user
        return render(self.request, self.template_name, {
            "title": _("通知设置"), "form": form, "has_email": bool(user.email), "has_phone": bool(user.phone),
            "breadcrumbs": [(_("消息中心"), reverse("notifications:list")), (_("通知设置"), None)],
        }, status=status)  # fmt: skip
