"""`python manage.py render_minutes MEETING_ID -o FILE.pdf`: the minutes PDF without a browser,
the same document as the «Referat (PDF)» download."""

from pathlib import Path

from django.core.management import BaseCommand, CommandError

from meetings.documents import minutes_pdf
from meetings.models import Meeting


class Command(BaseCommand):
    help = "Lager referatet fra et møte som PDF (samme dokument som nedlastingen i portalen)."

    def add_arguments(self, parser):
        parser.add_argument("meeting_id", help="ID-en til møtet, for eksempel 12.")
        # Checked in handle() so that a missing file gets a Norwegian message.
        parser.add_argument(
            "-o",
            "--output",
            help="Filen PDF-en skal skrives til, for eksempel referat.pdf (påkrevd).",
        )

    def handle(self, *args, meeting_id, output=None, **options):
        if not output:
            raise CommandError("Oppgi filen referatet skal skrives til med -o FIL.pdf.")
        try:
            pk = int(meeting_id)
        except ValueError:
            raise CommandError(f"Møte-ID må være et tall, ikke «{meeting_id}».") from None
        meeting = Meeting.objects.select_related("body").filter(pk=pk).first()
        if meeting is None:
            raise CommandError(f"Fant ikke møte {pk}.")
        pdf = minutes_pdf(meeting)
        path = Path(output)
        try:
            path.write_bytes(pdf)
        except OSError as error:
            raise CommandError(f"Kunne ikke skrive {path}: {error.strerror or error}.") from error
        if options["verbosity"]:
            self.stdout.write(f"Skrev referatet fra {meeting} til {path} ({len(pdf)} byte).")
