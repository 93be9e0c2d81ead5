"""The annual report (årsrapport): assembled from the register, the meetings, the portfolio plan
and the grants, stored as numbered versions, approved by a body and published as a PDF.

- assembly.py: the year's figures and tables for a scope, as plain data (the snapshot);
- charts.py: the SVG charts drawn from those figures;
- versions.py: generate a draft version, approve and publish it;
- document.py: the snapshot as a PDF through the portal's one PDF module.

Nothing else in the portal imports this package.
"""
