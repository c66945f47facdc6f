""" "Meine Daten": the ZIP download, the account deletion in both modes, and the retention run."""

import datetime
import io
import json
import zipfile
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_comments.models import CommentFlag
from django_comments_xtd.models import XtdComment
from wagtail.images import get_image_model
from wagtail.models import ModelLogEntry

from agenda.models import Proposal, ProposalStatus, Vote
from agenda.results import round_results
from civic import privacy
from civic.models import PendingUpload, User
from stadtgedaechtnis.models import Memory, MemoryAudio, MemoryPhoto
from tests.agenda.factories import ProposalFactory, RoundPageFactory, VoteFactory, make_comment
from tests.civic.factories import UserFactory
from tests.stadtgedaechtnis.factories import MemoryFactory, MemoryPhotoFactory, wav_bytes

PASSWORD = "ein-sicheres-Passwort-42"
Image = get_image_model()


@pytest.fixture(autouse=True)
def _own_media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def media_path(fieldfile) -> Path:
    return Path(fieldfile.storage.path(fieldfile.name))


def contribute(user, round_page, *, tag: str):
    """A memory with photo and recording, a private memory, a proposal and a comment."""
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    memory = MemoryFactory(author=user, title=f"Erinnerung von {tag}", contributor_name=tag)
    photo = MemoryPhotoFactory(memory=memory, caption=f"Foto von {tag}")
    audio = MemoryAudio.objects.create(
        memory=memory, file=ContentFile(wav_bytes(), name=f"ton-{tag}.wav"), mime="audio/wav"
    )
    private = MemoryFactory(
        author=user,
        title=f"Wohnung von {tag}",
        private_place=True,
        place_name=f"Hauptstraße 5 bei {tag}",
        lat=50.2601,
        lon=10.9661,
    )
    proposal = ProposalFactory(round=round_page, author=user, title=f"Vorschlag von {tag}")
    comment = make_comment(proposal, user, text=f"Kommentar von {tag}")
    return {
        "memory": memory,
        "photo": photo,
        "audio": audio,
        "private": private,
        "proposal": proposal,
        "comment": comment,
    }


@pytest.fixture
def two(db, resident, other_resident):
    round_page = RoundPageFactory(current="vote")
    rita = contribute(resident, round_page, tag="Rita")
    otto = contribute(other_resident, round_page, tag="Otto")
    # Each votes for the other's proposal and flags the other's comment.
    VoteFactory(proposal=otto["proposal"], user=resident)
    VoteFactory(proposal=rita["proposal"], user=other_resident)
    CommentFlag.objects.create(
        comment=otto["comment"], user=resident, flag=CommentFlag.SUGGEST_REMOVAL
    )
    return {"round": round_page, "rita": rita, "otto": otto}


