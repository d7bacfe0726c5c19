"""Pages of the accompaniment, one module per subject; thin: permission, service, render."""
