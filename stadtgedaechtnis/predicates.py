"""Predicates (django-rules) about memories. Every predicate returns False for None."""

import rules

from stadtgedaechtnis.models import Status


@rules.predicate
def is_memory_author(user, memory) -> bool:
    return bool(
        memory is not None
        and user is not None
        and getattr(user, "is_authenticated", False)
        and user.is_active
        and memory.author_id is not None
        and memory.author_id == user.pk
    )


@rules.predicate
def memory_is_published(user, memory) -> bool:
    return memory is not None and memory.status == Status.PUBLISHED


@rules.predicate
def memory_is_editable(user, memory) -> bool:
    """The contributor may still change it: draft, submitted or changes requested."""
    return memory is not None and memory.status in Status.editable_by_contributor()


@rules.predicate
def memory_is_withdrawable(user, memory) -> bool:
    """Contributors may withdraw before and after publication (not after a rejection)."""
    return memory is not None and memory.status not in (Status.WITHDRAWN, Status.REJECTED)
