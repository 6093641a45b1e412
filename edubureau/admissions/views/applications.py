"""Applications: list, detail (with the tier explanation and the documents checklist), registration,
correction, verification. Rules are in services.applications; a school sees the applications naming it."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from edubureau.core import idcodes
from edubureau.core.masking import detail_rows, form_unmask_context, mask, unmask_requested
from edubureau.core.scope import ADD, CHANGE, VIEW
from edubureau.core.views import ObjectDetailView, ObjectListView, ScopedMixin

from ..filtersets import ApplicationFilterSet
from ..forms import ApplicationForm, VerifyForm, add_service_errors
from ..models import Application, ApplicationChoice, ApplicationStatus, Campaign
from ..services import applications
from ..tables import APPLICATION_COLUMNS

DETAIL_FIELDS = (
    "gender", "birth_date", "id_type", "id_number", "hukou_type", "hukou_address", "residence_street",
    "residence_community", "residence_road", "residence_house_no", "residence_address", "person_household_same",
    "residence_proof", "property_owner", "property_share", "property_since", "is_migrant", "residence_permit",
    "permit_points", "points_met", "sibling_school", "sibling_name", "catchment_school", "lottery_number",
    "admitted_school",
)  # fmt: skip


class ApplicationListView(ObjectListView):
    model = Application
    filterset_class = ApplicationFilterSet
    columns = APPLICATION_COLUMNS
    select_related = ("tier", "admitted_school", "campaign")
    import_url_name = "core:import_new_applications"
    export_name = "入学申请"

    def get_queryset(self, action=None):
        choices = Prefetch("choices", ApplicationChoice.objects.select_related("school"))
        return super().get_queryset(action).prefetch_related(choices)

    def base_context(self, **extra):
        # Registration starts from a campaign: the newest one the user sees.
        context = super().base_context(**extra)
        campaign = Campaign.objects.for_user(self.request.user).first()
        allowed = campaign is not None and self.module_allows(ADD)
        context["add_url"] = reverse("admissions:application_add", args=[campaign.pk]) if allowed else None
        return context


class ApplicationDetailView(ObjectDetailView):
    model = Application
    template_name = "admissions/application_detail.html"

    def get_queryset(self, action=None):
        return (
            super().get_queryset(action).select_related("campaign", "tier", "verified_by", "admitted_school")
        )

    def list_url(self):
        return reverse("admissions:application_list")

    def extra_context(self, obj, unmasked):
        user = self.request.user
        may_change = Application.objects.for_user(user, CHANGE).filter(pk=obj.pk).exists()
        guardians = [
            (g, g.name if unmasked else idcodes.mask_name(g.name), mask(g.id_number, "id_number", unmasked),
             mask(g.phone, "phone", unmasked))
            for g in obj.guardians.all()
        ]  # fmt: skip
        required = applications.required_documents(obj)
        return {
            "fields": detail_rows(obj, DETAIL_FIELDS, unmasked),
            "guardians": guardians,
            "choices": obj.choices.select_related("school"),
            "checklist": [(doc, doc in obj.documents) for doc in required],
            "reviews": obj.reviews.all(),
            "entries": obj.draw_entries.select_related("draw__school"),
            "may_change": may_change,
            "verify_form": VerifyForm(application=obj)
            if may_change and obj.status != ApplicationStatus.PASSED
            else None,
        }


class ApplicationEditView(ScopedMixin, View):
    """Registration (a campaign's pk) or correction (an application's pk) of an application."""

    model = Application
    template_name = "admissions/application_form.html"
    creating = False

    def get_target(self, pk):
        if self.creating:
            self.require(ADD)
            campaign = get_object_or_404(Campaign.objects.for_user(self.request.user, VIEW), pk=pk)
            return campaign, Application(campaign=campaign)
        self.require(CHANGE)
        application = get_object_or_404(self.get_queryset(CHANGE).select_related("campaign"), pk=pk)
        return application.campaign, application

    def get(self, request, pk):
        campaign, application = self.get_target(pk)
        return self.render_form(application, self.get_form(application, campaign))

    def get_form(self, application, campaign, data=None):
        unmasked = unmask_requested(self.request)
        return ApplicationForm(data, instance=application, campaign=campaign, unmasked=unmasked)

    def post(self, request, pk):
        campaign, application = self.get_target(pk)
        form = self.get_form(application, campaign, request.POST)
        if not form.is_valid():
            return self.render_form(application, form)
        registration = form.registration()
        try:
            if self.creating:
                application = applications.register(campaign, registration, user=request.user)
            else:
                application = applications.update_application(
                    application, child=registration.child, guardians=registration.guardians,
                    choices=registration.choices, user=request.user, reason=form.cleaned_data.get("reason", ""),
                )  # fmt: skip
        except ValidationError as e:
            add_service_errors(form, e)
            return self.render_form(application, form)
        messages.success(request, _("已保存：%(obj)s") % {"obj": application})
        if Application.objects.for_user(request.user).filter(pk=application.pk).exists():
            return redirect(application.get_absolute_url())
        return redirect("admissions:application_list")

    def render_form(self, application, form):
        title = _("修改入学申请") if application.pk else _("入学报名：%(c)s") % {"c": application.campaign}
        context = self.base_context(
            object=application, form=form, title=title,
            breadcrumbs=[(_("入学申请"), reverse("admissions:application_list")), (title, None)],
            **form_unmask_context(self.request, form, title, application),
        )  # fmt: skip
        return render(self.request, self.template_name, context, status=400 if form.errors else 200)


class ApplicationVerifyView(ScopedMixin, View):
    """POST from the application page: one verification step (通过 / 退回补正)."""

    model = Application
    action = CHANGE

    def post(self, request, pk):
        self.require(CHANGE)
        application = get_object_or_404(self.get_queryset(CHANGE).select_related("campaign"), pk=pk)
        form = VerifyForm(request.POST, application=application)
        if form.is_valid():
            data = form.cleaned_data
            try:
                applications.verify(
                    application, user=request.user, passed=data["decision"] == "pass",
                    documents=data["documents"], reason=data["reason"],
                )  # fmt: skip
            except ValidationError as e:
                messages.error(request, "；".join(e.messages))
            else:
                messages.success(request, _("已记录验证结论：%(n)s") % {"n": application.number})
        else:
            messages.error(request, "；".join(str(m) for errors in form.errors.values() for m in errors))
        return redirect(application.get_absolute_url())
