"""The canned rejection reasons, edited by administrators (moderators only pick them)."""

from django.contrib import admin

from actions.models import RejectionReason
from soliday import admintitles
from soliday.admintitles import TranslatedTitles


@admin.register(RejectionReason)
class RejectionReasonAdmin(TranslatedTitles, admin.ModelAdmin):
    titles = admintitles.REJECTION_REASON
    list_display = ["text_en", "text_be", "text_ru", "code", "position", "active"]
    list_editable = ["position", "active"]
    list_display_links = ["text_en"]
    ordering = ["position", "id"]
