"""Registrations of the reading books (Lesebücher): page type, admin hooks, job, signal, seed.

Imported from ``AppConfig.ready()``; models and views are imported inside the functions.
"""

from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from civic import jobs
from civic.registry import register_home_child, register_seed_step

# --------------------------------------------------------------------------------------------
# Admin


@hooks.register("register_admin_viewset")
def register_book_memory_chooser():
    from stadtgedaechtnis.books_admin import book_memory_chooser_viewset

    return book_memory_chooser_viewset


@hooks.register("register_admin_urls")
def register_book_admin_urls():
    from django.urls import include, path

    from stadtgedaechtnis.books_admin import URL_NAMESPACE, admin_urls

    return [
        path("stadtgedaechtnis/", include((admin_urls(), URL_NAMESPACE), namespace=URL_NAMESPACE))
    ]


@hooks.register("register_page_header_buttons")
def book_header_buttons(page, user, view_name, next_url=None):
    from stadtgedaechtnis.books_admin import book_header_buttons as buttons

    return buttons(page, user, view_name, next_url)


@hooks.register("before_edit_page")
def warn_about_unprintable_entries(request, page):
    from stadtgedaechtnis.books_admin import warn_on_edit

    return warn_on_edit(request, page)


# --------------------------------------------------------------------------------------------
# The PDF job


def _run_book_pdf(job, progress):
    from stadtgedaechtnis.books import run_book_pdf

    return run_book_pdf(job, progress)


jobs.register(
    "stadtgedaechtnis.book_pdf",
    run=_run_book_pdf,
    label=_("PDF eines Lesebuchs"),
    permission=lambda user, params: user.has_perm("stadtgedaechtnis.compose_books"),
)


# --------------------------------------------------------------------------------------------
# Warn the editors when a memory in a book can no longer be printed


WATCHED_FIELDS = {"status", "print_allowed"}


def _memory_saved(sender, instance, update_fields=None, raw=False, **kwargs):
    if raw:
        return
    if update_fields is not None and not (set(update_fields) & WATCHED_FIELDS):
        return
    from stadtgedaechtnis.books import check_memory

    check_memory(instance)


post_save.connect(
    _memory_saved, sender="stadtgedaechtnis.Memory", dispatch_uid="stadtgedaechtnis_books_check"
)


# --------------------------------------------------------------------------------------------
# Site


def _seed(context):
    from stadtgedaechtnis.demo_books import seed

    seed(context)


register_home_child("stadtgedaechtnis.BookIndexPage")
register_seed_step(110, "Lesebücher", _seed)
