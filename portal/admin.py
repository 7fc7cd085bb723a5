from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from portal.legal_texts import OPERATOR_CHECKLIST, PAGES
from portal.models import (
    AgendaItem,
    Attachment,
    Body,
    LegislativeTerm,
    Location,
    Meeting,
    Membership,
    Organization,
    Person,
    SitePage,
    User,
)

admin.site.site_header = _("Ratsportal Prävention – Verwaltung")
admin.site.site_title = _("Ratsportal Prävention")
admin.site.index_title = _("Verwaltung")


class CoreAdmin(admin.ModelAdmin):
    """Shows soft-deleted rows too, so an operator can restore them."""

    readonly_fields = ("created", "modified")

    def get_queryset(self, request):
        return self.model.all_objects.get_queryset()


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    fieldsets = (
        *UserAdmin.fieldsets,
        (_("Ratsportal"), {"fields": ("person", "organizations")}),
    )
    filter_horizontal = ("groups", "user_permissions", "organizations")
    list_filter = ("groups", "is_staff", "is_active")
    autocomplete_fields = ("person",)


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "organization"
    extra = 0
    autocomplete_fields = ("person", "on_behalf_of")


@admin.register(Body)
class BodyAdmin(CoreAdmin):
    list_display = ("name", "ags", "deleted")


@admin.register(LegislativeTerm)
class LegislativeTermAdmin(CoreAdmin):
    list_display = ("name", "start_date", "end_date", "deleted")


@admin.register(Organization)
class OrganizationAdmin(CoreAdmin):
    list_display = ("name", "short_name", "kind", "parent", "deleted")
    list_filter = ("kind", "deleted")
    search_fields = ("name", "short_name")
    autocomplete_fields = ("parent",)
    inlines = [MembershipInline]


@admin.register(Person)
class PersonAdmin(CoreAdmin):
    list_display = ("family_name", "given_name", "title", "public", "deleted")
    list_filter = ("public", "deleted")
    search_fields = ("family_name", "given_name")


@admin.register(Membership)
class MembershipAdmin(CoreAdmin):
    list_display = ("organization", "person", "on_behalf_of", "role", "start_date", "end_date")
    list_filter = ("role", "organization__kind")
    search_fields = ("person__family_name", "organization__name", "role_title")
    autocomplete_fields = ("person", "organization", "on_behalf_of")


@admin.register(Location)
class LocationAdmin(CoreAdmin):
    list_display = ("description", "street_address", "locality")
    search_fields = ("description", "street_address")


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    extra = 0
    fields = ("order", "number", "title", "public", "result")


@admin.register(Meeting)
class MeetingAdmin(CoreAdmin):
    list_display = ("name", "organization", "start", "state", "public", "deleted")
    list_filter = ("state", "public", "organization", "deleted")
    search_fields = ("name", "minutes")
    date_hierarchy = "start"
    autocomplete_fields = ("organization", "location")
    filter_horizontal = ("attachments",)
    inlines = [AgendaItemInline]


@admin.register(Attachment)
class AttachmentAdmin(CoreAdmin):
    list_display = ("name", "mime_type", "size", "public", "deleted")
    list_filter = ("public", "mime_type", "deleted")
    search_fields = ("name",)
    readonly_fields = ("created", "modified", "mime_type", "size", "sha512")


@admin.register(SitePage)
class SitePageAdmin(admin.ModelAdmin):
    list_display = ("title", "slug", "modified")

    def changelist_view(self, request, extra_context=None):
        """The operator's checklist above the list: what each page must state for this site."""
        for slug, items in OPERATOR_CHECKLIST.items():
            page = SitePage.objects.filter(slug=slug).first()
            unchanged = page is None or page.body == PAGES[slug][1]
            self.message_user(
                request,
                format_html(
                    "{}{}: {}",
                    PAGES[slug][0],
                    _(" (noch der Starttext)") if unchanged else "",
                    "; ".join(str(item) for item in items),
                ),
                level=messages.WARNING if unchanged else messages.INFO,
            )
        return super().changelist_view(request, extra_context)
