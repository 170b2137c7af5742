from django.db import migrations


def seed(apps, schema_editor):
    from comptoir.core.identity.roles import ROLES

    Role = apps.get_model("identity", "Role")
    for spec in ROLES:
        Role.objects.get_or_create(
            code=spec.code, defaults={"name": spec.name, "permissions": sorted(spec.permissions)}
        )


class Migration(migrations.Migration):
    dependencies = [("identity", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
