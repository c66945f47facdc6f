"""Role predicates (django-rules). Each returns False for anonymous users and None."""

import rules

from civic.roles import EDITORS, RESIDENTS, STEERING


def _in_group(user, name: str) -> bool:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    # Cache the user's group names on the instance: many checks run per request.
    names = getattr(user, "_civic_group_names", None)
    if names is None:
        names = set(user.groups.values_list("name", flat=True))
        user._civic_group_names = names
    return name in names


@rules.predicate
def is_superuser(user) -> bool:
    return bool(user is not None and getattr(user, "is_superuser", False) and user.is_active)


@rules.predicate
def is_resident(user) -> bool:
    """A user whose e-mail address is verified (and so belongs to the residents group)."""
    return _in_group(user, RESIDENTS)


@rules.predicate
def is_editor(user) -> bool:
    return _in_group(user, EDITORS)


@rules.predicate
def is_steering_group(user) -> bool:
    return _in_group(user, STEERING)


@rules.predicate
def is_self(user, other) -> bool:
    return bool(
        user is not None
        and other is not None
        and getattr(user, "is_authenticated", False)
        and user.pk == getattr(other, "pk", None)
    )


is_staff_member = is_editor | is_steering_group | is_superuser
can_moderate = is_editor | is_superuser
can_review_results = is_steering_group | is_editor | is_superuser
can_participate = is_resident | is_editor | is_steering_group | is_superuser
