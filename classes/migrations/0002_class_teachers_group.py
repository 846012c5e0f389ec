"""The Class teachers group: what running one's own classes needs, nothing more.

Its members create classes and run them, and see, hide, approve and delete only their own
classes' grids and reports (GridQuerySet.taught_by). Site moderators are the Teachers group
(grids 0003), who see every grid and alone may feature grids; they may run any class.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CLASS_TEACHER_PERMISSIONS = [
    ("grids", "view_grid"),
    ("grids", "delete_grid"),
    ("grids", "view_report"),
    ("classes", "run_own_classes"),
    ("classes", "view_schoolclass"),
    ("classes", "add_schoolclass"),
    ("classes", "change_schoolclass"),
    ("classes", "delete_schoolclass"),
]
CLASS_PERMISSIONS_OF_SITE_MODERATORS = [
    ("classes", "view_schoolclass"),
    ("classes", "add_schoolclass"),
    ("classes", "change_schoolclass"),
    ("classes", "delete_schoolclass"),
]


def create_class_teachers_group(apps, schema_editor):
    # Permissions are normally made after all migrations run; make these apps' now.
    for label in ("grids", "classes"):
        config = apps.get_app_config(label)
        config.models_module = True
        create_permissions(config, apps=apps, verbosity=0)

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Class teachers")
    group.permissions.set(
        Permission.objects.get(content_type__app_label=app_label, codename=codename)
        for app_label, codename in CLASS_TEACHER_PERMISSIONS
    )
    teachers, _ = Group.objects.get_or_create(name="Teachers")
    teachers.permissions.add(
        *(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
            for app_label, codename in CLASS_PERMISSIONS_OF_SITE_MODERATORS
        )
    )


def remove_class_teachers_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Class teachers").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("classes", "0001_initial"),
        ("grids", "0008_grid_classes"),
    ]

    operations = [migrations.RunPython(create_class_teachers_group, remove_class_teachers_group)]
