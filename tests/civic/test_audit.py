"""Audit trail of comment moderation and role changes, and the "Protokoll" report.

Each action writes exactly one entry in Wagtail's log with the right action, person and object;
the report shows editors what they may see (filterable by action, person, date and object type),
the steering group only the agenda, residents and anonymous visitors nothing.
"""

import datetime
import json

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone
from django_comments_xtd.models import XtdComment
from wagtail.models import ModelLogEntry

from civic import audit
from civic.models import CommentRemoval, CommentRemovalReason, User
from civic.roles import EDITORS, RESIDENTS, STEERING, assign_role
from tests.civic.factories import UserFactory
from tests.civic.test_comments import (  # noqa: F401 - fixtures
    comment_by,
    news,
    news_index,
    policy,
    post,
    premoderated,
    templates,
)

pytestmark = pytest.mark.django_db


def entries_for(obj):
    return list(
        ModelLogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
        ).order_by("pk")
    )


def only_entry(obj, action_prefix=""):
    found = [e for e in entries_for(obj) if e.action.startswith(action_prefix)]
    assert len(found) == 1, [e.action for e in found]
    return found[0]


# --------------------------------------------------------------------------------------------
# Comments


def test_approve_waiting_comment(client, news, premoderated, resident, editor):  # noqa: F811
    post(client, resident, news, "Bitte prüfen")
    comment = comment_by(resident)
    assert entries_for(comment) == []
    client.force_login(editor)
    client.post(reverse("civic_comments:approve", args=[comment.pk]))
    entry = only_entry(comment)
    assert (entry.action, entry.user) == (audit.COMMENT_APPROVE, editor)
    # The label names the comment and its page, not its text or its author.
    assert entry.label == f"#{comment.pk} · {news.title}"
    assert "Bitte prüfen" not in entry.label


def test_keeping_a_flagged_comment_is_flag_handling(
    client,
    news,  # noqa: F811
    policy,  # noqa: F811
    resident,
    other_resident,
    editor,
):
    post(client, resident, news, "Strittig")
    comment = comment_by(resident)
    client.force_login(other_resident)
    client.post(reverse("comments-flag", args=[comment.pk]), {"next": news.url})
    client.force_login(editor)
    client.post(reverse("civic_comments:approve", args=[comment.pk]))
    entry = only_entry(comment)
    assert (entry.action, entry.user) == (audit.COMMENT_FLAGS_DISMISSED, editor)


def test_remove_with_reason_and_restore(client, news, policy, resident, editor):  # noqa: F811
    post(client, resident, news, "Beleidigend")
    comment = comment_by(resident)
    reason = CommentRemovalReason.objects.create(text="Beleidigung")
    client.force_login(editor)
    response = client.post(
        reverse("civic_comments:remove", args=[comment.pk]),
        {"reason": reason.pk, "note": "Bitte sachlich bleiben."},
    )
    assert response.status_code == 302
    entry = only_entry(comment)
    assert (entry.action, entry.user) == (audit.COMMENT_REMOVE, editor)
    assert entry.data == {"reason": "Beleidigung", "note": "Bitte sachlich bleiben."}

    response = client.post(reverse("civic_comments:restore", args=[comment.pk]))
    assert response.status_code == 302
    comment = XtdComment.objects.get(pk=comment.pk)
    assert not comment.is_removed
    assert not CommentRemoval.objects.filter(comment=comment).exists()
    assert [e.action for e in entries_for(comment)] == [audit.COMMENT_REMOVE, audit.COMMENT_RESTORE]
    assert entries_for(comment)[1].user == editor
    # The restored comment is public again on the page.
    assert "Beleidigend" in client.get(news.url).content.decode()


def test_restore_of_a_comment_that_is_not_removed_changes_nothing(
    client,
    news,  # noqa: F811
    policy,  # noqa: F811
    resident,
    editor,
):
    post(client, resident, news, "Harmlos")
    comment = comment_by(resident)
    client.force_login(editor)
    response = client.post(reverse("civic_comments:restore", args=[comment.pk]), follow=True)
    assert "Dieser Kommentar ist nicht entfernt." in response.content.decode()
    assert entries_for(comment) == []


