"""Reading books (Lesebücher): web view, placement rules, warnings, credits, call, notifications."""

import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from stadtgedaechtnis import books, services
from stadtgedaechtnis.models import (
    BookEntryWarning,
    BookNotification,
    BookPage,
    Memory,
    Status,
)
from tests.stadtgedaechtnis.factories import (
    MemoryContactFactory,
    MemoryFactory,
    MemoryPhotoFactory,
)
from tests.stadtgedaechtnis.factories_books import make_book
from tests.stadtgedaechtnis.test_tell import form_data

pytestmark = pytest.mark.django_db


def printable(**kwargs) -> Memory:
    return MemoryFactory(print_allowed=True, **kwargs)


def positions(html: str, *needles: str) -> list[int]:
    found = [html.find(needle) for needle in needles]
    assert all(p >= 0 for p in found), [n for n, p in zip(needles, found, strict=True) if p < 0]
    return found


def book_html(client, book) -> str:
    response = client.get(book.url)
    assert response.status_code == 200
    return response.content.decode()


# --------------------------------------------------------------------------------------------
# Web view


def test_web_view_shows_chapters_and_entries_in_the_composed_order(client, home_page):
    first, second, third = (printable(title=t) for t in ("Alpha-Haus", "Beta-Weg", "Gamma-Platz"))
    photo = MemoryPhotoFactory(memory=second, alt_text="Ein Fachwerkhaus im Schnee")
    book = make_book(
        home_page,
        ("Zweites zuerst", [(third, "Eine Notiz der Redaktion", ""), first]),
        ("Danach", [(second, "", "Gekürzte Fassung für den Druck.")]),
        released=True,
    )
    html = book_html(client, book)
    # The chapters and their entries appear as composed, not alphabetically or by id.
    body = html[html.find("book-chapter") :]
    a, b, c, d, e = positions(
        body, "Zweites zuerst", "Gamma-Platz", "Alpha-Haus", "Danach", "Beta-Weg"
    )
    assert a < b < c < d < e
    assert "Eine Notiz der Redaktion" in html
    # The print text replaces the story in the book; the memory page stays as told.
    assert "Gekürzte Fassung für den Druck." in html
    assert f'alt="{photo.alt_text}"' in html
    assert first.get_absolute_url() in html
    memory_page = client.get(second.get_absolute_url()).content.decode()
    assert "Gekürzte Fassung" not in memory_page
    assert "Erster Absatz der Erinnerung." in memory_page


def test_before_release_the_page_shows_the_call_not_the_book(client, home_page):
    memory = printable(title="Noch geheim")
    book = make_book(home_page, ("Kapitel", [memory]), call="open")
    html = book_html(client, book)
    assert "Noch geheim" not in html
    assert "Erinnerung zum Aufruf erzählen" in html
    assert f"/erzaehlen/?aufruf={book.pk}" in html


def test_closed_call_offers_no_button(client, home_page):
    book = make_book(home_page, call="closed")
    html = book_html(client, book)
    assert "Erinnerung zum Aufruf erzählen" not in html
    assert "Zurzeit können Sie keine Erinnerungen" in html


def test_book_page_queries_do_not_grow_with_entries(
    client, home_page, django_assert_max_num_queries
):
    from django.core.cache import cache

    memories = [printable(title=f"Erinnerung Nummer {i}") for i in range(30)]
    for memory in memories[:15]:
        MemoryPhotoFactory(memory=memory)
    book = make_book(home_page, ("Eins", memories[:15]), ("Zwei", memories[15:]), released=True)
    client.get(book.url)  # make the renditions once
    cache.clear()  # no help from cached renditions or pages
    with django_assert_max_num_queries(20):  # 17 today, the same for 4 entries as for 30
        html = book_html(client, book)
    assert html.count('class="book-entry"') == 30
    assert html.count("<figure") == 15


