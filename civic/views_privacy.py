""" "Meine Daten": download everything stored about oneself, and delete one's account.

Thin views over civic.privacy: the export is streamed as a ZIP (bounded memory however much a
person contributed), the deletion re-authenticates with the password and runs in one transaction.
Both are recorded in Wagtail's log (by account number, not by name).
"""

from django.contrib.auth import logout
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views import View
from django.views.generic import FormView, TemplateView

from civic import privacy
from civic.forms_privacy import DeleteAccountForm


class MyDataView(LoginRequiredMixin, TemplateView):
    """The overview: what is stored, the download button, the way to delete the account."""

    template_name = "civic/privacy/my_data.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["retention_periods"] = privacy.retention_periods()
        return context


class DownloadView(LoginRequiredMixin, View):
    """POST only (a button, no link a crawler or another site could trigger): the ZIP."""

    http_method_names = ["post"]

    def post(self, request):
        export = privacy.build_export(request.user)
        privacy.record_export(request.user)
        filename = f"meine-daten-{timezone.localdate():%Y-%m-%d}.zip"
        response = StreamingHttpResponse(privacy.stream_zip(export), content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["Cache-Control"] = "private, no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response


class DeleteAccountView(LoginRequiredMixin, FormView):
    template_name = "civic/privacy/delete_account.html"
    form_class = DeleteAccountForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        user = self.request.user
        mode = form.cleaned_data["mode"]
        erasure = privacy.erase_account(user, mode)
        logout(self.request)
        return render(
            self.request,
            "civic/privacy/deleted.html",
            {"deleted_contributions": erasure.delete_contributions},
        )