def test_residents_cannot_moderate_or_restore(client, news, policy, resident, editor):  # noqa: F811
    post(client, resident, news, "Weg damit")
    comment = comment_by(resident)
    client.force_login(editor)
    client.post(reverse("civic_comments:remove", args=[comment.pk]), {"note": "Spam"})
    client.force_login(resident)
    response = client.post(reverse("civic_comments:restore", args=[comment.pk]))
    assert response.status_code in (302, 403)
    assert XtdComment.objects.get(pk=comment.pk).is_removed
    assert len(entries_for(comment)) == 1


# --------------------------------------------------------------------------------------------
# Roles


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


def _user_form(person, **overrides):
    data = {
        "email": person.email,
        "display_name": person.display_name,
        "first_name": "",
        "last_name": "",
        "password1": "",
        "password2": "",
        "is_active": "on",
    }
    data.update(overrides)
    return data


def test_role_change_in_the_admin_is_one_entry(admin_client, superuser):
    person = UserFactory(email="person@example.org", display_name="Paula Person")
    assign_role(person, RESIDENTS)
    ModelLogEntry.objects.all().delete()
    editors = Group.objects.get(name=EDITORS)
    response = admin_client.post(
        reverse("wagtailusers_users:edit", args=[person.pk]),
        _user_form(person, groups=[str(editors.pk)]),
    )
    assert response.status_code == 302, response.context["form"].errors
    entry = only_entry(person)
    assert (entry.action, entry.user) == (audit.USER_ROLES, superuser)
    assert entry.data == {"added": [EDITORS], "removed": [RESIDENTS]}
    # The person appears under the public name, never with the address.
    assert entry.label == "Paula Person"
    assert "person@example.org" not in json.dumps(entry.data) + entry.label


def test_edit_without_role_change_stays_a_plain_edit(admin_client):
    person = UserFactory(display_name="Alt")
    response = admin_client.post(
        reverse("wagtailusers_users:edit", args=[person.pk]), _user_form(person, display_name="Neu")
    )
    assert response.status_code == 302
    assert [e.action for e in entries_for(person)] == ["wagtail.edit"]


def test_new_user_with_role(admin_client, superuser):
    steering_group = Group.objects.get(name=STEERING)
    response = admin_client.post(
        reverse("wagtailusers_users:add"),
        {
            "email": "neu@example.org",
            "display_name": "Nora Neu",
            "first_name": "",
            "last_name": "",
            "password1": "ein-sicheres-Passwort-42",
            "password2": "ein-sicheres-Passwort-42",
            "groups": [str(steering_group.pk)],
        },
    )
    assert response.status_code == 302
    person = User.objects.get(email="neu@example.org")
    entry = only_entry(person, "civic.")
    assert entry.data == {"added": [STEERING], "removed": []}
    assert entry.user == superuser


def test_assign_role_logs_only_a_real_change():
    person = UserFactory(display_name="Rolf")
    assert assign_role(person, RESIDENTS) is True
    assert assign_role(person, RESIDENTS) is False
    entry = only_entry(person)
    assert (entry.action, entry.user, entry.data) == (
        audit.USER_ROLES,
        None,
        {"added": [RESIDENTS], "removed": []},
    )


# --------------------------------------------------------------------------------------------
# The report


def _roles_entry(actor, person_name, when=None):
    person = UserFactory(display_name=person_name)
    entry = audit.record(
        person, audit.USER_ROLES, user=actor, title=person_name, data={"added": [STEERING]}
    )
    if when:
        ModelLogEntry.objects.filter(pk=entry.pk).update(timestamp=when)
    return entry


