"""Pages of the portfolio plan, one module per process:

- `plans` – the plans, the grid page, the changes between two dates, the overview chart, a new
  local plan and a copy for next year (and `PlanMixin`, which every page under a plan uses);
- `cells` – one cell: shown, edited in place (htmx) or on its own page, and its history;
- `rows` – adding, editing, moving and removing areas, groups and measures;
- `spreadsheet` – the Excel export and the previewed import;
- `documents` – the PDF and PowerPoint exports.

Everyone logged in reads; the secretariat (and an LSU's sekretær for its local plan) edits,
checked with `portfolio.change_plan` against the plan (see permissions.py).
"""
