"""Site settings: a city's look and map come from the database, validated for accessibility."""

import pytest
from django.core.exceptions import ValidationError
from wagtail.models import Site

from civic.colors import contrast_ratio
from civic.models import CitySettings


@pytest.fixture
def city(db, home_page):
    return CitySettings.for_site(Site.objects.get(is_default_site=True))


def test_contrast_ratio_matches_wcag_examples():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#ffffff", "#ffffff") == pytest.approx(1.0)
    assert contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)


def test_pale_colour_is_refused_in_german(city):
    city.primary_colour = "#ffcc00"
    with pytest.raises(ValidationError) as exc:
        city.full_clean()
    assert "zu schwach" in str(exc.value.message_dict["primary_colour"])


def test_malformed_colour_is_refused(city):
    city.accent_colour = "red; background:url(x)"
    with pytest.raises(ValidationError) as exc:
        city.full_clean()
    assert "accent_colour" in exc.value.message_dict


def test_partial_map_bounds_are_refused(city):
    city.map_bounds_south = 50.1
    with pytest.raises(ValidationError):
        city.full_clean()


def test_tile_url_needs_placeholders(city):
    city.tile_url = "https://tiles.example.org/tile.png"
    with pytest.raises(ValidationError) as exc:
        city.full_clean()
    assert "tile_url" in exc.value.message_dict


def test_theme_css_uses_site_colours(client, city):
    city.primary_colour = "#114477"
    city.save()
    response = client.get("/theme.css")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")
    assert "--civic-primary: #114477;" in response.content.decode()


def test_city_name_and_legal_pages_in_chrome(client, city, home_page):
    from tests.civic.factories import StandardPageFactory

    imprint = StandardPageFactory(parent=home_page, title="Impressum", slug="impressum")
    city.site_title = "Musterstadt beteiligt"
    city.imprint_page = imprint
    city.save()
    html = client.get("/").content.decode()
    assert "Musterstadt beteiligt" in html
    assert 'href="/impressum/"' in html


def test_map_options_come_from_settings(client, city):
    from tests.civic.factories import DistrictFactory

    DistrictFactory()
    city.map_center_lat, city.map_center_lon, city.map_zoom = 50.5, 11.5, 12
    city.tile_url = "https://tiles.example.org/{z}/{x}/{y}.png"
    city.save()
    html = client.get("/stadtteile/").content.decode()
    assert '"center": [50.5, 11.5]' in html
    assert "https://tiles.example.org/{z}/{x}/{y}.png" in html
