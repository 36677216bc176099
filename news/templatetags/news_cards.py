"""{% article_cards articles level=2 as cards %}: article cards as HTML (news.cards)."""

from django import template

from news import cards

register = template.Library()


@register.simple_tag
def article_cards(articles, level=3):
    return cards.render(articles, level)