# --------------------------------------------------------------------------------------------
# Placement rules


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"status": Status.SUBMITTED}, "ist nicht veröffentlicht"),
        ({"status": Status.WITHDRAWN}, "wurde zurückgezogen"),
        ({"status": Status.REJECTED}, "ist nicht veröffentlicht"),
        ({"print_allowed": False}, "darf nach dem Willen der erzählenden Person nicht gedruckt"),
    ],
)
def test_block_validation_refuses_memories_that_may_not_be_printed(fields, message):
    memory = MemoryFactory(**{"print_allowed": True, **fields})
    block = BookPage._meta.get_field("chapters").stream_block
    value = block.to_python(
        [
            {
                "type": "chapter",
                "value": {
                    "title": "K",
                    "intro": "",
                    "entries": [{"memory": memory.pk, "note": "", "print_text": ""}],
                },
            }
        ]
    )
    with pytest.raises(ValidationError) as error:
        block.clean(value)
    assert message in str(error.value.as_json_data()) or message in str(error.value)


def test_block_validation_accepts_a_published_printable_memory():
    memory = printable()
    block = BookPage._meta.get_field("chapters").stream_block
    value = block.to_python(
        [
            {
                "type": "chapter",
                "value": {
                    "title": "K",
                    "intro": "",
                    "entries": [{"memory": memory.pk, "note": "", "print_text": ""}],
                },
            }
        ]
    )
    cleaned = block.clean(value)
    assert cleaned[0].value["entries"][0]["memory"] == memory


def test_chooser_lists_only_placeable_memories_and_filters_by_call(client, editor, home_page):
    book = make_book(home_page, call="open")
    ok = printable(title="Druckbar und veröffentlicht")
    answer = printable(title="Antwort auf den Aufruf", book_call=book)
    MemoryFactory(title="Nicht für den Druck", print_allowed=False)
    MemoryFactory(title="Noch eingereicht", print_allowed=True, status=Status.SUBMITTED)
    MemoryFactory(title="Zurückgezogen", print_allowed=True, status=Status.WITHDRAWN)
    client.force_login(editor)
    url = reverse("stadtgedaechtnis_book_memory_chooser:choose_results")
    html = client.get(url).content.decode()
    assert ok.title in html and answer.title in html
    for hidden in ("Nicht für den Druck", "Noch eingereicht", "Zurückgezogen"):
        assert hidden not in html
    filtered = client.get(url, {"call": book.pk}).content.decode()
    assert answer.title in filtered
    assert ok.title not in filtered


# --------------------------------------------------------------------------------------------
# A memory that may no longer be printed


@pytest.mark.parametrize("change", ["withdraw", "reject", "not_for_print"])
def test_memory_leaving_a_book_disappears_and_editors_are_warned(
    client, editor, home_page, django_capture_on_commit_callbacks, change
):
    staying = printable(title="Bleibt im Buch")
    leaving = printable(title="Verlässt das Buch")
    book = make_book(home_page, ("Kapitel", [staying, leaving]), released=True)
    assert "Verlässt das Buch" in book_html(client, book)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        if change == "withdraw":
            services.withdraw(leaving)
        elif change == "reject":
            services.reject(leaving, actor=editor, reason="Rechte ungeklärt")
        else:
            leaving.print_allowed = False
            leaving.save()

    html = book_html(client, book)
    assert "Bleibt im Buch" in html
    assert "Verlässt das Buch" not in html
    warnings = [m for m in mail.outbox if editor.email in m.to]
    assert len(warnings) == 1
    assert "Verlässt das Buch" in warnings[0].subject
    assert reverse("wagtailadmin_pages:edit", args=[book.pk]) in warnings[0].body

    # The book's edit page says which entry is affected.
    client.force_login(editor)
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[book.pk]), follow=True)
    text = edit.content.decode()
    assert "Achtung: 1 Beitrag kann nicht mehr gedruckt werden" in text
    assert "Verlässt das Buch" in text

    # Saving the memory again does not repeat the mail.
    with django_capture_on_commit_callbacks(execute=True):
        Memory.objects.get(pk=leaving.pk).save()
    assert len([m for m in mail.outbox if editor.email in m.to]) == 1


