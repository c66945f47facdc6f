"""Replace Wagtail's placeholder page with a civic home page, so a fresh site renders."""

from django.db import migrations


def create_homepage(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    Site = apps.get_model("wagtailcore", "Site")
    Locale = apps.get_model("wagtailcore", "Locale")
    HomePage = apps.get_model("civic", "HomePage")

    if HomePage.objects.exists():
        return
    page_type = ContentType.objects.get(model="page", app_label="wagtailcore")
    Page.objects.filter(content_type=page_type, slug="home", depth=2).delete()
    root = Page.objects.get(depth=1)
    locale = Locale.objects.first()
    home_type, _ = ContentType.objects.get_or_create(model="homepage", app_label="civic")
    home = HomePage.objects.create(
        title="Startseite",
        draft_title="Startseite",
        slug="home",
        content_type=home_type,
        path=f"{root.path}0001",
        depth=2,
        numchild=0,
        url_path="/home/",
        locale=locale,
        live=True,
    )
    root.numchild = Page.objects.filter(depth=2).count()
    root.save(update_fields=["numchild"])
    Site.objects.all().delete()
    Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True)


class Migration(migrations.Migration):
    dependencies = [("civic", "0003_roles")]

    operations = [migrations.RunPython(create_homepage, migrations.RunPython.noop)]
