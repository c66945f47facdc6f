"""Build the demo city (Coburg): settings, pages, news, legal pages, districts, demo users.

Idempotent: running it again creates nothing twice and keeps what editors changed. Domain apps
extend it with their own steps through ``civic.registry.register_seed_step``.
"""

from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from civic import demo_content as content
from civic.models import CitySettings, District, HomePage, NewsIndexPage, NewsPage, StandardPage
from civic.registry import SEED_STEPS
from civic.roles import assign_role

DEMO_DISTRICTS = Path(__file__).resolve().parents[2] / "demo" / "coburg_stadtteile.geojson"


class Command(BaseCommand):
    help = "Legt die Demo-Stadt Coburg an (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Nur anlegen, wenn die Datenbank noch keine Inhalte hat.",
        )
        parser.add_argument(
            "--password",
            default=content.DEMO_PASSWORD,
            help="Passwort der Demo-Konten (Standard: %(default)s).",
        )

    def handle(self, *args, **options):
        home = HomePage.objects.filter(depth=2).first()
        if options["if_empty"] and home is not None and home.get_children().exists():
            self.stdout.write("Die Datenbank hat schon Inhalte; Demo-Daten werden nicht geladen.")
            self._print_logins(options["password"], existing=True)
            return

        with transaction.atomic():
            home = self._home_page(home)
            site = home.get_site()
            pages = self._pages(home)
            self._news(home)
            self._settings(site, pages)
            self._districts()
            self._users(options["password"])
            context = {"home": home, "site": site, "pages": pages, "stdout": self.stdout}
            for _order, name, step in SEED_STEPS:
                self.stdout.write(f"Demo-Schritt: {name}")
                step(context)
            # A domain app's seed step puts its own entry page into ``pages`` under the slug;
            # a simple placeholder page stands in for any app that did not.
            for spec in content.PLACEHOLDER_PAGES:
                if spec["slug"] not in pages:
                    pages[spec["slug"]] = self._page_from_spec(home, spec)
            self._teasers(home, pages)

        self.stdout.write(self.style.SUCCESS("Die Demo-Stadt Coburg ist bereit."))
        self._print_logins(options["password"])

    # -- steps ----------------------------------------------------------------------------

    def _home_page(self, home):
        if home is None:
            raise SystemExit("Keine Startseite gefunden: bitte zuerst `manage.py migrate`.")
        if not home.hero_title:
            home.title = "Startseite"
            home.hero_title = content.HOME["hero_title"]
            home.hero_text = content.HOME["hero_text"]
            home.seo_title = content.HOME["seo_title"]
            home.search_description = content.HOME["search_description"]
            home.save_revision().publish()
        site = home.get_site()
        if site is not None and site.site_name != content.SITE_TITLE:
            site.site_name = content.SITE_TITLE
            if (site.hostname, site.port) == ("localhost", 80):
                # The demo is served by `make run`: full URLs (admin "view live", e-mails) match it.
                site.hostname, site.port = content.DEMO_HOST, content.DEMO_PORT
            site.save()
        # django.contrib.sites (used by allauth and django-comments-xtd for names and links).
        from django.contrib.sites.models import Site as DjangoSite

        DjangoSite.objects.update_or_create(
            pk=1,
            defaults={
                "domain": f"{content.DEMO_HOST}:{content.DEMO_PORT}",
                "name": content.SITE_TITLE,
            },
        )
        return HomePage.objects.get(pk=home.pk)

    def _child(self, parent, model, slug, **fields):
        existing = model.objects.child_of(parent).filter(slug=slug).first()
        if existing:
            return existing
        page = model(slug=slug, **fields)
        parent.add_child(instance=page)
        page.save_revision().publish()
        return page

    def _pages(self, home):
        return {spec["slug"]: self._page_from_spec(home, spec) for spec in content.PAGES}

    def _page_from_spec(self, home, spec):
        return self._child(
            home,
            StandardPage,
            spec["slug"],
            title=spec["title"],
            intro=spec["intro"],
            body=spec["body"],
            show_in_menus=spec.get("show_in_menus", False),
            search_description=spec.get("search_description", ""),
        )

    def _news(self, home):
        index = self._child(
            home,
            NewsIndexPage,
            "aktuelles",
            title="Aktuelles",
            intro=content.NEWS_INTRO,
            show_in_menus=True,
        )
        for article in content.NEWS:
            self._child(
                index,
                NewsPage,
                article["slug"],
                title=article["title"],
                date=article["date"],
                intro=article["intro"],
                body=article["body"],
            )
        return index

    def _settings(self, site, pages):
        city = CitySettings.for_site(site)
        if city.city_name == "Musterstadt":
            for field, value in content.CITY_SETTINGS.items():
                setattr(city, field, value)
        city.imprint_page = city.imprint_page or pages["impressum"]
        city.privacy_page = city.privacy_page or pages["datenschutz"]
        city.accessibility_page = city.accessibility_page or pages["barrierefreiheit"]
        city.full_clean()
        city.save()

    def _districts(self):
        if District.objects.exists():
            return
        call_command(
            "import_districts",
            str(DEMO_DISTRICTS),
            name_field="name",
            population_field="population",
            source="Demo-Daten: näherungsweise Grenzen, nicht amtlich",
            stdout=self.stdout,
        )

    def _users(self, password):
        from allauth.account.models import EmailAddress

        from civic.models import User

        for spec in content.DEMO_USERS:
            user = User.objects.filter(email=spec["email"]).first()
            if user is None:
                user = User.objects.create_user(
                    email=spec["email"],
                    password=password,
                    display_name=spec["display_name"],
                    is_superuser=spec.get("superuser", False),
                    is_staff=spec.get("superuser", False),
                )
                district = District.objects.filter(name=spec.get("district", "")).first()
                if district:
                    user.district = district
                    user.save(update_fields=["district"])
            EmailAddress.objects.update_or_create(
                user=user, email=user.email, defaults={"verified": True, "primary": True}
            )
            for role in spec["roles"]:
                assign_role(user, role)

    def _teasers(self, home, pages):
        if home.teasers:
            return
        home.teasers = [
            (
                "teaser",
                {
                    "title": t["title"],
                    "text": t["text"],
                    "image": None,
                    "link": {"page": pages[t["page"]], "url": ""},
                    "link_label": t["link_label"],
                },
            )
            for t in content.TEASERS
        ]
        home.hero_link = pages["coburger-weg"]
        home.hero_link_label = content.HOME["hero_link_label"]
        home.save_revision().publish()

    def _print_logins(self, password, existing=False):
        self.stdout.write("")
        self.stdout.write("Demo-Zugänge (nur für die Demo!):" if not existing else "Demo-Zugänge:")
        for spec in content.DEMO_USERS:
            roles = ", ".join(spec["roles"]) + (" + Administrator" if spec.get("superuser") else "")
            self.stdout.write(f"  {spec['email']:<32} Passwort: {password:<20} ({roles})")
        self.stdout.write(f"  Verwaltung: http://{content.DEMO_HOST}:{content.DEMO_PORT}/admin/")
