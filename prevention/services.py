"""Writes of the prevention app: the Kommunaler Präventionsrat's meetings, minutes, attendance,
attachments, measures with their funding, profile, members and working groups (issue 4), and
the indicator imports (issue 5).

Services take data, not forms: the views pass the forms' cleaned values, and for a formset the
rows to write (each with "id": the existing row's pk, or None for a new one) and the pks of the
rows to remove. Every edit of shared data is checked against the version the form showed
(portal.concurrency), so a second editor never silently overwrites the first.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from portal import uploads
from portal.concurrency import bump, check_rows, lock_and_check, stale
from portal.models import AgendaItem, Attachment, Meeting, Membership, Organization, User
from prevention import access
from prevention.importers import Action, ImportPlan, plan_import
from prevention.models import (
    Attendance,
    Funding,
    ImportBatch,
    IndicatorValue,
    IndicatorValueRevision,
    Measure,
    PreventionCouncil,
)
from prevention.models.council import council_meetings, working_groups

Values = Mapping[str, Any]
MAX_PROBLEMS_STORED = 1000


def _write(obj: Model, values: Values, **fixed: Any) -> Model:
    """Set the values on a row, check it as the database will and save it (many-to-many values
    after the save, when the row has its pk)."""
    related = {}
    for name, value in {**values, **fixed}.items():
        if name == "id":
            continue
        if obj._meta.get_field(name).many_to_many:
            related[name] = value
        else:
            setattr(obj, name, value)
    obj.full_clean()
    obj.save()
    for name, value in related.items():
        getattr(obj, name).set(value)
    return obj


def _write_rows(
    rows_of_parent: QuerySet,
    rows: Sequence[Values],
    removed: Sequence[int],
    *,
    soft_delete: bool = True,
    **fixed: Any,
) -> None:
    """Write a formset's rows, in the order given. Only rows of `rows_of_parent` can be changed
    or removed; a row that is gone meanwhile makes the whole save stale."""
    wanted = {row["id"] for row in rows if row["id"]} | set(removed)
    existing = rows_of_parent.select_for_update().in_bulk(wanted)
    if len(existing) != len(wanted):
        raise stale()
    for pk in removed:
        # Soft deletion keeps OParl's deletion stubs; funding rows are not published there.
        if soft_delete:
            existing[pk].soft_delete()
        else:
            existing[pk].delete()
    for row in rows:
        _write(existing[row["id"]] if row["id"] else rows_of_parent.model(), row, **fixed)


# --- meetings -------------------------------------------------------------------------------


def _agenda_sort_key(row: Values) -> tuple[bool, int]:
    order = row.get("order")
    return (order is None, order or 0)


@transaction.atomic
def meeting_save(
    *,
    user: User,
    meeting: Meeting,
    data: Values,
    agenda: Sequence[Values],
    removed: Sequence[int],
    version: str | None,
) -> Meeting:
    """Save a KPR meeting (a new one when `meeting` has no pk) and its agenda; the agenda is
    renumbered in the order of the positions entered."""
    access.check_changes(user)
    if meeting.pk:
        meeting = lock_and_check(council_meetings(), meeting.pk, version)
    _write(meeting, data)
    # Stable sort by the order entered; rows without one go to the end, in form order.
    ordered = sorted(agenda, key=_agenda_sort_key)
    numbered = [
        {**row, "order": position, "number": str(position)}
        for position, row in enumerate(ordered, start=1)
    ]
    items = AgendaItem.objects.filter(meeting=meeting)
    # Numbers are unique per meeting: clear the old ones first, so moving item 2 to position 1
    # does not collide with the item that still holds number 1.
    items.filter(pk__in=[*(row["id"] for row in numbered if row["id"]), *removed]).update(number="")
    _write_rows(items, numbered, removed, meeting=meeting)
    return meeting


@transaction.atomic
def meeting_minutes_save(
    *, user: User, meeting: Meeting, minutes: str, version: str | None
) -> Meeting:
    access.check_changes(user)
    current = lock_and_check(council_meetings(), meeting.pk, version)
    current.minutes = minutes
    bump(current, "minutes")
    return current


@transaction.atomic
def meeting_attendance_save(
    *, user: User, meeting: Meeting, statuses: dict[int, str], version: str | None
) -> list[Attendance]:
    """Record attendance per membership; an empty status removes the record."""
    access.check_changes(user)
    check_rows(Attendance.objects.filter(meeting=meeting), version)
    allowed = set(
        Membership.objects.filter(organization=meeting.organization).values_list("pk", flat=True)
    )
    if unknown := set(statuses) - allowed:
        raise ValidationError(
            _("Unbekannte Mitgliedschaft: %(ids)s") % {"ids": ", ".join(map(str, sorted(unknown)))}
        )
    saved = []
    for membership_id, status in statuses.items():
        if not status:
            Attendance.objects.filter(meeting=meeting, membership_id=membership_id).delete()
            continue
        if status not in Attendance.Status.values:
            raise ValidationError(_("Ungültige Angabe zur Anwesenheit."))
        attendance, _created = Attendance.objects.update_or_create(
            meeting=meeting, membership_id=membership_id, defaults={"status": status}
        )
        saved.append(attendance)
    return saved


def meeting_attachment_add(
    *, user: User, meeting: Meeting, upload: UploadedFile, name: str = "", public: bool = False
) -> Attachment:
    """Check the upload by content, store it and attach it to the KPR meeting."""
    access.check_changes(user)
    return uploads.meeting_attachment_add(meeting=meeting, upload=upload, name=name, public=public)


def meeting_attachment_change(
    *, user: User, meeting: Meeting, attachment_id: int | None, action: str
) -> Attachment:
    """Publish, unpublish or remove an attachment of a KPR meeting."""
    access.check_changes(user)
    return uploads.meeting_attachment_change(
        meeting=meeting, attachment_id=attachment_id, action=action
    )


# --- measures and the council's master data --------------------------------------------------


@transaction.atomic
def measure_save(
    *,
    user: User,
    measure: Measure,
    data: Values,
    funding: Sequence[Values],
    removed: Sequence[int],
    version: str | None,
) -> Measure:
    """Save a measure (a new one when it has no pk) with its districts, partners and funding."""
    access.check_changes(user)
    if measure.pk:
        measure = lock_and_check(Measure, measure.pk, version)
    _write(measure, data)
    _write_rows(
        Funding.objects.filter(measure=measure),
        funding,
        removed,
        soft_delete=False,
        measure=measure,
    )
    return measure


@transaction.atomic
def council_profile_save(
    *, user: User, profile: PreventionCouncil, data: Values, version: str | None
) -> PreventionCouncil:
    """Save the KPR's profile (a new one for the council organization when it has no pk)."""
    access.check_changes(user)
    if profile.pk:
        profile = lock_and_check(PreventionCouncil, profile.pk, version)
    return _write(profile, data)