def download(client, user) -> zipfile.ZipFile:
    client.force_login(user)
    response = client.post(reverse("civic:my_data_download"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


# --------------------------------------------------------------------------------------------
# Download


def test_my_area_links_to_my_data(client, resident):
    client.force_login(resident)
    response = client.get(reverse("civic:my_area"))
    assert reverse("civic:my_data") in response.content.decode()
    page = client.get(reverse("civic:my_data")).content.decode()
    assert "Meine Daten herunterladen (ZIP)" in page
    assert reverse("civic:delete_account") in page


def test_download_needs_login_and_post(client, resident):
    response = client.post(reverse("civic:my_data_download"))
    assert response.status_code == 302 and "login" in response["Location"]
    client.force_login(resident)
    assert client.get(reverse("civic:my_data_download")).status_code == 405


def test_zip_holds_exactly_the_persons_data_and_media(client, two, resident):
    rita, otto = two["rita"], two["otto"]
    archive = download(client, resident)
    data = json.loads(archive.read("daten.json"))
    text = archive.read("daten.json").decode()

    assert data["account"]["email"] == resident.email
    assert data["account"]["email_addresses"][0]["verified"] is True
    assert "Bürgerinnen und Bürger" in data["account"]["roles"]
    memories = {m["title"]: m for m in data["stadtgedaechtnis"]["memories"]}
    assert set(memories) == {"Erinnerung von Rita", "Wohnung von Rita"}
    private = memories["Wohnung von Rita"]["place"]
    assert (private["exact_lat"], private["exact_lon"]) == (50.2601, 10.9661)
    assert private["place_name"] == "Hauptstraße 5 bei Rita"
    assert [p["title"] for p in data["agenda"]["proposals"]] == ["Vorschlag von Rita"]
    assert [v["proposal_title"] for v in data["agenda"]["votes"]] == ["Vorschlag von Otto"]
    assert [c["text"] for c in data["comments"]["comments"]] == ["Kommentar von Rita"]
    assert [f["comment_id"] for f in data["comments"]["flags"]] == [otto["comment"].pk]

    # Nobody else's data: not Otto's address, name, texts or files (the title of the proposal
    # she voted for is part of her vote).
    for foreign in (
        otto["memory"].title,
        "Otto Anders",
        "Kommentar von Otto",
        two["otto"]["memory"].author.email,
        "Hauptstraße 5 bei Otto",
    ):
        assert foreign not in text

    # Media: the original uploads, byte for byte, and only Rita's.
    photo_entry = memories["Erinnerung von Rita"]["photos"][0]["file"]
    audio_entry = memories["Erinnerung von Rita"]["audio"]["file"]
    assert archive.read(photo_entry) == media_path(rita["photo"].image.file).read_bytes()
    assert archive.read(audio_entry) == media_path(rita["audio"].file).read_bytes()
    media = [name for name in archive.namelist() if name.startswith("medien/")]
    assert sorted(media) == sorted([photo_entry, audio_entry])
    assert "ton-Otto" not in " ".join(archive.namelist())


def test_download_is_logged_by_number(client, two, resident):
    download(client, resident)
    entry = ModelLogEntry.objects.get(action=privacy.ACTION_EXPORT)
    assert entry.user_id == resident.pk and entry.object_id == str(resident.pk)
    assert resident.email not in entry.label and "Rita" not in entry.label


def test_two_hundred_memories_stream_in_bounded_queries(
    client, resident, django_assert_max_num_queries
):
    MemoryFactory.create_batch(200, author=resident)
    for memory in Memory.objects.filter(author=resident)[:20]:
        MemoryPhotoFactory(memory=memory)
    client.force_login(resident)
    with django_assert_max_num_queries(40):
        response = client.post(reverse("civic:my_data_download"))
        chunks = list(response.streaming_content)
    assert len(chunks) > 20  # written piece by piece, not as one block
    archive = zipfile.ZipFile(io.BytesIO(b"".join(chunks)))
    data = json.loads(archive.read("daten.json"))
    assert len(data["stadtgedaechtnis"]["memories"]) == 200
    assert len([n for n in archive.namelist() if n.startswith("medien/fotos/")]) == 20


# --------------------------------------------------------------------------------------------
# Deletion


def delete_account(client, user, mode, password=PASSWORD, confirm="on"):
    client.force_login(user)
    data = {"mode": mode, "password": password}
    if confirm:
        data["confirm"] = confirm
    return client.post(reverse("civic:delete_account"), data)


def test_delete_form_is_accessible_german(client, resident):
    client.force_login(resident)
    page = client.get(reverse("civic:delete_account")).content.decode()
    assert "<fieldset" in page and "<legend>Was soll mit Ihren Beiträgen geschehen?" in page
    assert 'type="radio"' in page and 'autocomplete="current-password"' in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"password": "falsch"}, "Das Passwort ist nicht richtig."),
        ({"mode": ""}, "Bitte wählen Sie, was mit Ihren Beiträgen geschehen soll."),
        ({"confirm": ""}, "Bitte bestätigen Sie, dass Sie Ihr Konto löschen möchten."),
    ],
)
def test_wrong_input_keeps_everything(client, two, resident, data, message):
    values = {"mode": "delete", "password": PASSWORD, "confirm": "on", **data}
    client.force_login(resident)
    response = client.post(reverse("civic:delete_account"), values)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert User.objects.filter(pk=resident.pk).exists()
    assert Memory.objects.filter(author=resident).count() == 2
    assert media_path(two["rita"]["audio"].file).exists()
    assert not mail.outbox


