"""Domain verbs of the agenda for residents: submit, edit and withdraw proposals, vote and take a
vote back, find similar proposals. Steering verbs (answer, merge, carry over) are in
``agenda/steering.py``.

Every verb checks its permission again (views check first, but the service is the last line) and
writes its rows in one transaction, with a :class:`~agenda.models.ProposalEvent` for the history.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass

import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agenda.models import (
    Proposal,
    ProposalEvent,
    ProposalStatus,
    RoundPage,
    RoundVoter,
    Vote,
)
from civic.uploads import FileLedger, save_wagtail_image

# --------------------------------------------------------------------------------------------
# Proposals


def _require(user, perm: str, obj, message: str):
    if user is None or not rules.has_perm(perm, user, obj):
        raise PermissionDenied(message)


def submit_proposal(
    round_: RoundPage,
    user,
    *,
    title: str,
    description: str,
    field_of_action,
    lat: float | None = None,
    lon: float | None = None,
    image=None,
    image_upload=None,
    image_alt: str = "",
) -> Proposal:
    """A resident submits a proposal to ``round_`` (the phase must allow proposing).

    ``image_upload`` (a :class:`civic.uploads.CleanImage`) is stored as a Wagtail image in the same
    transaction; if anything fails, neither the proposal nor the image nor its file remains.
    """
    _require(
        user,
        "agenda.add_proposal",
        round_,
        _("In dieser Phase der Runde können keine Vorschläge eingereicht werden."),
    )
    _check_field_of_action(round_, field_of_action)
    with FileLedger() as ledger, transaction.atomic():
        if image_upload is not None:
            image = _store_image(image_upload, title=title, alt=image_alt, user=user, ledger=ledger)
        proposal = Proposal(
            round=round_,
            title=title.strip(),
            description=description.strip(),
            field_of_action=field_of_action,
            lat=lat,
            lon=lon,
            image=image,
            author=user,
        )
        proposal.save()
        ProposalEvent.objects.create(
            proposal=proposal,
            actor=user,
            kind=ProposalEvent.Kind.SUBMITTED,
            to_status=proposal.status,
        )
    return proposal


def _check_field_of_action(round_: RoundPage, field_of_action):
    allowed = {f.pk for f in round_.allowed_fields_of_action()}
    if field_of_action is None or field_of_action.pk not in allowed:
        raise ValidationError(
            {"field_of_action": _("Dieses Handlungsfeld gehört nicht zu dieser Runde.")}
        )


EDITABLE_FIELDS = ("title", "description", "field_of_action", "lat", "lon", "image")


def edit_proposal(
    proposal: Proposal, user, *, image_upload=None, image_alt: str = "", **changes
) -> Proposal:
    """The author changes the proposal while the propose phase is open (a new ``image_upload``
    replaces the image, stored in the same transaction as the change)."""
    _require(
        user,
        "agenda.change_proposal",
        proposal,
        _("Dieser Vorschlag kann nicht mehr bearbeitet werden."),
    )
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    if "field_of_action" in changes:
        _check_field_of_action(proposal.round, changes["field_of_action"])
    with FileLedger() as ledger, transaction.atomic():
        if image_upload is not None:
            changes["image"] = _store_image(
                image_upload,
                title=changes.get("title", proposal.title),
                alt=image_alt,
                user=user,
                ledger=ledger,
            )
        return _apply_changes(proposal, user, changes)


def _apply_changes(proposal: Proposal, user, changes: dict) -> Proposal:
    changed = []
    for name, value in changes.items():
        if isinstance(value, str):
            value = value.strip()
        if getattr(proposal, name) != value:
            setattr(proposal, name, value)
            changed.append(name)
    if not changed:
        return proposal
    proposal.save()
    ProposalEvent.objects.create(
        proposal=proposal, actor=user, kind=ProposalEvent.Kind.EDITED, public=True
    )
    return proposal


def _store_image(upload, *, title: str, alt: str, user, ledger):
    from agenda.conf import collection_name

    return save_wagtail_image(
        upload,
        title=title,
        collection_name=collection_name(),
        user=user,
        description=alt,
        ledger=ledger,
    )


def withdraw_proposal(proposal: Proposal, user, *, note: str = "") -> Proposal:
    """The author withdraws the proposal (until the evaluation). Its votes stay recorded, but a
    withdrawn proposal no longer takes part, and its votes no longer count against the limit."""
    _require(
        user,
        "agenda.withdraw_proposal",
        proposal,
        _("Dieser Vorschlag kann nicht mehr zurückgezogen werden."),
    )
    with transaction.atomic():
        locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if locked.status in ProposalStatus.closed_statuses():
            return locked
        fields = locked.mark_withdrawn(actor=user, note=note)
        locked.save(update_fields=[*fields, "updated"])
    proposal.status, proposal.withdrawn_at = locked.status, locked.withdrawn_at
    return proposal


# --------------------------------------------------------------------------------------------
# Votes


class VoteError(ValidationError):
    """A vote that cannot be cast; ``code`` says why (limit_reached, not_allowed, ...)."""


def counted_votes(user, round_: RoundPage):
    """The user's votes that count against the round's limit (on proposals still taking part)."""
    return Vote.objects.filter(user=user, round=round_).exclude(
        proposal__status__in=ProposalStatus.closed_statuses()
    )


def votes_left(user, round_: RoundPage) -> int | None:
    """How many more votes the user may cast in the round (None: unlimited)."""
    if not round_.max_votes_per_person:
        return None
    if user is None or not user.is_authenticated:
        return round_.max_votes_per_person
    return max(0, round_.max_votes_per_person - counted_votes(user, round_).count())


def _lock_voter(user, round_: RoundPage) -> None:
    """Serialise the user's votes in this round: every cast/retract first writes the user's
    RoundVoter row. On PostgreSQL the UPDATE holds the row lock until commit, so a second request
    waits and then sees the first one's vote; on SQLite the write takes the database's write
    lock. The limit check that follows therefore never races."""
    now = timezone.now()
    if RoundVoter.objects.filter(round=round_, user=user).update(last_vote_at=now):
        return
    try:
        with transaction.atomic():
            RoundVoter.objects.create(round=round_, user=user, first_vote_at=now, last_vote_at=now)
    except IntegrityError:
        # Created by a concurrent request a moment ago: wait for its lock like everyone else.
        RoundVoter.objects.filter(round=round_, user=user).update(last_vote_at=now)


def cast_vote(user, proposal: Proposal, value: int = 1) -> Vote:
    """Cast the user's vote on ``proposal`` (+1 support, -1 against) while voting is open.

    One vote per person and proposal (a database constraint); voting again with another value
    changes the vote. The round's limit per person holds under concurrent requests. The
    proposal's counters (``votes_for``/``votes_against``/``score``) change in the same
    transaction, through the ``Vote`` receivers of :mod:`agenda.counters`.
    """
    if value not in (1, -1):
        raise VoteError(_("Ungültige Stimme."), code="invalid_value")
    round_ = proposal.round
    if value == -1 and round_.is_support_only:
        raise VoteError(
            _("In dieser Runde können Vorschläge nur unterstützt werden."), code="invalid_value"
        )
    if user is None or not rules.has_perm("agenda.vote_proposal", user, proposal):
        raise VoteError(
            _("Abstimmen ist für diesen Vorschlag gerade nicht möglich."), code="not_allowed"
        )
    with transaction.atomic():
        _lock_voter(user, round_)
        existing = Vote.objects.filter(proposal=proposal, user=user).first()
        if existing is not None:
            if existing.value != value:
                existing.value = value
                existing.save(update_fields=["value"])
            return existing
        limit = round_.max_votes_per_person
        if limit and counted_votes(user, round_).count() >= limit:
            raise VoteError(
                _(
                    "Sie haben in dieser Runde schon alle %(limit)s Stimmen vergeben. Nehmen "
                    "Sie eine Stimme zurück, um einen anderen Vorschlag zu unterstützen."
                )
                % {"limit": limit},
                code="limit_reached",
            )
        try:
            with transaction.atomic():
                return Vote.objects.create(proposal=proposal, round=round_, user=user, value=value)
        except IntegrityError:
            # A double click that slipped past the lock (another round's lock row): the
            # constraint keeps one vote; report the one that exists.
            vote = Vote.objects.filter(proposal=proposal, user=user).first()
            if vote is None:
                raise
            return vote


def retract_vote(user, proposal: Proposal) -> bool:
    """Take the user's vote on ``proposal`` back while voting is open. True if one was removed.

    The delete goes through the ORM's collector, so the counters drop in the same transaction.
    """
    if user is None or not rules.has_perm("agenda.vote_proposal", user, proposal):
        raise VoteError(
            _("Abstimmen ist für diesen Vorschlag gerade nicht möglich."), code="not_allowed"
        )
    with transaction.atomic():
        _lock_voter(user, proposal.round)
        deleted, _details = Vote.objects.filter(proposal=proposal, user=user).delete()
    return bool(deleted)


# --------------------------------------------------------------------------------------------
# Similar proposals


_WORD = re.compile(r"[a-z0-9]+")
# Frequent German (and a few English) words that say nothing about a proposal's topic.
STOPWORDS = frozenset(
    """
    aber alle allem allen aller alles als also am an ans auch auf aus bei beim bin bis bitte
    bzw da dadurch dafuer dagegen damit dann dar darf darueber dass das dazu dem den denn der des
    dessen die dies diese diesem diesen dieser dieses doch dort durch ein eine einem einen einer
    eines einfach einige er es etwa etwas euch fuer gegen gibt habe haben hat hier ich ihr ihre im
    in ins ist ja jede jeden jeder jedes jetzt kann kein keine koennen koennte man mehr mit moechte
    muss muessen nach neue neuen nicht noch nur ob oder ohne sehr sein seine sich sie sind so soll
    sollen sollte sowie stadt ueber um und uns unser unsere unter viel viele vom von vor war waere
    was weil wenn wer werden wie wir wird wo wollen wuerde wurde zu zum zur zwischen
    the a an and or of to for in on with
    """.split()
)
_SUFFIXES = ("ungen", "ung", "en", "er", "es", "e", "n", "s")
CANDIDATE_LIMIT = 400


def _fold(text: str) -> str:
    text = (text or "").lower()
    for a, b in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        text = text.replace(a, b)
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c))


def _stem(word: str) -> str:
    for suffix in _SUFFIXES:
        if len(word) - len(suffix) >= 4 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def tokens(text: str) -> set[str]:
    """Content words of ``text``, folded (ä → ae) and crudely stemmed."""
    return {_stem(w) for w in _WORD.findall(_fold(text)) if len(w) > 2 and w not in STOPWORDS}


def _trigrams(words: set[str]) -> set[str]:
    grams = set()
    for word in words:
        padded = f"  {word} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return grams


def _overlap(a: set, b: set) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b)) * 0.5 + len(a & b) / len(a | b) * 0.5


@dataclass
class SimilarProposal:
    proposal: Proposal
    score: float


def similar_proposals(
    round_: RoundPage,
    title: str,
    description: str = "",
    limit: int = 5,
    *,
    exclude_pk: int | None = None,
    threshold: float = 0.22,
) -> list[Proposal]:
    """Up to ``limit`` proposals of ``round_`` that look like the text being written.

    Portable on SQLite and PostgreSQL: word overlap (folded, stemmed, without stop words) and
    character-trigram overlap of the titles, scored in Python over the round's most recent
    proposals (a bounded candidate set), plus difflib's ratio of the titles.
    """
    title_words = tokens(title)
    text_words = title_words | tokens(description[:2000])
    if not text_words:
        return []
    candidates = (
        Proposal.objects.visible()
        .filter(round=round_)
        .select_related("round", "field_of_action")
        .only(
            "pk",
            "number",
            "title",
            "description",
            "status",
            "round__reference_prefix",
            "round__reference_year",
            "field_of_action__name",
        )
        .order_by("-created")[:CANDIDATE_LIMIT]
    )
    title_grams = _trigrams(title_words)
    folded_title = _fold(title)
    scored: list[SimilarProposal] = []
    for candidate in candidates:
        if exclude_pk and candidate.pk == exclude_pk:
            continue
        cand_title = tokens(candidate.title)
        cand_text = cand_title | tokens(candidate.description[:2000])
        score = (
            0.45 * _overlap(title_words, cand_title)
            + 0.25 * _overlap(text_words, cand_text)
            + 0.2 * _overlap(title_grams, _trigrams(cand_title))
            + 0.1 * difflib.SequenceMatcher(None, folded_title, _fold(candidate.title)).ratio()
        )
        if score >= threshold:
            scored.append(SimilarProposal(candidate, score))
    scored.sort(key=lambda s: (-s.score, -s.proposal.pk))
    return [s.proposal for s in scored[:limit]]
