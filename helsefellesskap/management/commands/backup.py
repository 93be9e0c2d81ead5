from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from helsefellesskap.backup import BackupError, backup


class Command(BaseCommand):
    help = "Sikkerhetskopi av databasen og de private filene i ett arkiv (.tar.gz)."

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", required=True, help="Arkivet som skal lages.")

    def handle(self, *args, output, **options):
        try:
            manifest = backup(destination=Path(output))
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Sikkerhetskopi skrevet til {output} ({manifest.files} filer).")
