"""Erzähle: telling a memory, confirming it (no account), editing and withdrawing it."""

import logging

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from civic import ratelimit
from stadtgedaechtnis import services
from stadtgedaechtnis.forms import TellForms
from stadtgedaechtnis.models import Memory, MemoryContact, Status
from stadtgedaechtnis.submission import save_submission

logger = logging.getLogger(__name__)

STEPS = [
    ("story", _("Ihre Geschichte")),
    ("when", _("Wann?")),
    ("where", _("Wo?")),
    ("media", _("Fotos und Ton")),
    ("rights", _("Rechte und Einwilligung")),
]
THANKS_SESSION_KEY = "stadtgedaechtnis_thanks"


def _render_form(
    request, tell, *, memory=None, token=None, gps=None, ask_location=False, status=200
):
    photos_left = len(tell.photos)
    call = getattr(tell, "book_call", None)
    if call is not None and memory is None:
        if call.call_is_open():
            messages.info(
                request,
                _("Sie erzählen Ihre Erinnerung zum Aufruf „%(call)s“.") % {"call": call.title},
            )
        else:
            messages.warning(
                request,
                _("Der Aufruf „%(call)s“ ist nicht geöffnet.") % {"call": call.title},
            )
    context = {
        "tell": tell,
        "form": tell.memory,
        "memory": memory,
        "token": token,
        "existing_photos": list(memory.photos.select_related("image")) if memory else [],
        "existing_audio": getattr(memory, "audio", None) if memory else None,
        "photo_gps": gps,
        "ask_location": ask_location,
        "photos_left": photos_left,
        "steps": [str(label) for _key, label in STEPS],
        "is_edit": memory is not None,
    }
    return render(request, "stadtgedaechtnis/tell.html", context, status=status)


def _handle(request, *, instance=None, token=None, anonymous=False):
    """GET: the empty (or filled) form; POST: validate, keep uploads, save or show errors."""
    photo_slots = None
    if instance is not None:
        from stadtgedaechtnis import conf

        photo_slots = max(conf.max_photos() - instance.photos.count(), 0)
    tell = TellForms(request, instance=instance, anonymous=anonymous, photo_slots=photo_slots)
    if request.method != "POST":
        return _render_form(request, tell, memory=instance, token=token)

    # Over the limit (civic.ratelimit): nothing is validated into storage or saved; the form
    # comes back with the text as typed and the message. Files picked in this attempt are not
    # kept (that would let a flood fill the disk); files kept from earlier attempts stay.
    blocked = ratelimit.hit(
        request, "memory", account=ratelimit.secret_key(token) if token else None
    )
    if blocked is not None:
        tell.memory.add_error(None, blocked.message)
        return _render_form(request, tell, memory=instance, token=token, status=429)

    choice = request.POST.get("photo_location", "")
    if choice == "use" and not request.POST.get("lat"):
        gps = tell.photo_gps()  # from photos kept from the previous attempt
        if gps:
            data = tell.memory.data.copy()
            data["lon"], data["lat"] = str(gps[0]), str(gps[1])
            tell.memory.data = data

    valid = tell.is_valid()
    gps = tell.photo_gps()
    ask_location = False
    if valid and tell.memory.cleaned_data.get("lat") is None and gps:
        if choice == "use":
            tell.memory.cleaned_data["lon"], tell.memory.cleaned_data["lat"] = gps
        elif choice != "ignore":
            ask_location = True  # offer the photo's position before saving anything
    if not valid or ask_location:
        tell.keep_fresh_uploads()
        show_gps = gps if not tell.memory.data.get("lat") else None
        return _render_form(
            request,
            tell,
            memory=instance,
            token=token,
            gps=show_gps,
            ask_location=ask_location,
        )

    removed = [pk for pk in request.POST.getlist("remove_photo") if pk.isdigit()]
    try:
        memory, contact = save_submission(
            tell,
            instance=instance,
            removed_photo_ids=removed,
            remove_audio=bool(request.POST.get("remove_audio")),
        )
    except (DatabaseError, OSError):
        logger.exception("Saving a memory failed")
        tell.keep_fresh_uploads()
        messages.error(
            request,
            _(
                "Beim Speichern ist leider ein Fehler aufgetreten. Ihre Angaben und Dateien sind "
                "noch da – bitte versuchen Sie es gleich noch einmal."
            ),
        )
        return _render_form(request, tell, memory=instance, token=token)

    if instance is not None:
        messages.success(request, _("Ihre Änderungen wurden gespeichert."))
        if token:
            return redirect("stadtgedaechtnis:edit_token", token=token)
        return redirect("civic:my_area")
    request.session[THANKS_SESSION_KEY] = "confirm" if contact else "submitted"
    return redirect("stadtgedaechtnis:thanks")


