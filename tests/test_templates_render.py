"""Forms and lists render without template syntax leaking into the page.

Django's ``{# … #}`` comments only work on one line; a multi-line one is printed as text. These
pages include the shared field and pagination templates, so a slip there shows on all of them.
"""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url_name",
    ["stadtgedaechtnis:tell", "civic:my_area", "civic:search"],
)
def test_no_template_syntax_in_the_page(client, resident, url_name):
    client.force_login(resident)
    html = client.get(reverse(url_name), {"q": "Markt"}).content.decode()
    for leak in ("{#", "#}", "{%", "%}", "{{", "}}"):
        assert leak not in html, f"{leak!r} printed on {url_name}"
