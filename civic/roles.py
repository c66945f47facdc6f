"""The three roles of the platform, as Django groups.

* Residents (``RESIDENTS``): every user with a verified e-mail address; they take part.
* Editors (``EDITORS``, "Redaktion"): run the CMS and moderate contributions.
* Steering group (``STEERING``, "Steuerungsgruppe"): review results and answer proposals.

The groups and their Wagtail/model permissions are created by the data migration
``civic/migrations/0002_roles.py``; the fine-grained, object-level rules are in ``civic/rules.py``
and the domain apps' ``rules.py``. The matrix is documented in ``docs/roles.md``.
"""

from django.contrib.auth.models import Group

RESIDENTS = "Bürgerinnen und Bürger"
EDITORS = "Redaktion"
STEERING = "Steuerungsgruppe"
ALL_ROLES = (RESIDENTS, EDITORS, STEERING)


def make_resident(user, *, actor=None) -> None:
    """Add the user to the residents group (idempotent)."""
    assign_role(user, RESIDENTS, actor=actor)


def assign_role(user, role: str, *, actor=None) -> bool:
    """Add the user to one of the role groups (idempotent).

    A real change writes one audit entry (``civic.user.roles``; ``actor`` is who did it, None for
    the system, e.g. a confirmed e-mail address). Returns whether the user got the role now.
    """
    if role not in ALL_ROLES:
        raise ValueError(f"Unknown role: {role}")
    group, _ = Group.objects.get_or_create(name=role)
    if user.groups.filter(pk=group.pk).exists():
        return False
    user.groups.add(group)
    # The cached group names of the role predicates are stale now.
    user.__dict__.pop("_civic_group_names", None)
    record_role_change(user, added=[role], removed=[], actor=actor)
    return True


def record_role_change(user, *, added, removed, actor=None) -> None:
    """One audit entry for a change of the user's roles (groups), with the public name only."""
    from civic import audit

    if not added and not removed:
        return
    audit.record(
        user,
        audit.USER_ROLES,
        user=actor,
        title=audit.user_label(user),
        data={"added": sorted(added), "removed": sorted(removed)},
    )
