"""Services of the diagnostics app: every write that matters goes through here.

- ``diagnostics``: requests, triage, assignment, the provider's grid, validation;
- ``sharing``: the structure's sign-off and its consent to the committee;
- ``capacity``: the providers' monthly capacity;
- ``reminders``: the rules run by Celery beat.
"""
