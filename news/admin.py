from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from news import services
from news.models import Article, Page
from soliday import admintitles, files, images
from soliday.admintitles import TranslatedTitles
from soliday.templatetags.soliday import media_url


class ArticleAdminForm(forms.ModelForm):
    class Meta:
        model = Article
        fields = [
            "language", "title", "slug", "lead", "body_format", "body", "tags", "lead_image",
            "lead_image_alt", "lead_image_caption", "status", "published_at", "author",
            "source", "translation_of",
        ]  # fmt: skip

    def clean_lead_image(self):
        upload = self.cleaned_data.get("lead_image")
        if isinstance(upload, UploadedFile):
            # Decode now, so a broken or foreign file is an error beside the field.
            images.open_upload(
                upload,
                max_pixels=services.MAX_PIXELS,
                max_bytes=settings.NEWS_IMAGE_MAX_BYTES,
            )
        return upload

    def clean(self):
        cleaned = super().clean()
        original = cleaned.get("translation_of")
        language = cleaned.get("language")
        if original is not None:
            if self.instance.pk and original.pk == self.instance.pk:
                raise ValidationError({"translation_of": _("An article cannot translate itself.")})
            if original.language == language:
                raise ValidationError(
                    {"translation_of": _("A translation must be in another language.")}
                )
        return cleaned


@admin.register(Article)
class ArticleAdmin(TranslatedTitles, admin.ModelAdmin):
    titles = admintitles.ARTICLE
    form = ArticleAdminForm
    list_display = ["title", "language", "status", "published_at", "thumbnail", "updated_at"]
    list_filter = ["status", "language", "published_at", "tags"]
    search_fields = ["title", "lead", "body"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "published_at"
    autocomplete_fields = ["translation_of"]
    readonly_fields = ["image_preview", "lead_image_source_url", "created_at", "updated_at"]
    actions = ["publish_selected", "unpublish_selected"]
    list_per_page = 50
    fieldsets = [
        (None, {"fields": ["language", "title", "slug", "lead", "body_format", "body", "tags"]}),
        (
            _("Lead image"),
            {
                "fields": [
                    "lead_image",
                    "image_preview",
                    "lead_image_alt",
                    "lead_image_caption",
                    "lead_image_source_url",
                ]
            },
        ),
        (_("Publication"), {"fields": ["status", "published_at", "author", "source"]}),
        (_("Translations"), {"fields": ["translation_of"]}),
        (_("History"), {"fields": ["created_at", "updated_at"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("tags")

    @admin.display(description=_("image"))
    def thumbnail(self, obj):
        rendition = obj.rendition("w480")
        if not rendition:
            return "—"
        return format_html(
            '<img src="{}" alt="" width="80" class="admin-thumbnail">',
            media_url(rendition["path"]),
        )

    @admin.display(description=_("preview"))
    def image_preview(self, obj):
        rendition = obj.rendition("w480")
        if not rendition:
            return _("No image.")
        return format_html(
            '<img src="{}" alt="{}" width="{}" height="{}" class="admin-preview">',
            media_url(rendition["path"]),
            obj.lead_image_alt,
            rendition["width"],
            rendition["height"],
        )

    def changeform_view(self, request, *args, **kwargs):
        # Any error after the image files are written removes them with the rollback.
        with files.delete_files_on_error():
            return super().changeform_view(request, *args, **kwargs)

    def save_model(self, request, obj, form, change):
        if "lead_image" in form.changed_data:
            # The form has already put the upload (or "" for "clear") on obj: give the
            # services back the stored name, so that the old file is retired with the rest.
            obj.lead_image = form.initial.get("lead_image") or ""
            upload = form.cleaned_data.get("lead_image")
            if isinstance(upload, UploadedFile):
                services.attach_lead_image(obj, upload)
            elif not upload:
                services.remove_lead_image(obj)
        elif change:
            # The image is the stored one, which `remake_article_images` may have given
            # new renditions since this object was loaded (deleting the old files):
            # lock the row and keep what is stored, not what was read.
            stored = (
                Article.objects.select_for_update()
                .filter(pk=obj.pk)
                .values("lead_image", "lead_image_renditions")
                .first()
            )
            if stored is not None:
                obj.lead_image = stored["lead_image"]
                obj.lead_image_renditions = stored["lead_image_renditions"]
        super().save_model(request, obj, form, change)

    def delete_model(self, request, obj):
        services.delete_article(obj)

    def delete_queryset(self, request, queryset):
        for article in queryset:
            services.delete_article(article)

    @admin.action(description=_("Publish selected articles"), permissions=["change"])
    def publish_selected(self, request, queryset):
        count = services.publish(queryset)
        self.message_user(
            request,
            ngettext("%(count)d article published.", "%(count)d articles published.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Unpublish selected articles"), permissions=["change"])
    def unpublish_selected(self, request, queryset):
        count = services.unpublish(queryset)
        self.message_user(
            request,
            ngettext("%(count)d article unpublished.", "%(count)d articles unpublished.", count)
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(Page)
class PageAdmin(TranslatedTitles, admin.ModelAdmin):
    """The portal's own pages (About), one per language; English is shown where a
    language has none."""

    titles = admintitles.PAGE

    list_display = ["title", "slug", "language", "updated_at"]
    list_filter = ["slug", "language"]
    fields = ["slug", "language", "title", "body"]
    search_fields = ["title", "body"]
