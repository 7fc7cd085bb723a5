"""Indicators, values, revisions, import batches (issue 5)."""