def test_anonymise_keeps_contributions_without_the_person(
    client, two, resident, django_capture_on_commit_callbacks
):
    rita, otto = two["rita"], two["otto"]
    photo_file = media_path(rita["photo"].image.file)
    audio_file = media_path(rita["audio"].file)
    email = resident.email

    with django_capture_on_commit_callbacks(execute=True):
        response = delete_account(client, resident, "anonymise")
    assert response.status_code == 200
    assert "Ihr Konto wurde gelöscht" in response.content.decode()

    assert not User.objects.filter(pk=resident.pk).exists()
    assert not EmailAddress.objects.filter(email=email).exists()
    # Memories stay, anonymous; the private place keeps only the blurred point.
    memory = Memory.objects.get(pk=rita["memory"].pk)
    assert memory.author_id is None and memory.contributor_name == ""
    assert memory.public_attribution == "Anonym"
    private = Memory.objects.get(pk=rita["private"].pk)
    assert (private.lat, private.lon) == (private.public_lat, private.public_lon)
    assert (private.lat, private.lon) != (50.2601, 10.9661)
    assert private.place_name == ""
    assert photo_file.exists() and audio_file.exists()
    assert MemoryPhoto.objects.filter(memory=memory).count() == 1
    # The proposal stays under the placeholder account, shown as "Anonym".
    proposal = Proposal.objects.get(pk=rita["proposal"].pk)
    assert privacy.is_deleted_account(proposal.author)
    assert proposal.origin_label == "Anonym"
    assert proposal.description == rita["proposal"].description
    # The comment stays, without name, address or IP; the page shows "Anonym".
    comment = XtdComment.objects.get(pk=rita["comment"].pk)
    assert (comment.user_id, comment.user_email, comment.user_name) == (None, "", "")
    assert comment.comment == "Kommentar von Rita" and comment.ip_address is None
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert "Kommentar von Rita" in page and "Rita Resident" not in page
    # Her vote is still counted; Otto's data is untouched.
    vote = Vote.objects.get(proposal=otto["proposal"])
    assert vote.user_id is None
    ranked = {r.proposal.pk: r for r in round_results(two["round"]).ranking}
    assert ranked[otto["proposal"].pk].online_support == 1
    assert Memory.objects.filter(author=otto["memory"].author).count() == 2
    # Logged out, logged by number, confirmed by mail.
    assert "_auth_user_id" not in client.session
    entry = ModelLogEntry.objects.get(action=privacy.ACTION_DELETE)
    assert entry.data["mode"] == "anonymise" and email not in entry.label
    assert [m.to for m in mail.outbox] == [[email]]
    assert mail.outbox[0].subject == "Ihr Konto wurde gelöscht"
    assert "anonym" in mail.outbox[0].body


def test_delete_removes_contributions_and_files(
    client, two, resident, other_resident, django_capture_on_commit_callbacks
):
    rita, otto = two["rita"], two["otto"]
    photo_file = media_path(rita["photo"].image.file)
    audio_file = media_path(rita["audio"].file)
    image_pk = rita["photo"].image.pk
    otto_photo = media_path(otto["photo"].image.file)
    # Otto replied to one of Rita's comments; another of hers has no reply.
    reply = make_comment(
        rita["proposal"], other_resident, "Antwort von Otto", parent=rita["comment"]
    )
    lonely = make_comment(otto["proposal"], resident, "Noch ein Kommentar von Rita")
    # A proposal of hers nobody else touched.
    untouched = ProposalFactory(round=two["round"], author=resident, title="Unberührt")
    VoteFactory(proposal=untouched, user=resident)

    with django_capture_on_commit_callbacks(execute=True):
        response = delete_account(client, resident, "delete")
    assert response.status_code == 200

    assert not Memory.objects.filter(pk__in=[rita["memory"].pk, rita["private"].pk]).exists()
    assert not MemoryAudio.objects.filter(pk=rita["audio"].pk).exists()
    assert not Image.objects.filter(pk=image_pk).exists()
    assert not photo_file.exists() and not audio_file.exists()
    assert otto_photo.exists()
    # The untouched proposal is gone; the one Otto voted for and commented on stays, emptied.
    assert not Proposal.objects.filter(pk=untouched.pk).exists()
    kept = Proposal.objects.get(pk=rita["proposal"].pk)
    assert kept.title == "Vorschlag von Rita"
    assert "gelöscht" in kept.description and kept.image_id is None
    assert kept.status == ProposalStatus.WITHDRAWN
    assert privacy.is_deleted_account(kept.author)
    # Comments: with a reply → kept as "gelöscht" in place; without → gone. Otto's reply stays.
    removed = XtdComment.objects.get(pk=rita["comment"].pk)
    assert removed.is_removed and removed.comment == "" and removed.user_id is None
    assert not XtdComment.objects.filter(pk=lonely.pk).exists()
    assert XtdComment.objects.get(pk=reply.pk).comment == "Antwort von Otto"
    assert kept.comment_count == 1  # the stored counter: only Otto's reply still counts
    page = client.get(kept.get_absolute_url()).content.decode()
    assert "Von der Verfasserin oder dem Verfasser gelöscht." in page
    assert "Antwort von Otto" in page
    assert "Kommentar von Rita" not in page
    # Her votes are still counted (Otto's proposal keeps its vote).
    ranked = {r.proposal.pk: r for r in round_results(two["round"]).ranking}
    assert ranked[otto["proposal"].pk].online_support == 1
    assert Vote.objects.filter(proposal=otto["proposal"], user__isnull=True).count() == 1
    # Otto keeps everything.
    assert Memory.objects.filter(author=other_resident).count() == 2
    assert "gelöscht" in mail.outbox[0].body


