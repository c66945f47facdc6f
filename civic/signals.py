"""Signal receivers of the civic app."""

from allauth.account.signals import email_confirmed
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from civic.models import District
from civic.roles import make_resident


@receiver([post_save, post_delete], sender=District)
def district_changed(sender, **kwargs):
    from django.db import transaction

    from civic.services import invalidate_district_index

    # After commit, so a rolled-back import leaves the cached index as it was.
    transaction.on_commit(invalidate_district_index)


@receiver(email_confirmed)
def confirmed_email_makes_resident(sender, request, email_address, **kwargs):
    """Every user with a verified e-mail address is a resident (Bürgerin/Bürger)."""
    make_resident(email_address.user)
