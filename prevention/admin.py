from django.contrib import admin

from prevention.models import (
    Attendance,
    District,
    Funding,
    ImportBatch,
    Indicator,
    IndicatorValue,
    IndicatorValueRevision,
    Measure,
    Population,
    PreventionCouncil,
)

# --- districts and indicators (issue 5) ---


class PopulationInline(admin.TabularInline):
    model = Population
    extra = 0


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "ortschaft", "number_verified"]
    list_filter = ["ortschaft", "number_verified"]
    search_fields = ["name", "number"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [PopulationInline]


@admin.register(Population)
class PopulationAdmin(admin.ModelAdmin):
    list_display = ["district", "year", "inhabitants", "synthetic"]
    list_filter = ["year", "synthetic"]


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["key", "name", "kind", "source", "per_100k", "suppression_threshold"]
    list_filter = ["source", "kind"]
    search_fields = ["key", "name"]


class RevisionInline(admin.TabularInline):
    """Earlier states of a value: read-only, they are the record of what changed."""

    model = IndicatorValueRevision
    fk_name = "indicator_value"
    extra = 0
    can_delete = False
    readonly_fields = ["value", "note", "synthetic", "batch", "replaced_by", "replaced_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(IndicatorValue)
class IndicatorValueAdmin(admin.ModelAdmin):
    list_display = ["indicator", "district", "year", "quarter", "value", "synthetic", "batch"]
    list_filter = ["indicator", "year", "synthetic"]
    search_fields = ["district__name", "indicator__key"]
    list_select_related = ["indicator", "district", "batch"]
    raw_id_fields = ["batch"]
    inlines = [RevisionInline]

    def save_model(self, request, obj, form, change):
        """An edit in the admin keeps the old value as a revision, like an import does."""
        if change and {"value", "note"} & set(form.changed_data):
            old = IndicatorValue.objects.get(pk=obj.pk)
            IndicatorValueRevision.objects.create(
                indicator_value=obj,
                value=old.value,
                note=old.note,
                synthetic=old.synthetic,
                batch=old.batch,
            )
        super().save_model(request, obj, form, change)


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ["file_name", "created", "user", "status", "rows_new", "rows_changed"]
    list_filter = ["status"]
    readonly_fields = [field.name for field in ImportBatch._meta.fields if field.name != "content"]

    def has_add_permission(self, request):
        return False


# --- prevention council (issue 4) ---


@admin.register(PreventionCouncil)
class PreventionCouncilAdmin(admin.ModelAdmin):
    list_display = ["organization", "founded_on", "reconstituted_on", "chair_title"]


class FundingInline(admin.TabularInline):
    model = Funding
    extra = 0


@admin.register(Measure)
class MeasureAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "start_date", "end_date", "public", "demo_content"]
    list_filter = ["status", "public", "demo_content"]
    search_fields = ["title", "description"]
    filter_horizontal = ["districts", "partners"]
    inlines = [FundingInline]


@admin.register(Funding)
class FundingAdmin(admin.ModelAdmin):
    list_display = ["measure", "source", "year", "requested", "granted", "own_share"]
    list_filter = ["year", "source"]


@admin.register(Attendance)
class AttendanceAdmin(admin.ModelAdmin):
    list_display = ["meeting", "membership", "status"]
    list_filter = ["status"]
