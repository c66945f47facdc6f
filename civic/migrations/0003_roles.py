"""Create the three role groups with their Wagtail and model permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

RESIDENTS = "Bürgerinnen und Bürger"
EDITORS = "Redaktion"
STEERING = "Steuerungsgruppe"

EDITOR_MODEL_PERMISSIONS = [
    ("wagtailadmin", "admin", "access_admin"),
    ("civic", "district", "add_district"),
    ("civic", "district", "change_district"),
    ("civic", "district", "view_district"),
    ("civic", "citysettings", "change_citysettings"),
    ("wagtailredirects", "redirect", "add_redirect"),
    ("wagtailredirects", "redirect", "change_redirect"),
    ("wagtailredirects", "redirect", "delete_redirect"),
    ("wagtailimages", "image", "add_image"),
    ("wagtailimages", "image", "change_image"),
    ("wagtailimages", "image", "choose_image"),
    ("wagtaildocs", "document", "add_document"),
    ("wagtaildocs", "document", "change_document"),
    ("wagtaildocs", "document", "choose_document"),
]
EDITOR_PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"]
EDITOR_COLLECTION_PERMISSIONS = [
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtaildocs", "choose_document"),
]
STEERING_MODEL_PERMISSIONS = [
    ("wagtailadmin", "admin", "access_admin"),
    ("civic", "district", "view_district"),
]


def _permission(apps, app_label, model, codename):
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename=codename,
        defaults={"name": codename.replace("_", " ").capitalize()},
    )
    return permission


def create_roles(apps, schema_editor):
    # Model permissions are normally created after all migrations (post_migrate): create them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    grant_role_permissions(apps)


def grant_role_permissions(apps):
    """Create the role groups and give them their permissions (idempotent).

    Also used by the browser tests: their transactional flush empties the group tables.
    """
    Group = apps.get_model("auth", "Group")
    Page = apps.get_model("wagtailcore", "Page")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")

    Group.objects.get_or_create(name=RESIDENTS)

    editors, _ = Group.objects.get_or_create(name=EDITORS)
    for app_label, model, codename in EDITOR_MODEL_PERMISSIONS:
        editors.permissions.add(_permission(apps, app_label, model, codename))
    root_page = Page.objects.filter(depth=1).first()
    if root_page:
        for codename in EDITOR_PAGE_PERMISSIONS:
            GroupPagePermission.objects.get_or_create(
                group=editors,
                page=root_page,
                permission=_permission(apps, "wagtailcore", "page", codename),
            )
    root_collection = Collection.objects.filter(depth=1).first()
    if root_collection:
        for app_label, codename in EDITOR_COLLECTION_PERMISSIONS:
            model = "image" if app_label == "wagtailimages" else "document"
            GroupCollectionPermission.objects.get_or_create(
                group=editors,
                collection=root_collection,
                permission=_permission(apps, app_label, model, codename),
            )

    steering, _ = Group.objects.get_or_create(name=STEERING)
    for app_label, model, codename in STEERING_MODEL_PERMISSIONS:
        steering.permissions.add(_permission(apps, app_label, model, codename))


def remove_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name__in=[RESIDENTS, EDITORS, STEERING]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("civic", "0002_pages_and_settings"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0006_formstate"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailredirects", "0008_add_verbose_name_plural"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
