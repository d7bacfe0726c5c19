"""The scheme PDFs (registered once their templates exist)."""
