"""Permissions of the civic app (django-rules). See docs/roles.md for the matrix."""

import rules

from civic.predicates import (
    can_moderate,
    can_participate,
    can_review_results,
    is_self,
    is_superuser,
)

rules.add_perm("civic.view_my_area", rules.is_authenticated)
rules.add_perm("civic.change_profile", is_self | is_superuser)
rules.add_perm("civic.participate", can_participate)
rules.add_perm("civic.moderate_contributions", can_moderate)
rules.add_perm("civic.view_participation_results", can_review_results)
rules.add_perm("civic.manage_districts", can_moderate)
# The dashboard ("Auswertung") with its figures, charts and exports: steering group and editors.
rules.add_perm("civic.view_dashboard", can_review_results)
