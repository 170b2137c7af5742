"""The ledger's invariants as database triggers (see ``comptoir.back.ledger.triggers``)."""

from django.db import migrations


def install(apps, schema_editor):
    from comptoir.back.ledger.triggers import install as install_triggers

    install_triggers(schema_editor)


def uninstall(apps, schema_editor):
    from comptoir.back.ledger.triggers import uninstall as uninstall_triggers

    uninstall_triggers(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]
    operations = [migrations.RunPython(install, uninstall)]
