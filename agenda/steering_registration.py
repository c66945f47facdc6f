"""Start-up registrations of the steering side of the agenda: permission policies for the
admin (registered before any admin view asks for them) and the API router."""

from wagtail.permissions import register_permission_policy

from agenda.models import FieldOfAction, OfflineSource, Proposal
from civic.api import register_router


def _register_policies():
    from agenda.wagtail_hooks import (
        FieldOfActionPermissionPolicy,
        OfflineSourcePermissionPolicy,
        ProposalPermissionPolicy,
    )

    register_permission_policy(Proposal, ProposalPermissionPolicy(Proposal))
    register_permission_policy(FieldOfAction, FieldOfActionPermissionPolicy(FieldOfAction))
    register_permission_policy(OfflineSource, OfflineSourcePermissionPolicy(OfflineSource))


_register_policies()


def _register_api():
    from agenda.api import router

    register_router("agenda/", router)


_register_api()
