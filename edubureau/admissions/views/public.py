"""Published lotteries, open to everyone without logging in: application numbers and hashes only,
never a name or an ID number, so that a family or a notary can recompute any draw offline."""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views import View

from ..models import Draw
from ..services import draws


def _csv(text: str, filename: str) -> HttpResponse:
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class PublicDrawListView(View):
    model = Draw

    def get(self, request):
        rows = Draw.objects.select_related("campaign", "school").order_by("-campaign__year", "sequence", "pk")
        return render(request, "admissions/public_draw_list.html", {"draws": rows})


class PublicDrawDetailView(View):
    model = Draw

    def get(self, request, pk):
        draw = get_object_or_404(Draw.objects.select_related("campaign", "school"), pk=pk)
        return render(request, "admissions/public_draw_detail.html", {"draw": draw})


class PublicListCsvView(View):
    """LIST.csv: header applicant_id, one application number per line (published before the draw)."""

    model = Draw

    def get(self, request, pk):
        draw = get_object_or_404(Draw, pk=pk)
        return _csv(draws.list_csv(draw), f"LIST-{draw.pk}.csv")


class PublicOrderCsvView(View):
    """ORDER.csv: rank,applicant_id (only once drawn)."""

    model = Draw

    def get(self, request, pk):
        draw = get_object_or_404(Draw, pk=pk)
        if not draw.is_drawn:
            raise Http404("尚未摇号。")
        return _csv(draws.order_csv(draw), f"ORDER-{draw.pk}.csv")
