from django import template
from django.conf import settings
from django.core.files.storage import default_storage
from django.urls import reverse, translate_url
from django.utils import translation
from django.utils.translation import get_language_info

from soliday.links import absolute

register = template.Library()


@register.inclusion_tag("includes/language_switcher.html", takes_context=True)
def language_switcher(context):
    """Links to this page in every language.

    A view that knows better (an article with translations) puts a
    `translation_urls` dict in the context; other pages keep their path and
    query string under the other language's prefix.
    """
    request = context["request"]
    urls = context.get("translation_urls") or {}
    current = context.get("LANGUAGE_CODE")
    languages = []
    path = request.get_full_path()
    for code, _name in settings.LANGUAGES:
        url = urls.get(code) or translate_url(path, code)
        if url == path and code != current:
            # An address that resolves nowhere (a 404) cannot be translated: go home.
            with translation.override(code):
                url = reverse("home")
        info = get_language_info(code)
        languages.append(
            {"code": code, "name": info["name_local"], "url": url, "current": code == current}
        )
    return {"languages": languages}


@register.filter
def media_url(path):
    """URL of a stored file by its storage path (renditions keep paths, not FieldFiles)."""
    return default_storage.url(path) if path else ""


@register.filter
def srcset(renditions):
    return ", ".join(f"{default_storage.url(r['path'])} {r['width']}w" for r in renditions)


# Open Graph wants a territory with the language.
OG_LOCALES = {"en": "en_GB", "be": "be_BY", "ru": "ru_RU"}


@register.filter
def og_locale(language):
    return OG_LOCALES.get(language, language)


@register.simple_tag
def absolute_url(url):
    """`url` as an absolute address for feeds and sharing tags; absolute URLs stay as they are."""
    return absolute(url)
