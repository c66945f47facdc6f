"""Permissions of the agenda (django-rules). Every rule combines a role (``civic.predicates``)
with what the round's current phase allows (the features map in ``agenda/phases.py``).

| rule | object | who, and when |
|---|---|---|
| ``agenda.view_proposal`` | proposal | everyone if public; editors, steering group always |
| ``agenda.add_proposal`` | round | verified residents (and staff) while proposing is open |
| ``agenda.change_proposal`` | proposal | its author while proposing is open and it is unreviewed |
| ``agenda.withdraw_proposal`` | proposal | its author until the evaluation, while unreviewed |
| ``agenda.vote_proposal`` | proposal | verified residents while voting is open |
| ``agenda.comment_proposal`` | proposal | verified residents while commenting is open |
| ``agenda.moderate_proposal`` | proposal | editors (hide, show) |
| ``agenda.answer_proposal`` | proposal | the steering group during evaluation and after |
| ``agenda.set_status`` | proposal | same as answering |
| ``agenda.merge_proposals`` | proposal/round | editors, steering group until the evaluation ends |
| ``agenda.carry_over`` | round/proposal | the steering group during evaluation and after |
| ``agenda.enter_offline`` | round/proposal | editors, steering group until the evaluation ends |
| ``agenda.view_counts`` | round/proposal | everyone when the phase shows counts; staff always |
| ``agenda.view_results`` | round | everyone when results are published; staff always |
"""

import rules

from agenda.predicates import (
    can_answer_now,
    can_carry_over_now,
    can_comment_now,
    can_edit,
    can_enter_offline_now,
    can_merge_now,
    can_propose,
    can_vote_now,
    can_withdraw,
    is_author,
    is_editable_status,
    is_live_round,
    is_open_proposal,
    is_public_proposal,
    shows_counts,
    shows_results,
)
from civic.predicates import (
    can_moderate,
    can_participate,
    can_review_results,
    is_editor,
    is_steering_group,
    is_superuser,
)

steers = is_steering_group | is_superuser
staff = is_editor | is_steering_group | is_superuser

rules.add_perm("agenda.view_proposal", is_public_proposal | can_moderate | steers)
rules.add_perm("agenda.add_proposal", can_participate & is_live_round & can_propose)
rules.add_perm(
    "agenda.change_proposal", can_participate & is_author & is_editable_status & can_edit
)
rules.add_perm(
    "agenda.withdraw_proposal", can_participate & is_author & is_editable_status & can_withdraw
)
rules.add_perm("agenda.vote_proposal", can_participate & is_open_proposal & can_vote_now)
rules.add_perm("agenda.comment_proposal", can_participate & is_open_proposal & can_comment_now)
rules.add_perm("agenda.moderate_proposal", can_moderate)
rules.add_perm("agenda.answer_proposal", steers & can_answer_now)
rules.add_perm("agenda.set_status", steers & can_answer_now)
rules.add_perm("agenda.merge_proposals", (can_moderate | steers) & can_merge_now)
rules.add_perm("agenda.carry_over", steers & can_carry_over_now)
rules.add_perm("agenda.enter_offline", staff & can_enter_offline_now)
rules.add_perm("agenda.view_counts", shows_counts | can_review_results)
rules.add_perm("agenda.view_results", shows_results | can_review_results)
# Dashboard, exports and the council report of a round: steering group and editors.
rules.add_perm("agenda.view_dashboard", can_review_results)
rules.add_perm("agenda.export_round", can_review_results)
