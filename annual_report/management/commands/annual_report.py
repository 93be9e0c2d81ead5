"""python manage.py annual_report --year 2019 --scope Ahus -o arsrapport-2019.pdf

The annual report for a year and scope as a PDF file, without the browser: the same assembly
and layout as a draft generated in the portal, with the report's texts if the secretariat has
written them. With --save the draft is also stored as the report's next numbered version.
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from annual_report.models import AnnualReport
from annual_report.scope import UnknownScope, find_scope
from annual_report.versions import generate_version, preview_pdf


class Command(BaseCommand):
    help = "Lager årsrapporten for et år og et omfang (sektor eller organ) som PDF."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="Året rapporten gjelder.")
        parser.add_argument(
            "--scope",
            default="",
            help="Sektor (Ahus, OUS ...) eller organ; tomt for hele helsefellesskapet.",
        )
        parser.add_argument("-o", "--output", required=True, help="PDF-filen som skal skrives.")
        parser.add_argument(
            "--save",
            metavar="USERNAME",
            help="Lagre utkastet som ny versjon av rapporten, generert av denne brukeren.",
        )

    def handle(self, *args, year, scope, output, save, **options):
        if not 2000 <= year <= 2100:
            raise CommandError("Året må være mellom 2000 og 2100.")
        try:
            sector, body = find_scope(scope)
        except UnknownScope as error:
            raise CommandError(str(error)) from error
        target = Path(output)
        if not target.parent.is_dir():
            raise CommandError(f"Mappen {target.parent} finnes ikke.")
        report = AnnualReport.objects.filter(year=year, sector=sector, body=body).first()
        if save:
            user = get_user_model().objects.filter(username=save).first()
            if user is None:
                raise CommandError(f"Fant ingen bruker «{save}».")
            if report is None:
                report = AnnualReport.objects.create(year=year, sector=sector, body=body)
            version = generate_version(report, user)
            pdf = version.pdf.read()
            number = version.number
        else:
            report = report or AnnualReport(year=year, sector=sector, body=body)
            number, pdf = preview_pdf(report)
        target.write_bytes(pdf)
        self.stdout.write(f"{report.title}: utkast versjon {number} skrevet til {target}.")
