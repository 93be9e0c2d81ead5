"""The portal's role groups. Object-level rights (body member, leader, secretary) follow from
memberships; these three roles are held by group membership."""

from django.db import migrations

ROLE_GROUPS = ("Sekretariat", "Beslutningstaker", "Leser")


def create_role_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLE_GROUPS:
        Group.objects.get_or_create(name=name)


def remove_role_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("helsefellesskap", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_role_groups, remove_role_groups)]
