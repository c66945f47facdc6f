"""Permissions of the stadtgedaechtnis app (django-rules).

| permission | who |
| --- | --- |
| ``view_memory`` (object) | all: published; the author: own; editors: every memory |
| ``submit_memory`` | residents (and staff) with an account; people without one use double opt-in |
| ``edit_memory`` (object) | the author until published; editors always |
| ``withdraw_memory`` (object) | the author, unless already withdrawn or rejected |
| ``moderate_memory`` | editors: publish, request changes, reject, feature |
| ``export_memories`` | editors |
| ``add/change/delete_memory``, ``*_theme``, ``*_rejectionreason`` | editors (Wagtail admin) |
"""

import rules

from civic.predicates import can_moderate, can_participate, can_review_results
from stadtgedaechtnis.predicates import (
    is_memory_author,
    memory_is_editable,
    memory_is_published,
    memory_is_withdrawable,
)

view_memory = memory_is_published | is_memory_author | can_moderate

rules.add_perm("stadtgedaechtnis.view_memory", view_memory)
rules.add_perm("stadtgedaechtnis.submit_memory", can_participate)
rules.add_perm(
    "stadtgedaechtnis.edit_memory", (is_memory_author & memory_is_editable) | can_moderate
)
rules.add_perm("stadtgedaechtnis.withdraw_memory", is_memory_author & memory_is_withdrawable)
rules.add_perm("stadtgedaechtnis.moderate_memory", can_moderate)
rules.add_perm("stadtgedaechtnis.export_memories", can_moderate)
# Figures of the memory collection (dashboard): steering group and editors.
rules.add_perm("stadtgedaechtnis.view_dashboard", can_review_results)
# Reading books (Lesebücher) and themed tours (Rundgänge) are composed by the editors.
rules.add_perm("stadtgedaechtnis.compose_books", can_moderate)
rules.add_perm("stadtgedaechtnis.compose_tours", can_moderate)

# Model permissions for the Wagtail admin (its permission policies ask without an object).
for model_name in ("memory", "theme", "rejectionreason", "moderationevent"):
    for action in ("add", "change", "delete"):
        rules.add_perm(f"stadtgedaechtnis.{action}_{model_name}", can_moderate)
for model_name in ("theme", "rejectionreason", "moderationevent"):
    rules.add_perm(f"stadtgedaechtnis.view_{model_name}", can_moderate)