def test_editors_see_the_report_with_filters(
    client,
    editor,
    superuser,
    resident,
    news,  # noqa: F811
    policy,  # noqa: F811
):
    post(client, resident, news, "Unsachlich")
    client.force_login(editor)
    client.post(reverse("civic_comments:remove", args=[comment_by(resident).pk]), {"note": "X"})
    _roles_entry(editor, "Vom Redakteur")
    _roles_entry(superuser, "Vom Admin")
    _roles_entry(editor, "Vor langer Zeit", when=timezone.now() - datetime.timedelta(days=400))
    client.force_login(editor)
    index = reverse("civic_audit:index")
    results = reverse("civic_audit:results")
    response = client.get(index)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Protokoll" in html
    assert "Vom Redakteur" in html and "Vom Admin" in html
    assert "Rollen geändert" in html

    by_person = client.get(results, {"user": str(editor.pk)}).content.decode()
    assert "Vom Redakteur" in by_person and "Vom Admin" not in by_person

    since = (timezone.now() - datetime.timedelta(days=30)).date().isoformat()
    recent = client.get(results, {"timestamp_from": since}).content.decode()
    assert "Vom Redakteur" in recent and "Vor langer Zeit" not in recent

    user_type = ContentType.objects.get_for_model(User)
    by_type = client.get(results, {"object_type": str(user_type.pk)}).content.decode()
    assert "Vom Admin" in by_type
    assert "Das Rathaus wird digital" not in by_type
    comment_type = ContentType.objects.get_for_model(XtdComment)
    by_comment_type = client.get(results, {"object_type": str(comment_type.pk)}).content.decode()
    assert "Das Rathaus wird digital" in by_comment_type and "Vom Admin" not in by_comment_type

    by_action = client.get(results, {"action": audit.COMMENT_REMOVE}).content.decode()
    assert "Kommentar entfernt" in by_action
    assert "Das Rathaus wird digital" in by_action and "Vom Admin" not in by_action

    export = client.get(index, {"export": "csv"})
    assert export.status_code == 200
    body = b"".join(export.streaming_content).decode() if export.streaming else export.content
    assert "Vom Redakteur" in str(body)


def test_report_shows_no_other_log_entries(client, editor):
    person = UserFactory(display_name="Nur bearbeitet")
    from wagtail.log_actions import log

    log(instance=person, action="wagtail.edit", user=editor)
    client.force_login(editor)
    html = client.get(reverse("civic_audit:index")).content.decode()
    assert "Nur bearbeitet" not in html


def test_steering_group_sees_no_comment_or_role_entries(client, steering, editor):
    _roles_entry(editor, "Rollenwechsel Person")
    client.force_login(steering)
    response = client.get(reverse("civic_audit:index"))
    # The steering group has the agenda's entries (none here) but not those of the editors.
    assert response.status_code == 200
    assert "Rollenwechsel Person" not in response.content.decode()
    assert audit.USER_ROLES not in audit.visible_actions(steering)
    assert "agenda.answer" in audit.visible_actions(steering)


def test_residents_and_anonymous_have_no_access(client, resident, editor):
    _roles_entry(editor, "Geheimer Wechsel")
    index = reverse("civic_audit:index")
    response = client.get(index)
    assert response.status_code == 302 and "login" in response["Location"]
    client.force_login(resident)
    for path in (index, reverse("civic_audit:results"), index + "?export=csv"):
        response = client.get(path)
        assert response.status_code in (302, 403)
        assert "Geheimer Wechsel" not in response.content.decode()
    assert audit.visible_actions(resident) == []


def test_menu_item_for_editors_only(client, editor, resident):
    client.force_login(editor)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("civic_audit:index") in html


def test_report_query_count_does_not_grow_with_the_entries(
    client,
    editor,
    resident,
    news,  # noqa: F811
    policy,  # noqa: F811
):
    """Each row names its object (a comment by number and page, a person by name): that must
    not cost a query per row."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def add(n):
        for i in range(n):
            post(client, resident, news, f"Beitrag {i}")
            client.force_login(editor)
            comment = XtdComment.objects.filter(user=resident).order_by("-pk").first()
            client.post(reverse("civic_comments:remove", args=[comment.pk]), {"note": "X"})
            _roles_entry(editor, f"Person {i}")

    def count():
        client.force_login(editor)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("civic_audit:index"))
        assert response.status_code == 200
        return len(queries)

    add(3)
    few = count()
    add(17)
    assert count() == few
