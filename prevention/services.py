"""Writes of the Kommunaler Präventionsrat's data (issue 4): meetings, minutes, attendance,
attachments, measures and their funding.

Every edit form carries the `modified` time it was loaded with (its version). A service locks the
row, compares the version and refuses a stale save, so a second editor never silently overwrites
the first.
"""

from __future__ import annotations

import hashlib

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Model
from django.forms import BaseFormSet, BaseInlineFormSet, ModelForm
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal import roles
from portal.models import Attachment, Meeting, Membership, Organization, User
from portal.uploads import attachment_create
from prevention.models import Attendance, Measure, PreventionCouncil

STALE_MESSAGE = gettext_lazy(
    "Jemand anderes hat diesen Eintrag gespeichert, während Sie ihn bearbeitet haben. "
    "Ihre Änderungen wurden nicht übernommen. Bitte laden Sie die Seite neu und "
    "tragen Sie Ihre Änderungen erneut ein."
)


def version_of(obj: Model) -> str:
    """The edit token of a row: its modification time, to the microsecond."""
    return obj.modified.isoformat() if obj.pk and obj.modified else ""


def _check_office(user: User) -> None:
    if not user.has_role(roles.PREVENTION_OFFICE):
        raise PermissionDenied(_("Nur die Geschäftsstelle des Präventionsrats darf das ändern."))


def _lock_and_check_version(model: type[Model], pk: int, version: str | None) -> Model:
    current = model._default_manager.select_for_update().get(pk=pk)
    if version != version_of(current):
        raise ValidationError(STALE_MESSAGE, code="stale")
    return current


def rows_version(queryset) -> str:
    """Edit token of a formset's rows: changes when any row is added, edited or removed."""
    rows = sorted(
        (pk, modified.isoformat()) for pk, modified in queryset.values_list("pk", "modified")
    )
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def _check_rows_version(queryset, version: str | None) -> None:
    list(queryset.select_for_update().values_list("pk", flat=True))
    if version != rows_version(queryset):
        raise ValidationError(STALE_MESSAGE, code="stale")


def _touch(obj: Model) -> None:
    obj.modified = timezone.now()
    type(obj)._default_manager.filter(pk=obj.pk).update(modified=obj.modified)


def _agenda_sort_key(form) -> tuple[bool, int]:
    order = form.cleaned_data.get("order")
    return (order is None, order or 0)


@transaction.atomic
def meeting_save(
    *,
    user: User,
    meeting_form: ModelForm,
    agenda_formset: BaseInlineFormSet,
    version: str | None,
) -> Meeting:
    """Save a KPR meeting and its agenda; the agenda is renumbered in the order given."""
    _check_office(user)
    if meeting_form.instance.pk:
        _lock_and_check_version(Meeting, meeting_form.instance.pk, version)
    meeting = meeting_form.save()
    agenda_formset.instance = meeting
    agenda_formset.save(commit=False)
    for item in agenda_formset.deleted_objects:
        item.soft_delete()
    kept = [
        form
        for form in agenda_formset.forms
        if form.instance.title
        and not form.cleaned_data.get("DELETE")
        and (form.instance.pk or form.has_changed())
    ]
    # Stable sort by the order entered; rows without one go to the end, in form order.
    kept.sort(key=_agenda_sort_key)
    for position, form in enumerate(kept, start=1):
        item = form.instance
        item.meeting = meeting
        item.order = position
        item.number = str(position)
        item.full_clean()
        item.save()
    _touch(meeting)
    return meeting


@transaction.atomic
def meeting_minutes_save(
    *, user: User, meeting: Meeting, minutes: str, version: str | None
) -> Meeting:
    _check_office(user)
    current = _lock_and_check_version(Meeting, meeting.pk, version)
    current.minutes = minutes
    current.save(update_fields=["minutes", "modified"])
    return current


@transaction.atomic
def meeting_attendance_save(
    *, user: User, meeting: Meeting, statuses: dict[int, str]
) -> list[Attendance]:
    """Record attendance per membership; an empty status removes the record."""
    _check_office(user)
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


@transaction.atomic
def meeting_attachment_add(
    *, user: User, meeting: Meeting, upload: UploadedFile, name: str = "", public: bool = False
) -> Attachment:
    """Check the upload by content, store it and attach it to the meeting."""
    _check_office(user)
    attachment = attachment_create(upload=upload, name=name, public=public)
    meeting.attachments.add(attachment)
    return attachment


@transaction.atomic
def meeting_attachment_change(
    *, user: User, meeting: Meeting, attachment_id: int, action: str
) -> Attachment:
    """Publish, unpublish or remove an attachment of a meeting."""
    _check_office(user)
    attachment = meeting.attachments.select_for_update().filter(pk=attachment_id).first()
    if attachment is None:
        raise ValidationError(_("Diese Anlage gehört nicht zu dieser Sitzung."))
    if action == "publish":
        attachment.public = True
        attachment.save(update_fields=["public", "modified"])
    elif action == "unpublish":
        attachment.public = False
        attachment.save(update_fields=["public", "modified"])
    elif action == "remove":
        meeting.attachments.remove(attachment)
        attachment.soft_delete()
    else:
        raise ValidationError(_("Unbekannte Aktion."))
    return attachment


@transaction.atomic
def measure_save(
    *,
    user: User,
    measure_form: ModelForm,
    funding_formset: BaseInlineFormSet,
    version: str | None,
) -> Measure:
    """Save a measure with its districts, partners and funding rows."""
    _check_office(user)
    if measure_form.instance.pk:
        _lock_and_check_version(Measure, measure_form.instance.pk, version)
    measure = measure_form.save()
    funding_formset.instance = measure
    funding_formset.save()
    _touch(measure)
    return measure


@transaction.atomic
def council_profile_save(*, user: User, form: ModelForm, version: str | None) -> PreventionCouncil:
    _check_office(user)
    if form.instance.pk:
        _lock_and_check_version(PreventionCouncil, form.instance.pk, version)
    return form.save()


@transaction.atomic
def council_memberships_save(
    *, user: User, council: Organization, formset: BaseInlineFormSet, version: str | None
) -> None:
    """Save the council's memberships; removed ones are soft-deleted (OParl keeps them)."""
    _check_office(user)
    _check_rows_version(Membership.objects.filter(organization=council), version)
    for membership in formset.save(commit=False):
        membership.organization = council
        membership.full_clean()
        membership.save()
    for membership in formset.deleted_objects:
        membership.soft_delete()


@transaction.atomic
def council_working_groups_save(
    *, user: User, council: Organization, formset: BaseFormSet, version: str | None
) -> None:
    """Save the council's working groups (Organizations of kind working_group under the KPR)."""
    _check_office(user)
    _check_rows_version(formset.get_queryset(), version)
    for group in formset.save(commit=False):
        group.kind = Organization.Kind.WORKING_GROUP
        group.parent = council
        group.full_clean()
        group.save()
    for group in formset.deleted_objects:
        group.soft_delete()
