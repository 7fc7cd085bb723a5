"""The Kommunaler Präventionsrat: profile, measures, funding (issue 4)."""
