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


def make_resident(user) -> None:
    """Add the user to the residents group (idempotent)."""
    assign_role(user, RESIDENTS)


def assign_role(user, role: str) -> None:
    """Add the user to one of the role groups (idempotent)."""
    if role not in ALL_ROLES:
        raise ValueError(f"Unknown role: {role}")
    group, _ = Group.objects.get_or_create(name=role)
    user.groups.add(group)