def test_warning_repeats_after_the_memory_came_back_and_left_again(
    editor, home_page, django_capture_on_commit_callbacks
):
    memory = printable(title="Hin und her")
    make_book(home_page, ("Kapitel", [memory]))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        memory.print_allowed = False
        memory.save()
        memory.print_allowed = True
        memory.save()
        memory.print_allowed = False
        memory.save()
    assert len(mail.outbox) == 2
    assert BookEntryWarning.objects.filter(memory=memory).count() == 1


def test_memories_outside_books_warn_nobody(editor, django_capture_on_commit_callbacks):
    memory = printable()
    with django_capture_on_commit_callbacks(execute=True):
        services.withdraw(memory)
    assert mail.outbox == []


def test_draft_entries_are_watched_too(editor, home_page, django_capture_on_commit_callbacks):
    """A memory placed in an unpublished draft of the book is watched as well."""
    memory = printable(title="Nur im Entwurf")
    book = make_book(home_page)
    book.chapters = [("chapter", {"title": "K", "intro": "", "entries": [{"memory": memory}]})]
    book.save_revision()
    with django_capture_on_commit_callbacks(execute=True):
        services.withdraw(memory)
    assert len(mail.outbox) == 1


# --------------------------------------------------------------------------------------------
# Credits


def test_credits_follow_the_attribution_each_contributor_chose(client, home_page, resident):
    full = printable(attribution="full_name", contributor_name="Anna Beispiel")
    initials = printable(attribution="initials", contributor_name="Bernd Carl Doe")
    pseudonym = printable(attribution="pseudonym", pseudonym="Die Zeitzeugin")
    secret_one = printable(attribution="anonymous", contributor_name="Geheim Eins")
    secret_two = printable(attribution="anonymous", contributor_name="Geheim Zwei")
    # The same anonymous person twice is one person.
    twice = printable(attribution="anonymous", contributor_name="Geheim Drei", author=resident)
    again = printable(attribution="anonymous", contributor_name="Geheim Drei", author=resident)
    memories = [full, initials, pseudonym, secret_one, secret_two, twice, again]
    book = make_book(home_page, ("Alle", memories), released=True)

    credits = books.credits_for(memories)
    assert credits.names == ["Anna Beispiel", "B. C. D.", "Die Zeitzeugin"]
    assert credits.anonymous == 3

    html = book_html(client, book)
    section = html[html.find("book-credits") :]
    for name in ("Anna Beispiel", "B. C. D.", "Die Zeitzeugin"):
        assert name in section
    assert "und 3 weitere, die anonym bleiben möchten" in section
    for hidden in ("Geheim", "Bernd Carl Doe"):
        assert hidden not in html

    print_book = books.build_print_book(book)
    assert print_book.credits == [
        "Anna Beispiel",
        "B. C. D.",
        "Die Zeitzeugin",
        "und 3 weitere, die anonym bleiben möchten",
    ]
    assert not any("Geheim" in e.attribution for c in print_book.chapters for e in c.entries)


# --------------------------------------------------------------------------------------------
# The call (Aufruf)


def test_memory_told_through_an_open_call_is_marked(client, resident, home_page):
    book = make_book(home_page, call="open", title="Kindheit in der Stadt")
    client.force_login(resident)
    page = client.get(f"/erzaehlen/?aufruf={book.pk}").content.decode()
    assert "zum Aufruf „Kindheit in der Stadt“" in page
    assert f'name="aufruf" value="{book.pk}"' in page
    response = client.post(f"/erzaehlen/?aufruf={book.pk}", form_data(aufruf=str(book.pk)))
    assert response.status_code == 302, response.content.decode()[:300]
    memory = Memory.objects.get(title="Der erste Fernseher")
    assert memory.book_call == book
    assert list(books.call_answers(book)) == []  # not published yet


def test_memory_told_without_a_call_is_not_marked(client, resident, home_page):
    make_book(home_page, call="open")
    client.force_login(resident)
    assert client.post("/erzaehlen/", form_data()).status_code == 302
    assert Memory.objects.get(title="Der erste Fernseher").book_call is None