@transaction.atomic
def council_memberships_save(
    *,
    user: User,
    council: Organization,
    rows: Sequence[Values],
    removed: Sequence[int],
    version: str | None,
) -> None:
    """Save the council's memberships; removed ones are soft-deleted (OParl keeps them)."""
    access.check_changes(user)
    memberships = Membership.objects.filter(organization=council)
    check_rows(memberships, version)
    _write_rows(memberships, rows, removed, organization=council)


@transaction.atomic
def council_working_groups_save(
    *,
    user: User,
    council: Organization,
    rows: Sequence[Values],
    removed: Sequence[int],
    version: str | None,
) -> None:
    """Save the council's working groups (Organizations of kind working_group under the KPR)."""
    access.check_changes(user)
    groups = working_groups().filter(parent=council)
    check_rows(groups, version)
    _write_rows(groups, rows, removed, kind=Organization.Kind.WORKING_GROUP, parent=council)


# --- indicator imports (reading and planning: prevention/importers.py) ------------------------


def _record(batch: ImportBatch, plan: ImportPlan) -> None:
    batch.encoding = plan.encoding
    batch.rows_total = len(plan.rows)
    batch.rows_new = plan.count(Action.NEW)
    batch.rows_changed = plan.count(Action.CHANGED)
    batch.rows_unchanged = plan.count(Action.UNCHANGED)
    batch.errors = [str(problem) for problem in plan.problems[:MAX_PROBLEMS_STORED]]
    if len(plan.problems) > MAX_PROBLEMS_STORED:
        rest = len(plan.problems) - MAX_PROBLEMS_STORED
        batch.errors.append(
            ngettext("… und %(count)s weiteres Problem.", "… und %(count)s weitere Probleme.", rest)
            % {"count": rest}
        )
    batch.plan_sha256 = plan.digest() if plan.ok else ""
    if not plan.ok:
        batch.status = ImportBatch.Status.REFUSED


