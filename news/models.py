import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from soliday.markup import render_body


def lead_image_path(instance, filename):
    # The editor's file name can say more than it should; keep only a random one.
    return f"news/{uuid.uuid4().hex}.jpg"


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """The one definition of what the public may see."""
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=timezone.now())

    def in_language(self, language):
        return self.filter(language=language)

    def listed(self, language):
        """Published articles in `language`, with their tags: what lists show."""
        return self.published().in_language(language).prefetch_related("tags")


class TaggedArticle(TaggedItemBase):
    content_object = models.ForeignKey("Article", on_delete=models.CASCADE)

    class Meta:
        verbose_name = _("article tag")
        verbose_name_plural = _("article tags")
        constraints = [
            models.UniqueConstraint(
                fields=["content_object", "tag"], name="news_taggedarticle_unique"
            ),
        ]


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    class BodyFormat(models.TextChoices):
        MARKDOWN = "markdown", _("Markdown")
        HTML = "html", _("HTML")

    language = models.CharField(
        _("language"), max_length=5, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    title = models.CharField(_("title"), max_length=250)
    slug = models.SlugField(
        _("slug"),
        max_length=250,
        allow_unicode=True,
        help_text=_("Part of the address; letters of any alphabet, unique per language."),
    )
    lead = models.TextField(_("lead"), blank=True, help_text=_("One or two sentences."))
    body = models.TextField(_("body"))
    body_format = models.CharField(
        _("body format"),
        max_length=10,
        choices=BodyFormat,
        default=BodyFormat.MARKDOWN,
        help_text=_("HTML is sanitised: scripts, styles and event handlers are removed."),
    )
    # Rendered and sanitised from body on every save, so pages never render markup.
    body_html = models.TextField(editable=False, default="")

    lead_image = models.ImageField(_("lead image"), upload_to=lead_image_path, blank=True)
    lead_image_caption = models.CharField(_("image caption"), max_length=300, blank=True)
    lead_image_alt = models.CharField(
        _("image alt text"),
        max_length=300,
        blank=True,
        help_text=_("What the image shows, for people who cannot see it."),
    )
    # [{"name": "w640", "path": ..., "width": ..., "height": ...}, ...], made once on upload.
    lead_image_renditions = models.JSONField(default=list, blank=True, editable=False)
    lead_image_source_url = models.URLField(
        _("original image address"),
        max_length=500,
        blank=True,
        help_text=_("Where an imported article's image came from; kept as a reference only."),
    )

    author = models.CharField(_("author"), max_length=200, blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True)
    tags = TaggableManager(_("tags"), through=TaggedArticle, blank=True)

    translation_of = models.ForeignKey(
        "self",
        verbose_name=_("translation of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="translations",
        help_text=_("The original article, when this one is its translation."),
    )

    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.DRAFT, db_index=False
    )
    published_at = models.DateTimeField(
        _("publication time"),
        null=True,
        blank=True,
        help_text=_("A time in the future schedules the article."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    legacy_key = models.CharField(
        _("legacy key"), max_length=100, blank=True, editable=False, default=""
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["-published_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["language", "slug"], name="news_article_slug_unique"),
            models.UniqueConstraint(
                fields=["legacy_key"],
                condition=~Q(legacy_key=""),
                name="news_article_legacy_key_unique",
            ),
        ]
        indexes = [
            # News list, home page and feeds: published articles of one language, newest first.
            models.Index(
                fields=["language", "status", "-published_at"],
                name="news_article_lang_pub_idx",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # Derived data, not a side effect: keeps body_html in step with body.
        self.body_html = render_body(self.body, self.body_format)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        with translation.override(self.language):
            return reverse("news:article", kwargs={"slug": self.slug})

    @property
    def is_public(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    def rendition(self, name):
        for rendition in self.lead_image_renditions:
            if rendition["name"] == name:
                return rendition
        return None

    @property
    def srcset_renditions(self):
        return [r for r in self.lead_image_renditions if r["name"].startswith("w")]

    @property
    def card_rendition(self):
        return self.rendition("card")

    def translation_group_filter(self):
        root_id = self.translation_of_id or self.pk
        return Q(pk=root_id) | Q(translation_of_id=root_id)


class PageQuerySet(models.QuerySet):
    def in_language(self, slug, language):
        """The page `slug` in `language`, else in English, else None: one query."""
        rows = list(self.filter(slug=slug, language__in={language, settings.LANGUAGE_CODE}))
        own = [row for row in rows if row.language == language]
        return (own or rows or [None])[0]


class Page(models.Model):
    """A page of the portal written by the editors, one row per language (English is the
    fallback): "about" is /<lang>/about/, who runs the portal and how to reach them."""

    class Slug(models.TextChoices):
        ABOUT = "about", _("About, who runs this, contact")

    slug = models.CharField(_("page"), max_length=30, choices=Slug, default=Slug.ABOUT)
    language = models.CharField(
        _("language"), max_length=5, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(
        _("text"), help_text=_("Markdown. Say who runs the portal and how to reach them.")
    )
    body_html = models.TextField(editable=False, default="")
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = PageQuerySet.as_manager()

    class Meta:
        verbose_name = _("page")
        verbose_name_plural = _("pages")
        ordering = ["slug", "language"]
        constraints = [
            models.UniqueConstraint(fields=["slug", "language"], name="news_page_unique"),
        ]

    def __str__(self):
        return f"{self.title} ({self.language})"

    def save(self, *args, **kwargs):
        # Derived data, not a side effect: keeps body_html in step with body.
        self.body_html = render_body(self.body, "markdown")
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        with translation.override(self.language):
            return reverse(self.slug)
