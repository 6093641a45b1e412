from django.urls import path

from .tables import APPLICATION_EXPORT_COLUMNS
from .views import applications, campaigns, draws, public

app_name = "admissions"
urlpatterns = [
    # Campaigns, stages, plans
    path("campaigns/", campaigns.CampaignListView.as_view(), name="campaign_list"),
    path("campaigns/export/", campaigns.CampaignListView.as_view(export=True), name="campaign_export"),
    path("campaigns/add/", campaigns.CampaignEditView.as_view(), name="campaign_add"),
    path("campaigns/<int:pk>/", campaigns.CampaignDetailView.as_view(), name="campaign_detail"),
    path("campaigns/<int:pk>/edit/", campaigns.CampaignEditView.as_view(), name="campaign_edit"),
    path("campaigns/<int:pk>/tiers/", campaigns.TiersEditView.as_view(), name="campaign_tiers"),
    path("stages/<int:pk>/edit/", campaigns.StageEditView.as_view(), name="stage_edit"),
    path("stages/<int:pk>/open/", campaigns.StageActionView.as_view(verb="open"), name="stage_open"),
    path("stages/<int:pk>/close/", campaigns.StageActionView.as_view(verb="close"), name="stage_close"),
    path("plans/", campaigns.PlanListView.as_view(), name="plan_list"),
    path("plans/export/", campaigns.PlanListView.as_view(export=True), name="plan_export"),
    path("plans/add/", campaigns.PlanEditView.as_view(), name="plan_add"),
    path("plans/<int:pk>/edit/", campaigns.PlanEditView.as_view(), name="plan_edit"),
    # Applications
    path("applications/", applications.ApplicationListView.as_view(), name="application_list"),
    path(
        "applications/export/",
        applications.ApplicationListView.as_view(export=True, columns=APPLICATION_EXPORT_COLUMNS),
        name="application_export",
    ),
    path(
        "campaigns/<int:pk>/apply/",
        applications.ApplicationEditView.as_view(creating=True),
        name="application_add",
    ),
    path("applications/<int:pk>/", applications.ApplicationDetailView.as_view(), name="application_detail"),
    path("applications/<int:pk>/edit/", applications.ApplicationEditView.as_view(), name="application_edit"),
    path(
        "applications/<int:pk>/verify/",
        applications.ApplicationVerifyView.as_view(),
        name="application_verify",
    ),
    # Private-school lotteries (staff)
    path("campaigns/<int:pk>/lotteries/", draws.LotteryOverviewView.as_view(), name="lottery_overview"),
    path("campaigns/<int:pk>/lotteries/publish/", draws.DrawPublishView.as_view(), name="draw_publish"),
    path("draws/", draws.DrawListView.as_view(), name="draw_list"),
    path("draws/export/", draws.DrawListView.as_view(export=True), name="draw_export"),
    path("draws/<int:pk>/", draws.DrawDetailView.as_view(), name="draw_detail"),
    path("draws/<int:pk>/draw/", draws.DrawPerformView.as_view(), name="draw_perform"),
    # Published lotteries: public, no login, no personal data
    path("public/lotteries/", public.PublicDrawListView.as_view(), name="public_draw_list"),
    path("public/lotteries/<int:pk>/", public.PublicDrawDetailView.as_view(), name="public_draw_detail"),
    path(
        "public/lotteries/<int:pk>/LIST.csv", public.PublicListCsvView.as_view(), name="public_draw_list_csv"
    ),
    path(
        "public/lotteries/<int:pk>/ORDER.csv",
        public.PublicOrderCsvView.as_view(),
        name="public_draw_order_csv",
    ),
]

# helper 3: allocation/catchment routes below
from .views import allocation as allocation_views  # noqa: E402
from .views import catchment as catchment_views  # noqa: E402

urlpatterns += [
    # 对口/学区划分
    path("catchment/rules/", catchment_views.CatchmentRuleListView.as_view(), name="catchment_rule_list"),
    path(
        "catchment/rules/export/",
        catchment_views.CatchmentRuleListView.as_view(export=True),
        name="catchment_rule_export",
    ),
    path("catchment/rules/add/", catchment_views.CatchmentRuleEditView.as_view(), name="catchment_rule_add"),
    path(
        "catchment/rules/<int:pk>/edit/",
        catchment_views.CatchmentRuleEditView.as_view(),
        name="catchment_rule_edit",
    ),
    path(
        "catchment/rules/<int:pk>/delete/",
        catchment_views.CatchmentRuleDeleteView.as_view(),
        name="catchment_rule_delete",
    ),
    path("catchment/groups/", catchment_views.CatchmentGroupListView.as_view(), name="catchment_group_list"),
    path(
        "catchment/groups/export/",
        catchment_views.CatchmentGroupListView.as_view(export=True),
        name="catchment_group_export",
    ),
    path(
        "catchment/groups/add/", catchment_views.CatchmentGroupEditView.as_view(), name="catchment_group_add"
    ),
    path(
        "catchment/groups/<int:pk>/edit/",
        catchment_views.CatchmentGroupEditView.as_view(),
        name="catchment_group_edit",
    ),
    path("catchment/lookup/", catchment_views.LookupView.as_view(), name="catchment_lookup"),
    path("catchment/check/", catchment_views.CheckView.as_view(), name="catchment_check"),
    path("catchment/locations/", catchment_views.SchoolLocationListView.as_view(), name="school_location_list"),
    path("catchment/locations/export/", catchment_views.SchoolLocationListView.as_view(export=True), name="school_location_export"),
    path("catchment/locations/add/", catchment_views.SchoolLocationEditView.as_view(), name="school_location_add"),
    path("catchment/locations/<int:pk>/edit/", catchment_views.SchoolLocationEditView.as_view(), name="school_location_edit"),
    # 录取分配与结果
    path("allocation/", allocation_views.AllocationView.as_view(), name="allocation"),
    path("allocation/runs/", allocation_views.AllocationRunListView.as_view(), name="allocation_run_list"),
    path(
        "allocation/runs/export/",
        allocation_views.AllocationRunListView.as_view(export=True),
        name="allocation_run_export",
    ),
    path(
        "allocation/runs/<int:pk>/",
        allocation_views.AllocationRunDetailView.as_view(),
        name="allocation_run_detail",
    ),
    path(
        "allocation/runs/<int:pk>/classes/",
        allocation_views.RunActionView.as_view(verb="classes"),
        name="allocation_run_classes",
    ),
    path(
        "allocation/runs/<int:pk>/publish/",
        allocation_views.RunActionView.as_view(verb="publish"),
        name="allocation_run_publish",
    ),
    path(
        "allocation/runs/<int:pk>/notices/",
        allocation_views.SchoolNoticesView.as_view(),
        name="placement_notices",
    ),
    path("placements/", allocation_views.PlacementListView.as_view(), name="placement_list"),
    path(
        "placements/export/", allocation_views.PlacementListView.as_view(export=True), name="placement_export"
    ),
    path(
        "placements/<int:pk>/notice/", allocation_views.PlacementNoticeView.as_view(), name="placement_notice"
    ),
    path("appeals/", allocation_views.AppealListView.as_view(), name="appeal_list"),
    path("appeals/export/", allocation_views.AppealListView.as_view(export=True), name="appeal_export"),
    path("applications/<int:pk>/appeal/", allocation_views.AppealAddView.as_view(), name="appeal_add"),
    path("appeals/<int:pk>/answer/", allocation_views.AppealAnswerView.as_view(), name="appeal_edit"),
]
