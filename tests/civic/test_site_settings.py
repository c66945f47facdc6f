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


def test_contrast_error_uses_german_number_format(city):
    city.primary_colour = "#ffdd00"
    with pytest.raises(ValidationError) as exc:
        city.full_clean()
    assert "(Kontrast 1,3:1, nötig 4,5:1)" in exc.value.message_dict["primary_colour"][0]


def test_admin_settings_form_keeps_input_on_error(admin_client, city):
    from django.forms.models import model_to_dict
    from django.urls import reverse

    data = {k: ("" if v is None else v) for k, v in model_to_dict(city).items()}
    data.pop("id", None)
    data.pop("site", None)
    data.update(primary_colour="#ffdd00", tagline="Neuer Untertitel")
    url = reverse("wagtailsettings:edit", args=["civic", "citysettings", city.site_id])
    response = admin_client.post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "zu schwach" in html
    assert 'value="Neuer Untertitel"' in html and 'value="#ffdd00"' in html
    city.refresh_from_db()
    assert city.tagline != "Neuer Untertitel"
