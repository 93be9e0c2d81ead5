from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from helsefellesskap.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Gjenoppretter en sikkerhetskopi fra `manage.py backup` til en tom database og et tomt "
        "fillager (DATABASE_URL, og PORTAL_ATTACHMENT_ROOT eller S3-bøtta PORTAL_S3_BUCKET)."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="Arkivet fra `manage.py backup`.")

    def handle(self, *args, archive, **options):
        try:
            manifest = restore(source=Path(archive))
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Gjenopprettet kopien fra {manifest.created} ({manifest.files} filer). "
            "Kjør `manage.py migrate` om koden er nyere enn kopien."
        )