@require_http_methods(["GET", "POST"])
def tell(request):
    """Erzähle: the step-by-step form, for residents and for people without an account."""
    user = request.user
    if user.is_authenticated and not user.has_perm("stadtgedaechtnis.submit_memory"):
        raise PermissionDenied
    return _handle(request, anonymous=not user.is_authenticated)


def thanks(request):
    kind = request.session.pop(THANKS_SESSION_KEY, None)
    if kind is None:
        return redirect("stadtgedaechtnis:tell")
    return render(request, "stadtgedaechtnis/tell_thanks.html", {"kind": kind})


def _token_account(request, token, **kwargs):
    return ratelimit.secret_key(token)


@require_http_methods(["GET", "POST"])
@ratelimit.limit("token", account=_token_account)
def confirm(request, token):
    """Double opt-in: the link from the mail shows a button; posting it submits the memory."""
    contact = get_object_or_404(MemoryContact.objects.select_related("memory"), token=token)
    memory = contact.memory
    if request.method == "POST":
        services.confirm_contact(token)
        return render(request, "stadtgedaechtnis/confirm.html", {"memory": memory, "done": True})
    return render(
        request,
        "stadtgedaechtnis/confirm.html",
        {"memory": memory, "done": contact.is_confirmed},
    )


def _own_memory(request, pk, perm):
    if not request.user.is_authenticated:
        return None
    memory = get_object_or_404(Memory, pk=pk)
    if not request.user.has_perm(perm, memory):
        raise PermissionDenied
    return memory


@require_http_methods(["GET", "POST"])
def edit(request, pk):
    """A resident edits their memory until it is published (after "changes requested": resubmit)."""
    memory = _own_memory(request, pk, "stadtgedaechtnis.edit_memory")
    if memory is None:
        return redirect_to_login(request.get_full_path())
    if memory.author_id != request.user.pk:
        # Editors work in the Wagtail admin, not here.
        return redirect(reverse("wagtailadmin_home"))
    return _handle(request, instance=memory)


def _memory_for_token(token):
    contact = get_object_or_404(MemoryContact.objects.select_related("memory"), token=token)
    return contact.memory, contact


@require_http_methods(["GET", "POST"])
def edit_token(request, token):
    """The same for people without an account, through the secret link in their mail."""
    memory, contact = _memory_for_token(token)
    if memory.status not in Status.editable_by_contributor():
        return render(
            request,
            "stadtgedaechtnis/memory_status.html",
            {"memory": memory, "token": token, "contact": contact},
        )
    return _handle(request, instance=memory, token=token)


def _withdraw(request, memory, *, token=None):
    if request.method == "POST":
        services.withdraw(memory, actor=request.user)
        messages.success(request, _("Ihre Erinnerung wurde zurückgezogen."))
        if token:
            return redirect("stadtgedaechtnis:edit_token", token=token)
        return redirect("civic:my_area")
    return render(
        request, "stadtgedaechtnis/withdraw_confirm.html", {"memory": memory, "token": token}
    )


@require_http_methods(["GET", "POST"])
@ratelimit.limit("memory")
def withdraw(request, pk):
    memory = _own_memory(request, pk, "stadtgedaechtnis.withdraw_memory")
    if memory is None:
        return redirect_to_login(request.get_full_path())
    return _withdraw(request, memory)


@require_http_methods(["GET", "POST"])
@ratelimit.limit("token", account=_token_account)
def withdraw_token(request, token):
    memory, _contact = _memory_for_token(token)
    if not services.allowed(memory, "withdraw"):
        raise Http404
    return _withdraw(request, memory, token=token)