@transaction.atomic
def import_batch_preview(
    *, data: bytes, file_name: str, user: User | None
) -> tuple[ImportBatch, ImportPlan]:
    """Record an uploaded file with what it would change (status preview) or its problems
    (status refused). Changes no indicator value."""
    access.check_import(user)
    batch = ImportBatch(
        user=user,
        file_name=file_name[:255],
        sha256=hashlib.sha256(data).hexdigest(),
        content=data,
    )
    plan = plan_import(data)
    _record(batch, plan)
    batch.save()
    return batch, plan


@transaction.atomic
def import_batch_confirm(*, batch: ImportBatch, user: User | None) -> ImportPlan:
    """Apply a previewed file. Re-reads the stored bytes and refuses when the result would
    differ from the preview (someone imported or edited in between)."""
    access.check_import(user)
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != ImportBatch.Status.PREVIEW:
        raise ValidationError(
            _("Dieser Import ist schon abgeschlossen (%(status)s).")
            % {"status": batch.get_status_display()}
        )
    data = bytes(batch.content)
    if hashlib.sha256(data).hexdigest() != batch.sha256:
        raise ValidationError(_("Die gespeicherte Datei stimmt nicht mit ihrer Prüfsumme überein."))
    plan = plan_import(data)
    if not plan.ok or plan.digest() != batch.plan_sha256:
        raise ValidationError(
            _(
                "Die Kennzahlen haben sich seit der Vorschau geändert. Bitte laden Sie die Datei "
                "erneut hoch und prüfen Sie die neue Vorschau."
            )
        )
    _apply(plan, batch)
    return plan


@transaction.atomic
def import_file(
    *, data: bytes, file_name: str, user: User | None = None, dry_run: bool = False
) -> tuple[ImportPlan, ImportBatch | None]:
    """Preview and apply in one step (the management command). A dry run writes nothing;
    otherwise the batch is recorded, refused or imported."""
    access.check_import(user)
    if dry_run:
        return plan_import(data), None
    batch, plan = import_batch_preview(data=data, file_name=file_name, user=user)
    if plan.ok:
        _apply(plan, batch)
    return plan, batch


def _apply(plan: ImportPlan, batch: ImportBatch) -> None:
    now = timezone.now()
    new = [
        IndicatorValue(
            indicator=row.indicator,
            district=row.district,
            year=row.year,
            quarter=row.quarter,
            value=row.value,
            note=row.note or "",
            batch=batch,
        )
        for row in plan.rows
        if row.action == Action.NEW
    ]
    IndicatorValue.objects.bulk_create(new, batch_size=1000)
    changed = [row for row in plan.rows if row.action == Action.CHANGED]
    IndicatorValueRevision.objects.bulk_create(
        [
            IndicatorValueRevision(
                indicator_value=row.existing,
                value=row.existing.value,
                note=row.existing.note,
                synthetic=row.existing.synthetic,
                batch_id=row.existing.batch_id,
                replaced_by=batch,
            )
            for row in changed
        ],
        batch_size=1000,
    )
    for row in changed:
        row.existing.value = row.value
        if row.note is not None:
            row.existing.note = row.note
        row.existing.synthetic = False
        row.existing.batch = batch
        row.existing.modified = now
    IndicatorValue.objects.bulk_update(
        [row.existing for row in changed],
        ["value", "note", "synthetic", "batch", "modified"],
        batch_size=1000,
    )
    batch.status = ImportBatch.Status.IMPORTED
    batch.imported_at = now
    batch.save(update_fields=["status", "imported_at"])
