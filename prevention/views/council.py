"""Public and staff pages of the Kommunaler Präventionsrat (issue 4)."""
