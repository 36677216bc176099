"""Article cards (templates/includes/article_card.html), each rendered once for what it
shows (soliday.fragments): the home page and the news lists render again whenever public
content changes, their articles mostly have not."""

from soliday import fragments

TEMPLATE = "includes/article_card.html"
SHOWN = ("pk", "language", "slug", "title", "lead", "published_at", "lead_image_renditions")


def render(articles, level=3):
    """The cards of `articles` (with their tags prefetched, as Article.objects.listed()
    gives them), as HTML; `level` is the heading level of their titles."""
    entries = []
    for article in articles:
        tags = [(tag.name, tag.slug) for tag in article.tags.all()]
        shown = (level, tuple(getattr(article, name) for name in SHOWN), tags)
        entries.append((shown, {"article": article, "level": level}))
    return fragments.render(TEMPLATE, entries)
