"""Campaigns in the admin: their form, ways to take part, materials and CSV export."""

from django.contrib import admin
from django.db.models import Count, Q
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from actions import export, materials
from actions.admin.forms import CampaignAdminForm
from actions.models import Action, Campaign, CampaignIdea, CampaignMaterial
from soliday import admintitles, files
from soliday.admintitles import TranslatedTitles


class CampaignIdeaInline(admin.StackedInline):
    model = CampaignIdea
    fields = ["language", "title", "body", "order"]
    extra = 0
    verbose_name = _("way to take part")
    verbose_name_plural = _("ways to take part (one language each; English is the fallback)")


class CampaignMaterialInline(admin.TabularInline):
    model = CampaignMaterial
    fields = ["language", "kind", "title", "file", "file_format", "size", "order"]
    readonly_fields = ["file_format", "size"]
    extra = 0
    verbose_name_plural = _("materials to download (public once saved)")

    @admin.display(description=_("size"))
    def size(self, obj):
        return filesizeformat(obj.file_size) if obj.file_size else "—"


@admin.register(Campaign)
class CampaignAdmin(TranslatedTitles, admin.ModelAdmin):
    titles = admintitles.CAMPAIGN
    form = CampaignAdminForm
    inlines = [CampaignIdeaInline, CampaignMaterialInline]
    actions = ["export_csv"]
    list_display = ["name_en", "slug", "starts_on", "ends_on", "is_active", "pending_count"]
    list_filter = ["is_active", "starts_on"]
    search_fields = ["name_en", "name_be", "name_ru", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}
    fieldsets = [
        (None, {"fields": ["name_en", "name_be", "name_ru", "slug"]}),
        (_("Description"), {"fields": ["description_en", "description_be", "description_ru"]}),
        (_("Form"), {"fields": ["hashtags", "action_types"]}),
        (_("Dates"), {"fields": ["starts_on", "ends_on", "is_active"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(pending=Count("actions", filter=Q(actions__status=Action.Status.PENDING)))
        )

    @admin.display(description=_("pending actions"), ordering="pending")
    def pending_count(self, obj):
        return obj.pending

    def save_formset(self, request, form, formset, change):
        if formset.model is not CampaignMaterial:
            return super().save_formset(request, form, formset, change)
        # Materials go through their service: format and size from the file, old files removed.
        with files.delete_files_on_error():
            for material in formset.save(commit=False):
                old_path = ""
                if material.pk:
                    old_path = (
                        CampaignMaterial.objects.filter(pk=material.pk)
                        .values_list("file", flat=True)
                        .first()
                    )
                materials.save_material(material, old_path=old_path or "")
            for material in formset.deleted_objects:
                materials.delete_material(material)
            formset.save_m2m()

    def has_export_permission(self, request):
        # The export lists actions: whoever may view them (Moderators) may export them.
        return request.user.has_perm("actions.view_action")

    @admin.action(description=_("Export approved actions as CSV"), permissions=["export"])
    def export_csv(self, request, queryset):
        return export.csv_response(list(queryset.order_by("slug")))
