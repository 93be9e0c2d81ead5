"""Pages of the governance register, one module per part: `home` (the front page and logging
in), `bodies` (the body tree and a body's page), `memberships`, `organisations` (with their
sector assignments) and `people`; each with its "Historikk" page. Reading is open to every
logged-in user; keeping the register is the secretariat's (see permissions.py)."""
