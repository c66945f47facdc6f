"""The Erzähle form in English (/en/tell/), and English words for "when"."""

import pytest

from stadtgedaechtnis.models import Memory

pytestmark = pytest.mark.django_db


def test_english_form(client):
    response = client.get("/en/tell/")
    html = response.content.decode()
    assert response.status_code == 200
    for text in ["Tell your memory", "Title of your memory", "Step 1 of 5:", "Submit memory"]:
        assert text in html, text


def test_english_words_for_when_are_parsed(client, resident):
    client.force_login(resident)
    data = {
        "title": "Summer at the lido",
        "story": "We swam every day.",
        "date_text": "early 1960s",
        "precision": "exact",
        "licence": "cc-by-4.0",
        "people_status": "unknown",
        "attribution": "anonymous",
        "consent": "on",
    }
    for i in range(5):
        data[f"photo-{i}-licence"] = "cc-by-4.0"
    response = client.post("/en/tell/", data)
    assert response.status_code == 302
    memory = Memory.objects.get()
    assert (memory.date_from.year, memory.date_to.year, memory.decade) == (1960, 1963, 1960)
    assert memory.language == "en"
