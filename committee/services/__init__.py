"""Services of the committee: every write goes through here (keyword-only, atomic)."""
