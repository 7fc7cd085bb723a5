"""Public and staff pages for districts and indicators (issue 5)."""
