from django.contrib import admin

from portal.admin import CoreAdmin
from requests_app.models import (
    Answer,
    AnswerReport,
    DeadlineReminder,
    Exhibit,
    Motion,
    MotionEvent,
    Question,
    ReferenceCounter,
)


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0


class MotionEventInline(admin.TabularInline):
    model = MotionEvent
    extra = 0
    can_delete = False
    readonly_fields = ("created", "user", "action", "from_status", "to_status", "comment")

    def has_add_permission(self, request, obj=None):
        return False  # the audit log is written by the services only


@admin.register(Motion)
class MotionAdmin(CoreAdmin):
    list_display = ("reference", "title", "kind", "status", "faction", "due_date", "deleted")
    list_filter = ("kind", "status", "confidential", "faction", "lead_department", "deleted")
    search_fields = ("reference", "title", "text")
    autocomplete_fields = ("faction", "lead_department", "submitters", "meeting")
    raw_id_fields = ("agenda_item",)
    readonly_fields = ("created", "modified", "version", "number", "year", "reference")
    inlines = [QuestionInline, MotionEventInline]


@admin.register(ReferenceCounter)
class ReferenceCounterAdmin(admin.ModelAdmin):
    list_display = ("kind", "year", "last_number")


@admin.register(DeadlineReminder)
class DeadlineReminderAdmin(admin.ModelAdmin):
    list_display = ("motion", "light", "due_date", "sent_at")
    list_select_related = ("motion",)


class AnswerInline(admin.StackedInline):
    model = Answer
    extra = 0
    raw_id_fields = ("question",)


@admin.register(AnswerReport)
class AnswerReportAdmin(CoreAdmin):
    """Reports are written and moved through review on the work area's pages; the admin shows
    them and lets an administrator repair metadata. The frozen content is read-only."""

    list_display = ("title", "motion", "edition", "status", "pdf_status", "published_at")
    list_filter = ("status", "pdf_status", "deleted")
    search_fields = ("title", "motion__reference", "motion__title")
    list_select_related = ("motion",)
    raw_id_fields = ("motion", "supersedes", "approver", "created_by")
    readonly_fields = (
        "created",
        "modified",
        "version",
        "status",
        "published_html",
        "snapshot",
        "content_sha256",
        "pdf_file",
        "pdf_sha256",
        "published_at",
    )
    inlines = [AnswerInline]


@admin.register(Exhibit)
class ExhibitAdmin(admin.ModelAdmin):
    list_display = ("__str__", "kind", "answer", "position")
    list_filter = ("kind",)
    raw_id_fields = ("answer", "indicator")
    filter_horizontal = ("districts",)
