"""The canned rejection reasons, edited by administrators (moderators only pick them)."""

from django.contrib import admin

from actions.models import RejectionReason


@admin.register(RejectionReason)
class RejectionReasonAdmin(admin.ModelAdmin):
    list_display = ["text_en", "text_be", "text_ru", "code", "position", "active"]
    list_editable = ["position", "active"]
    list_display_links = ["text_en"]
    ordering = ["position", "id"]
