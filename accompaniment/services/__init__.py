"""Services of the accompaniment: every write goes through here (keyword-only, atomic)."""
