"""Who may read and edit portfolio plans (django-rules, checked through `user.has_perm`).

Everyone logged in reads every plan. The secretariat edits every plan; an LSU's own
secretariat (its sekretær) edits that LSU's local plan, by the grid and by the Excel import
(bounded before it is parsed: spreadsheet.LIMITS). Creating plans, also by copying one, is the
secretariat's.
"""

import rules

from helsefellesskap.permissions import is_body_secretary, is_secretariat, on_body_of


def _body(plan):
    """A local plan's body (an LSU); None for the shared plan."""
    return plan.body if plan is not None and plan.body_id is not None else None


is_local_plan_secretary = on_body_of(is_body_secretary, _body, name="is_local_plan_secretary")


can_edit_plan = is_secretariat | is_local_plan_secretary

rules.add_perm("portfolio", is_secretariat)
rules.add_perm("portfolio.view_plan", rules.is_authenticated)
rules.add_perm("portfolio.add_plan", is_secretariat)
# A copy is a new plan: the same rule as add_plan, whoever may edit the plan copied.
rules.add_perm("portfolio.copy_plan", is_secretariat)
rules.add_perm("portfolio.change_plan", can_edit_plan)
rules.add_perm("portfolio.delete_plan", is_secretariat)
for model in ("column", "focusarea", "measuregroup", "measure", "cell"):
    rules.add_perm(f"portfolio.view_{model}", rules.is_authenticated)
    for action in ("add", "change", "delete"):
        rules.add_perm(f"portfolio.{action}_{model}", is_secretariat)