@pytest.mark.parametrize("state", ["closed", "released", "not_yet"])
def test_closed_call_refuses_the_submission(client, resident, home_page, state):
    import datetime

    from django.utils import timezone

    from stadtgedaechtnis.models import BookRelease

    book = make_book(home_page, call="closed" if state == "closed" else "open")
    if state == "released":
        BookRelease.objects.create(book=book)
    if state == "not_yet":
        BookPage.objects.filter(pk=book.pk).update(
            call_opens=timezone.localdate() + datetime.timedelta(days=3)
        )
    client.force_login(resident)
    response = client.post(f"/erzaehlen/?aufruf={book.pk}", form_data(aufruf=str(book.pk)))
    assert response.status_code == 200
    assert "ist nicht geöffnet" in response.content.decode()
    assert not Memory.objects.filter(title="Der erste Fernseher").exists()


# --------------------------------------------------------------------------------------------
# Release and notifications


def test_release_tells_only_contributors_who_agreed_and_only_once(
    client, editor, home_page, django_capture_on_commit_callbacks
):
    from tests.civic.factories import UserFactory

    account = UserFactory(email="konto@example.net", display_name="Konto Inhaberin")
    with_account = printable(title="Mit Konto", author=account)
    second_by_account = printable(title="Auch mit Konto", author=account)
    agreed = printable(title="Ohne Konto, einverstanden", author=None)
    MemoryContactFactory(
        memory=agreed, email="ja@example.net", may_contact=True, confirmed_at="2026-01-01T00:00Z"
    )
    refused = printable(title="Ohne Konto, nicht einverstanden", author=None)
    MemoryContactFactory(memory=refused, email="nein@example.net", may_contact=False)
    purged = printable(title="Ohne Konto, Kontakt gelöscht", author=None)
    on_behalf = printable(title="Im Auftrag", author=None, on_behalf=True)
    book = make_book(
        home_page,
        ("Eins", [with_account, agreed, refused]),
        ("Zwei", [purged, on_behalf, second_by_account]),
        call="open",
    )
    client.force_login(editor)
    url = reverse("stadtgedaechtnis_books:release", args=[book.pk])
    confirm = client.get(url).content.decode()
    assert "Mitwirkende, die jetzt eine E-Mail erhalten: 2" in confirm
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    recipients = sorted(address for m in mail.outbox for address in m.to)
    assert recipients == ["ja@example.net", "konto@example.net"]
    assert all(book.title in m.body and book.full_url in m.body for m in mail.outbox)
    assert BookNotification.objects.filter(book=book).count() == 2
    book.refresh_from_db()
    assert book.is_released
    assert "Mit Konto" in book_html(client, book)

    # Repeating tells nobody twice.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    assert mail.outbox == []


def test_book_admin_views_need_the_permission(
    client, resident, steering, home_page, django_capture_on_commit_callbacks
):
    from civic.models_jobs import Job

    memory = printable(author=resident)
    book = make_book(home_page, ("K", [memory]))
    for user in (resident, steering):
        client.force_login(user)
        for name in ("release", "pdf"):
            url = reverse(f"stadtgedaechtnis_books:{name}", args=[book.pk])
            # Wagtail turns the PermissionDenied into a redirect with a message for people with
            # admin access (the steering group); the others get a 403.
            for response in (client.get(url), client.post(url)):
                assert response.status_code in (302, 403)
                if response.status_code == 302:
                    assert response.url == reverse("wagtailadmin_home")
    assert not BookPage.objects.get(pk=book.pk).is_released
    assert not Job.objects.exists()
    assert mail.outbox == []


def test_edit_page_has_the_book_buttons(client, editor, home_page):
    book = make_book(home_page)
    client.force_login(editor)
    html = client.get(reverse("wagtailadmin_pages:edit", args=[book.pk])).content.decode()
    assert reverse("stadtgedaechtnis_books:pdf", args=[book.pk]) in html
    assert reverse("stadtgedaechtnis_books:release", args=[book.pk]) in html


