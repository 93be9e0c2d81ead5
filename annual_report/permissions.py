"""Who may do what with annual reports (django-rules): the secretariat writes the texts,
generates versions and records approvals; everyone logged in reads the published versions."""

import rules

from helsefellesskap.permissions import is_secretariat


@rules.predicate
def is_published(user, version):
    return version is not None and version.is_published


rules.add_perm("annual_report", is_secretariat)
rules.add_perm("annual_report.view_report", rules.is_authenticated)
rules.add_perm("annual_report.add_annualreport", is_secretariat)
rules.add_perm("annual_report.change_annualreport", is_secretariat)
rules.add_perm("annual_report.generate_version", is_secretariat)
rules.add_perm("annual_report.approve_version", is_secretariat)
rules.add_perm("annual_report.view_drafts", is_secretariat)
rules.add_perm("annual_report.view_reportversion", is_published | is_secretariat)
for model in ("annualreport", "reportversion", "statedfigures"):
    rules.add_perm(f"annual_report.delete_{model}", is_secretariat)
rules.add_perm("annual_report.view_statedfigures", is_secretariat)
rules.add_perm("annual_report.add_statedfigures", is_secretariat)
rules.add_perm("annual_report.change_statedfigures", is_secretariat)
