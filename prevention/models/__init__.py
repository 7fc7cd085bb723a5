"""Models of the prevention app, split by topic (CONVENTIONS: split a module past ~600 lines).

- districts: District, Population (shared by both topics)
- indicators: indicators, their values and revisions, import batches
- council: the Kommunaler Präventionsrat profile, measures, funding
"""

from prevention.models.districts import District, Population

__all__ = ["District", "Population"]
