"""Who may see the scheme's figures: the coordination only.

One permission serves the quantification page, the structures behind a figure, the
scenarios, the exports (XLSX), the calibration brief and the activity report (PDFs).
"""

import rules

from ccr_portal.permissions import is_coordinator

rules.add_perm("scheme.view_scheme", is_coordinator)