def test_a_failing_eraser_changes_nothing(
    client, two, resident, django_capture_on_commit_callbacks
):
    """One transaction: a failure in the middle leaves every row and file in place."""
    audio_file = media_path(two["rita"]["audio"].file)

    def broken(user, erasure):
        raise RuntimeError("disk full")

    privacy.register_eraser("zz-broken", broken)
    try:
        client.raise_request_exception = False
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            response = delete_account(client, resident, "delete")
    finally:
        privacy._ERASERS.pop("zz-broken")
    assert response.status_code == 500
    assert User.objects.filter(pk=resident.pk).exists()
    assert Memory.objects.filter(author=resident).count() == 2
    assert XtdComment.objects.filter(user=resident).count() == 1
    assert audio_file.exists() and not mail.outbox and not callbacks


def test_placeholder_account_cannot_log_in(client, two, resident):
    delete_account(client, resident, "anonymise")
    placeholder = privacy.deleted_account()
    assert not placeholder.is_active and not placeholder.has_usable_password()
    assert placeholder.public_name == "Anonym"


# --------------------------------------------------------------------------------------------
# Retention


def test_purge_personal_data_removes_exactly_what_is_due(
    db, settings, django_capture_on_commit_callbacks
):
    now = timezone.now()
    old = now - datetime.timedelta(days=settings.CIVIC_UNVERIFIED_ACCOUNT_DAYS + 1)
    stale = UserFactory(email="nie-bestaetigt@example.org")
    EmailAddress.objects.create(user=stale, email=stale.email, verified=False, primary=True)
    User.objects.filter(pk=stale.pk).update(date_joined=old)
    fresh = UserFactory(email="frisch@example.org")
    EmailAddress.objects.create(user=fresh, email=fresh.email, verified=False, primary=True)
    verified = UserFactory(email="bestaetigt@example.org")
    EmailAddress.objects.create(user=verified, email=verified.email, verified=True, primary=True)
    User.objects.filter(pk=verified.pk).update(date_joined=old)
    staff_made = UserFactory(email="ohne-adresse@example.org")  # created in the admin
    User.objects.filter(pk=staff_made.pk).update(date_joined=old)

    proposal = ProposalFactory(author=verified)
    old_comment = make_comment(proposal, verified, "Alt")
    new_comment = make_comment(proposal, verified, "Neu")
    XtdComment.objects.filter(pk__in=[old_comment.pk, new_comment.pk]).update(
        ip_address="192.0.2.7"
    )
    XtdComment.objects.filter(pk=old_comment.pk).update(
        submit_date=now - datetime.timedelta(days=settings.CIVIC_COMMENT_IP_RETENTION_DAYS + 1)
    )
    upload = PendingUpload.objects.create(
        file=ContentFile(b"x", name="alt.png"), kind="image", user=verified
    )
    PendingUpload.objects.filter(pk=upload.pk).update(created=now - datetime.timedelta(days=3))
    upload_file = media_path(upload.file)

    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("purge_personal_data", stdout=out)
    output = out.getvalue()

    assert set(User.objects.values_list("email", flat=True)) == {
        fresh.email,
        verified.email,
        staff_made.email,
    }
    assert XtdComment.objects.get(pk=old_comment.pk).ip_address is None
    assert XtdComment.objects.get(pk=new_comment.pk).ip_address == "192.0.2.7"
    assert not PendingUpload.objects.exists() and not upload_file.exists()
    assert "Unbestätigte Konten: 1" in output
    assert not mail.outbox  # nobody is written to at an address never confirmed
    assert "IP-Adressen von Kommentaren: 1" in output
    assert "Zwischengespeicherte Dateien: 1" in output
    assert "Kontaktdaten und unbestätigte Einsendungen (Stadtgedächtnis): 0" in output