# --------------------------------------------------------------------------------------------
# PDF


def test_pdf_job_keeps_the_order_and_leaves_out_unprintable_memories(
    client, editor, home_page, django_capture_on_commit_callbacks
):
    pytest.importorskip("stadtgedaechtnis.book_pdf")
    import io

    from pypdf import PdfReader

    from civic.models_jobs import Job

    first, second, third = (
        printable(title=t) for t in ("Zuerst Zeppelin", "Dann Dampflok", "Zuletzt Ahorn")
    )
    gone = printable(title="Inzwischen zurückgezogen")
    MemoryPhotoFactory(memory=second, caption="Die Lok am Bahnhof")
    book = make_book(
        home_page, ("Erstes Kapitel", [first, gone, second]), ("Zweites Kapitel", [third])
    )
    services.withdraw(gone)
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("stadtgedaechtnis_books:pdf", args=[book.pk]))
    assert response.status_code == 302
    job = Job.objects.get(kind="stadtgedaechtnis.book_pdf")
    job.refresh_from_db()
    assert job.status == "done", job.__dict__
    with job.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    text = re.sub(r"\s+", " ", "\n".join(page.extract_text() for page in reader.pages))
    body = text[text.find("Erstes Kapitel", text.find("Zweites Kapitel")) :]  # after the contents
    a, b, c = positions(body, "Zuerst Zeppelin", "Dann Dampflok", "Zuletzt Ahorn")
    assert a < b < c
    assert "Inzwischen zurückgezogen" not in text


def test_released_book_can_offer_its_pdf_publicly(
    client, editor, home_page, django_capture_on_commit_callbacks
):
    pytest.importorskip("stadtgedaechtnis.book_pdf")
    memory = printable(title="Im Druck")
    draft = make_book(home_page, ("K", [memory]), number=1)
    released = make_book(home_page, ("K", [memory]), number=2, released=True)
    client.force_login(editor)
    # Before the release there is no choice to publish; the flag is ignored.
    assert (
        'name="publish"'
        not in client.get(reverse("stadtgedaechtnis_books:pdf", args=[draft.pk])).content.decode()
    )
    assert (
        'name="publish"'
        in client.get(reverse("stadtgedaechtnis_books:pdf", args=[released.pk])).content.decode()
    )
    for book in (draft, released):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("stadtgedaechtnis_books:pdf", args=[book.pk]), {"publish": "1"})
    released = BookPage.objects.get(pk=released.pk)
    document = released.release.pdf_document
    assert document is not None
    client.logout()
    assert document.url in book_html(client, released)
    response = client.get(document.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    from wagtail.documents import get_document_model

    assert get_document_model().objects.count() == 1  # the unreleased book's PDF stays private


def test_book_page_in_english(client, home_page):
    open_call = make_book(home_page, call="open", number=1)
    released = make_book(
        home_page,
        ("Kapitel", [printable(attribution="anonymous"), printable(contributor_name="Ann")]),
        number=2,
        released=True,
    )
    call_url, released_url = open_call.url, released.url  # German URLs, before English is active
    html = client.get("/en" + call_url).content.decode()
    assert "Tell a memory for the call" in html
    assert f"/en/tell/?aufruf={open_call.pk}" in html
    html = client.get("/en" + released_url).content.decode()
    assert "Told by Ann" in html
    assert "and 1 more person who wishes to remain anonymous" in html


def test_chapter_whose_entries_all_left_is_not_shown(client, home_page):
    kept = printable(title="Bleibt")
    gone = printable(title="Geht")
    book = make_book(
        home_page, ("Volles Kapitel", [kept]), ("Leeres Kapitel", [gone]), released=True
    )
    assert "Leeres Kapitel" in book_html(client, book)
    services.withdraw(gone)
    html = book_html(client, book)
    assert "Volles Kapitel" in html
    assert "Leeres Kapitel" not in html
