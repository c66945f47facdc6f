"""Views of the civic app: "Mein Bereich", site search, districts, the theme stylesheet."""

import hashlib

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView, UpdateView
from wagtail import hooks
from wagtail.models import Site

from civic.forms import ProfileForm
from civic.models import CitySettings, District
from civic.services import site_search


class MyAreaView(LoginRequiredMixin, UpdateView):
    """ "Mein Bereich": the profile and what the domain apps contribute (my memories, ...)."""

    template_name = "civic/my_area.html"
    form_class = ProfileForm

    def get_object(self, queryset=None):
        return self.request.user

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        panels = []
        for fn in hooks.get_hooks("civic_my_area_panels"):
            panels.extend(fn(self.request) or [])
        context["panels"] = panels
        return context

    def form_valid(self, form):
        form.save()
        messages.success(self.request, _("Ihre Angaben wurden gespeichert."))
        return redirect("civic:my_area")


class SearchView(TemplateView):
    """Site search: pages, plus what the domain apps add through the civic_search_results hook."""

    template_name = "civic/search.html"
    per_page = 10

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = (self.request.GET.get("q") or "").strip()[:200]
        hits = site_search(self.request, query) if query else []
        page_obj = Paginator(hits, self.per_page).get_page(self.request.GET.get("seite"))
        context.update(query=query, page_obj=page_obj, hits=page_obj.object_list)
        return context


class DistrictListView(TemplateView):
    """The city's districts: a map and, as its accessible alternative, a table."""

    template_name = "civic/district_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["districts"] = District.objects.only("name", "slug", "population", "source")
        return context


@require_GET
def theme_css(request):
    """The site's colours as CSS custom properties (inline styles are barred by the CSP)."""
    site = Site.find_for_request(request)
    css = (CitySettings.for_site(site) if site else CitySettings()).theme_css()
    response = HttpResponse(css, content_type="text/css; charset=utf-8")
    response["Cache-Control"] = "public, max-age=300"
    response["ETag"] = '"' + hashlib.sha256(css.encode()).hexdigest()[:16] + '"'
    return response
