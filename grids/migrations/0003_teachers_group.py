"""The Teachers group: exactly what moderation needs, nothing more.

Teachers may see grids and reports in the admin, hide, unhide and approve grids, and delete
them. They cannot edit a grid (student work is read-only), manage users or groups, or change
anything else on the site.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

TEACHER_PERMISSIONS = [
    ("grids", "view_grid"),
    ("grids", "moderate_grid"),
    ("grids", "delete_grid"),
    ("grids", "view_report"),
]


def create_teachers_group(apps, schema_editor):
    # Permissions are normally made after all migrations run; make this app's now.
    grids_config = apps.get_app_config("grids")
    grids_config.models_module = True
    create_permissions(grids_config, apps=apps, verbosity=0)

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    teachers, _ = Group.objects.get_or_create(name="Teachers")
    teachers.permissions.set(
        Permission.objects.get(content_type__app_label=app_label, codename=codename)
        for app_label, codename in TEACHER_PERMISSIONS
    )


def remove_teachers_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Teachers").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("grids", "0002_add_moderation"),
    ]

    operations = [migrations.RunPython(create_teachers_group, remove_teachers_group)]