def test_schedule_loop_enqueues_the_daily_task(db, settings):
    stale = UserFactory()
    EmailAddress.objects.create(user=stale, email=stale.email, verified=False, primary=True)
    User.objects.filter(pk=stale.pk).update(
        date_joined=timezone.now() - datetime.timedelta(days=60)
    )
    out = io.StringIO()
    # The test settings run "jobs" tasks at once; in production the db_worker picks them up.
    call_command("purge_personal_data", "--schedule", "--times", "2", "--every", "0", stdout=out)
    assert out.getvalue().count("Löschlauf eingereiht") == 2
    assert not User.objects.filter(pk=stale.pk).exists()


def test_retention_periods_follow_the_settings(client, resident, settings):
    settings.STADTGEDAECHTNIS_CONTACT_RETENTION_DAYS = 45
    settings.CIVIC_UNVERIFIED_ACCOUNT_DAYS = 21
    client.force_login(resident)
    page = client.get(reverse("civic:my_data")).content.decode()
    assert "Kontaktdaten von Erzählenden ohne Konto: 45 Tage nach der Entscheidung" in page
    assert "Konten, deren E-Mail-Adresse nie bestätigt wurde: 21 Tage" in page


def test_retention_block_for_the_privacy_page(db, settings):
    from civic.privacy_blocks import RetentionPeriodsBlock

    settings.STADTGEDAECHTNIS_UNCONFIRMED_DAYS = 3
    html = RetentionPeriodsBlock().render(None)
    assert "<h2" in html and "Speicherfristen" in html
    assert "Unbestätigte Einsendungen ohne Konto (mit Fotos und Tonaufnahmen): 3 Tage" in html
    assert "Zwischengespeicherte Dateien unvollständiger Formulare: 24 Stunden" in html


def test_english_pages(client, resident):
    client.force_login(resident)
    page = client.get("/en/my-area/my-data/").content.decode()
    assert (
        "Download my data (ZIP)" in page
        and "Contact data of contributors without an account: 90 days" in page
    )
    form = client.get("/en/my-area/delete-account/").content.decode()
    assert "What should happen to your contributions?" in form


def test_seeded_privacy_page_states_the_configured_times(client, db, settings):
    from civic.models import CitySettings

    call_command("seed_demo", verbosity=0)
    settings.STADTGEDAECHTNIS_CONTACT_RETENTION_DAYS = 60
    privacy_page = CitySettings.objects.get().privacy_page
    page = client.get(privacy_page.url).content.decode()
    assert "Speicherfristen" in page
    assert "Kontaktdaten von Erzählenden ohne Konto: 60 Tage nach der Entscheidung" in page
    assert "Konten, deren E-Mail-Adresse nie bestätigt wurde: 14 Tage" in page


def test_rate_limits_on_download_and_deletion(client, resident):
    from tests.civic.ratelimit_helpers import MESSAGE, use_up

    use_up("data_export", 5, user=resident)
    client.force_login(resident)
    response = client.post(reverse("civic:my_data_download"))
    assert response.status_code == 429 and MESSAGE in response.content.decode()
    use_up("delete_account", 5, user=resident)
    response = client.post(
        reverse("civic:delete_account"),
        {"mode": "delete", "password": PASSWORD, "confirm": "on"},
    )
    assert response.status_code == 429
    assert User.objects.filter(pk=resident.pk).exists()
