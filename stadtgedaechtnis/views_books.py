"""Admin views of a reading book: start the PDF job, release the book and tell its contributors.

Both show a confirmation page on GET and act on POST; both require
``stadtgedaechtnis.compose_books`` (403 otherwise).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from civic import jobs
from stadtgedaechtnis import books
from stadtgedaechtnis.models import BookNotification, BookPage

PDF_JOB = "stadtgedaechtnis.book_pdf"


class _BookAdminView(WagtailAdminTemplateMixin, TemplateView):
    header_icon = "doc-full"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("stadtgedaechtnis.compose_books"):
            raise PermissionDenied
        self.book = get_object_or_404(BookPage, pk=kwargs["page_id"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.book.book_label

    def edit_url(self):
        return reverse("wagtailadmin_pages:edit", args=[self.book.pk])

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": self.edit_url(), "label": self.book.title},
            {"url": "", "label": str(self.page_title)},
        ]

    def get_context_data(self, **kwargs):
        chapters = books.book_contents(self.book)
        return super().get_context_data(
            book=self.book,
            edit_url=self.edit_url(),
            chapters=chapters,
            entry_count=sum(len(c.entries) for c in chapters),
            affected=books.affected_entries(self.book),
            **kwargs,
        )


class BookPdfView(_BookAdminView):
    """Confirm, then start the background job that makes the book's PDF."""

    template_name = "stadtgedaechtnis/books/admin_pdf.html"
    page_title = gettext_lazy("PDF erzeugen")

    def post(self, request, *args, **kwargs):
        job = jobs.start(
            PDF_JOB,
            user=request.user,
            params={
                "book": self.book.pk,
                "publish": bool(request.POST.get("publish")) and self.book.is_released,
            },
            title=_("%(book)s (PDF)") % {"book": self.book.book_label},
        )
        return redirect(job.get_absolute_url())


class BookReleaseView(_BookAdminView):
    """Release the book and e-mail the contributors who agreed to be contacted (once each)."""

    template_name = "stadtgedaechtnis/books/admin_release.html"
    page_title = gettext_lazy("Lesebuch veröffentlichen und Mitwirkende benachrichtigen")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        memories = books.book_memories(context["chapters"])
        told = set(BookNotification.objects.filter(book=self.book).values_list("email", flat=True))
        reachable = {
            address[1].strip().lower()
            for address in (books.contributor_address(m) for m in memories)
            if address is not None
        }
        context.update(
            released=self.book.is_released,
            live=self.book.live,
            to_tell=len(reachable - told),
            already_told=len(told),
            unreachable=len(memories)
            - len([m for m in memories if books.contributor_address(m) is not None]),
        )
        return context

    def post(self, request, *args, **kwargs):
        if not self.book.live:
            messages.error(request, _("Bitte veröffentlichen Sie zuerst die Seite des Lesebuchs."))
            return redirect(request.path)
        result = books.release_and_notify(self.book, user=request.user, request=request)
        if result.newly_released:
            messages.success(
                request,
                _("Das Lesebuch ist veröffentlicht. %(count)d Mitwirkende werden benachrichtigt.")
                % {"count": len(result.told)},
            )
        else:
            messages.success(
                request,
                _(
                    "Das Lesebuch war schon veröffentlicht. %(count)d weitere Mitwirkende werden "
                    "benachrichtigt."
                )
                % {"count": len(result.told)},
            )
        return redirect(self.edit_url())
