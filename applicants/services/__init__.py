"""Services of the applicants app: every write that matters goes through here."""
