"""Wagtail admin views for editors: decide on a memory, feature it, download exports."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from stadtgedaechtnis import services
from stadtgedaechtnis.exports import FORMATS, export_bytes
from stadtgedaechtnis.forms_admin import ModerationForm
from stadtgedaechtnis.models import Memory, MemoryContact

URL_NAMESPACE = "stadtgedaechtnis_memory"


def index_url() -> str:
    return reverse(f"{URL_NAMESPACE}:list")


def _require(request, perm, obj=None):
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied


class ModerateView(WagtailAdminTemplateMixin, FormView):
    """Publish, ask for changes or reject one memory (with reason and message)."""

    template_name = "stadtgedaechtnis/admin/moderate.html"
    form_class = ModerationForm
    header_icon = "doc-full-inverse"
    page_title = gettext_lazy("Erinnerung prüfen")

    def dispatch(self, request, *args, **kwargs):
        _require(request, "stadtgedaechtnis.moderate_memory")
        self.memory = get_object_or_404(
            Memory.objects.select_related("district", "author"), pk=kwargs["pk"]
        )
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.memory.title

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": index_url(), "label": _("Erinnerungen")},
            {"url": "", "label": self.memory.title},
        ]

    def allowed_actions(self):
        return [
            a for a in ("publish", "request_changes", "reject") if services.allowed(self.memory, a)
        ]

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "allowed_actions": self.allowed_actions()}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        memory = self.memory
        context.update(
            memory=memory,
            photos=list(memory.photos.select_related("image")),
            events=list(memory.events.select_related("actor")),
            contact=MemoryContact.objects.filter(memory=memory).first(),
            allowed_actions=self.allowed_actions(),
            edit_url=reverse(f"{URL_NAMESPACE}:edit", args=[memory.pk]),
            preview_url=memory.get_absolute_url(),
            feature_url=reverse(f"{URL_NAMESPACE}:feature", args=[memory.pk]),
        )
        return context

    def form_valid(self, form):
        action = form.cleaned_data["action"]
        message = form.cleaned_data.get("message", "").strip()
        user = self.request.user
        try:
            if action == "publish":
                services.publish(self.memory, actor=user, message=message, request=self.request)
                text = _("„%(title)s“ ist veröffentlicht.")
            elif action == "request_changes":
                services.request_changes(
                    self.memory, actor=user, message=message, request=self.request
                )
                text = _("Die Bitte um Änderungen an „%(title)s“ wurde verschickt.")
            else:
                services.reject(
                    self.memory,
                    actor=user,
                    reason=form.cleaned_data.get("reason"),
                    message=message,
                    request=self.request,
                )
                text = _("„%(title)s“ wurde abgelehnt.")
        except services.TransitionNotAllowed as exc:
            messages.error(self.request, str(exc))
            return redirect(index_url())
        messages.success(self.request, text % {"title": self.memory.title})
        return redirect(index_url())


class FeatureView(View):
    """Make a published memory the "Erinnerung des Monats" (POST only)."""

    http_method_names = ["post"]

    def post(self, request, pk):
        _require(request, "stadtgedaechtnis.moderate_memory")
        memory = get_object_or_404(Memory, pk=pk)
        try:
            services.feature(memory, actor=request.user)
        except services.TransitionNotAllowed as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _("„%(title)s“ ist jetzt die Erinnerung des Monats.") % {"title": memory.title},
            )
        return redirect(index_url())


class ExportView(View):
    """Download the published memories as GeoJSON, GeoPackage or CSV."""

    def get(self, request, fmt):
        _require(request, "stadtgedaechtnis.export_memories")
        if fmt not in FORMATS:
            raise PermissionDenied
        content_type, extension = FORMATS[fmt]
        data = export_bytes(fmt, base_url=request.build_absolute_uri("/"))
        response = HttpResponse(data, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="erinnerungen.{extension}"'
        return response
