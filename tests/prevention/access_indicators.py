"""Access-table entries of this area; merged into tests/access.py (see its docstring)."""

from portal import roles
from tests.access_types import PUBLIC, Access, only


def _batch() -> dict:
    from prevention.services import import_batch_preview

    batch, _plan = import_batch_preview(
        data=b"district;indicator;period;value\n01;pks.890000;2023;5\n",
        file_name="test.csv",
        user=None,
    )
    return {"pk": batch.pk}


def _indicator() -> dict:
    return {"key": "pks.890000"}  # created by migration 0002


ENTRIES: dict[str, Access] = {
    "prevention:district_list": Access(PUBLIC),
    "prevention:district_detail": Access(PUBLIC, kwargs=lambda: {"slug": "zentrum"}),
    "prevention:indicator_list": Access(PUBLIC),
    "prevention:indicator_detail": Access(PUBLIC, kwargs=_indicator),
    "prevention:indicator_csv": Access(PUBLIC, kwargs=_indicator),
    "prevention:indicator_json": Access(PUBLIC, kwargs=_indicator),
    # effect analysis: without demo figures the page explains why there is no analysis (200),
    # the downloads answer 400 with the German reason
    "prevention:effect_overview": Access(PUBLIC),
    "prevention:effect_method": Access(PUBLIC),
    "prevention:effect_detail": Access(PUBLIC, kwargs=_indicator),
    "prevention:effect_csv": Access(PUBLIC, ok=400, kwargs=_indicator),
    "prevention:effect_json": Access(PUBLIC, ok=400, kwargs=_indicator),
    "prevention:indicator_import": Access(only(roles.PREVENTION_OFFICE)),
    "prevention:indicator_import_preview": Access(only(roles.PREVENTION_OFFICE), kwargs=_batch),
}
