"""Optimistic concurrency: the one way a form that edits shared data refuses a lost update.

Every edit form carries the version of what it shows (a hidden `VersionField`, filled with
`version_of(obj)` or, for a formset of rows, `rows_version(queryset)`). The service locks the
row(s) inside its transaction and calls `lock_and_check()` / `check_rows()`: when someone else
saved since the form was opened, it raises a ValidationError with `STALE_MESSAGE` (code
"stale") and changes nothing; the view shows it as a form error. The motion and report forms
go further: they keep the user's input, show what is saved now beside it (`stale_edit()`) and
let the user save on top of that version deliberately (`version_for_save()`).

A row's version is its `version` counter where the model keeps one (motions and answer
reports count their saves; `bump()` increments it), else its modification time to the
microsecond.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

STALE_MESSAGE = _(
    "Jemand anderes hat diesen Eintrag gespeichert, während Sie ihn bearbeitet haben. "
    "Ihre Änderungen wurden nicht übernommen. Bitte laden Sie die Seite neu und "
    "tragen Sie Ihre Änderungen erneut ein."
)


class VersionField(forms.CharField):
    """Hidden version of what the form showed when it was opened."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)


def _has_counter(obj: Model) -> bool:
    return any(field.name == "version" for field in obj._meta.concrete_fields)


def version_of(obj: Model) -> str:
    """The version a form carries for one row ("" for a row not saved yet)."""
    if not obj.pk:
        return ""
    if _has_counter(obj):
        return str(obj.version)
    return obj.modified.isoformat() if obj.modified else ""


def rows_version(queryset: QuerySet) -> str:
    """The version of a formset's rows: changes when any row is added, edited or removed."""
    rows = sorted(
        (pk, modified.isoformat()) for pk, modified in queryset.values_list("pk", "modified")
    )
    return hashlib.sha256(repr(rows).encode()).hexdigest()


# After a refused save the motion and report forms show what is saved now beside the user's
# input and offer to save on top of it: the button `OVERWRITE_BUTTON` sends the version the user
# was shown then (`SEEN_VERSION`), so only that version is overwritten, never a later one.
OVERWRITE_BUTTON = "overwrite"
SEEN_VERSION = "seen_version"
STALE_OVERWRITE_MESSAGE = _(
    "Jemand anderes hat diesen Eintrag gespeichert, während Sie ihn bearbeitet haben. "
    "Ihre Eingaben sind erhalten, aber noch nicht gespeichert. Unten steht bei jedem "
    "geänderten Feld, was jetzt gespeichert ist, neben Ihrer Eingabe. Übernehmen Sie, was "
    "Sie behalten möchten, und speichern Sie dann mit „Trotzdem speichern“."
)


@dataclass(frozen=True)
class Difference:
    """One field whose saved value differs from the user's input."""

    label: str
    theirs: str
    yours: str


@dataclass(frozen=True)
class StaleEdit:
    """A refused save: the version now saved (to save on top of) and what differs from it."""

    version: str
    differences: list[Difference]


def is_stale(error: ValidationError) -> bool:
    return any(getattr(item, "code", None) == "stale" for item in error.error_list)


def stale_edit(current: Model, fields: Iterable[tuple[str, object, object]]) -> StaleEdit:
    """The refusal the form shows: `fields` are (label, saved value, user's input)."""
    differences = [
        Difference(str(label), _text(theirs), _text(yours))
        for label, theirs, yours in fields
        if _text(theirs) != _text(yours)
    ]
    return StaleEdit(version_of(current), differences)


def _text(value) -> str:
    if isinstance(value, (list, tuple)):
        return "\n".join(f"{number}. {item}" for number, item in enumerate(value, start=1))
    return ("" if value is None else str(value)).replace("\r\n", "\n").strip()


def version_for_save(version: str | int | None, data) -> str | int | None:
    """The version a save is checked against: the one the form was opened with or, when the
    user chose "Trotzdem speichern" after a refusal, the version they were shown then."""
    if OVERWRITE_BUTTON in data:
        return data.get(SEEN_VERSION, "")
    return version


def stale() -> ValidationError:
    return ValidationError(STALE_MESSAGE, code="stale")


def check(current: Model, version: str | int | None) -> None:
    """Refuse when `current` (locked by the caller) is no longer the version the form showed."""
    shown = "" if version is None else str(version)
    if shown != version_of(current):
        raise stale()


def lock_and_check(queryset: QuerySet | type[Model], pk: int, version: str | int | None) -> Model:
    """Lock the row for the rest of the transaction and check its version; returns the row."""
    if not isinstance(queryset, QuerySet):
        queryset = queryset._default_manager.all()
    # of=("self",): only the row itself; PostgreSQL cannot lock the nullable side of an outer
    # join that a select_related() of the caller's queryset may add.
    current = queryset.select_for_update(of=("self",)).get(pk=pk)
    check(current, version)
    return current


def check_rows(queryset: QuerySet, version: str | None) -> None:
    """Lock a formset's rows and refuse when any changed since the form was opened."""
    list(queryset.select_for_update(of=("self",)).values_list("pk", flat=True))
    if version != rows_version(queryset):
        raise stale()


def bump(obj: Model, *fields: str) -> None:
    """Save `fields` as a new version: the counter goes up (or the modification time moves),
    so every form opened before now is refused."""
    if _has_counter(obj):
        obj.version += 1
        fields = ("version", *fields)
    obj.modified = timezone.now()
    obj.save(update_fields=list(dict.fromkeys(("modified", *fields))))
