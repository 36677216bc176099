"""The public filters of approved actions, shared by the gallery, the map, the feeds and the API.

    filters = ActionFilters.from_query(request.GET)
    actions = filters.apply(Action.objects.public())

Parameters (all optional, combined with AND): `campaign` (slug), `country` (ISO code,
any case), `city` (any case; only a city public pages name, see actions.stats), `tag`
(hashtag name or slug, with or without '#', any case), `type` (an ActionType value),
`year` (of the action's date).

A value that names nothing (an unknown campaign, country, hashtag or type) makes the
result empty: a shared link to a filter that no longer matches must not silently show
everything. A malformed number (`year=abc`) is ignored. Nothing here raises on user input.
"""

from dataclasses import dataclass, field
from typing import NamedTuple

from django.db.models import Exists, OuterRef, Q
from django.utils.http import urlencode
from django.utils.text import slugify
from django.utils.translation import gettext as _
from taggit.models import Tag

from actions import hashtags
from actions.models import Action, ActionType, Campaign, TaggedAction, Tally
from soliday import countries

# The parameters, in the order they appear in links.
PARAMETERS = ("campaign", "country", "city", "tag", "type", "year")
MAX_LENGTH = 100
MIN_YEAR, MAX_YEAR = 1900, 9999


class ActiveFilter(NamedTuple):
    """One filter in use: the query parameter, its value in links, and a label for people."""

    name: str
    value: str
    label: str


def _clean(value):
    # PostgreSQL refuses NUL characters; nobody types more than a city name.
    return " ".join((value or "").replace("\x00", "").split())[:MAX_LENGTH]


@dataclass
class ActionFilters:
    campaign: Campaign | None = None
    country: str = ""
    city: str = ""
    tag: Tag | None = None
    action_type: str = ""
    year: int | None = None
    # The parameters as given (cleaned), kept for links even when they name nothing.
    given: dict = field(default_factory=dict)
    # True when a value names nothing: the result is empty.
    matches_nothing: bool = False

    @classmethod
    def from_query(cls, query):
        """Parse a QueryDict (or a plain dict). Costs one query for `campaign`, one for `tag`."""
        filters = cls()
        given = {name: _clean(query.get(name)) for name in PARAMETERS}
        given = {name: value for name, value in given.items() if value}  # PARAMETERS order

        if slug := given.get("campaign"):
            filters.campaign = Campaign.objects.filter(slug=slug).first()
            filters.matches_nothing |= filters.campaign is None

        if code := given.get("country"):
            code = code.upper()
            given["country"] = code
            if code in countries.codes():
                filters.country = code
            else:
                filters.matches_nothing = True

        if city := given.get("city"):
            filters.city = city

        if tag := given.get("tag"):
            name = hashtags.normalise(tag)
            if name:
                # Links keep it as typed: the stored spelling of a hashtag no public
                # action has must not show.
                given["tag"] = tag.lstrip("#").strip()
                filters.tag = _find_tag(name)
                filters.matches_nothing |= filters.tag is None
            else:
                del given["tag"]  # a lone '#': ignored

        if action_type := given.get("type"):
            action_type = action_type.lower()
            given["type"] = action_type
            if action_type in ActionType.values:
                filters.action_type = action_type
            else:
                filters.matches_nothing = True

        if year := given.get("year"):
            try:
                year = int(year)
            except ValueError:
                year = None
            if year is not None and MIN_YEAR <= year <= MAX_YEAR:
                filters.year = year
                given["year"] = str(year)
            else:
                del given["year"]  # malformed: ignored, and left out of links

        filters.given = given
        return filters

    @property
    def is_empty(self):
        """No filter at all: every approved action."""
        return not self.given

    @property
    def only_campaign(self):
        """At most the campaign filter (a known campaign): pre-counted results apply."""
        return not self.matches_nothing and set(self.given) <= {"campaign"}

    def apply(self, queryset):
        """Filter a queryset of approved actions (Action.objects.public())."""
        if self.matches_nothing:
            return queryset.none()
        conditions = Q()
        if self.campaign is not None:
            conditions &= Q(campaign=self.campaign)
        if self.country:
            conditions &= Q(country=self.country)
        if self.city:
            # Only a city that public pages name (actions.stats: the K threshold):
            # filtering by a lonely city must not reveal that it has an action.
            conditions &= Q(city__iexact=self.city, city_shown=True)
        if self.tag is not None:
            conditions &= Q(hashtags=self.tag)
        if self.action_type:
            conditions &= Q(action_type=self.action_type)
        if self.year is not None:
            conditions &= Q(submitted_at__year=self.year)
        return queryset.filter(conditions)

    def choices(self):
        """Options of the filter form: campaigns, and countries that have public actions.

        Two queries: the campaigns, and the countries counted in any campaign's results
        (a few hundred tally rows).
        """
        campaigns = list(Campaign.objects.only("slug", "name_en", "name_be", "name_ru"))
        codes = set(
            Tally.objects.filter(dimension=Tally.Dimension.COUNTRY, count__gt=0)
            .values_list("key", flat=True)
            .distinct()
        )
        if self.country:
            codes.add(self.country)
        by_name = sorted(((code, countries.name(code)) for code in codes), key=lambda c: c[1])
        return {
            "campaigns": campaigns,
            "country_choices": by_name,
            "type_choices": ActionType.choices,
        }

    def as_query(self, without=()):
        """The filters as a query string (no leading '?'), e.g. for pagination links.

        `without` names parameters to leave out (a chip's "remove" link).
        """
        if isinstance(without, str):
            without = (without,)
        return urlencode(
            [(name, value) for name, value in self.given.items() if name not in without]
        )

    @property
    def active(self):
        """The filters in use, as ActiveFilter(name, value, label), in PARAMETERS order."""
        labels = {
            "campaign": lambda v: (
                _("Campaign: %(name)s") % {"name": self.campaign.name if self.campaign else v}
            ),
            "country": lambda v: _("Country: %(name)s") % {"name": countries.name(v)},
            "city": lambda v: _("City: %(name)s") % {"name": v},
            "tag": lambda v: f"#{self.tag.name if self.tag else v}",
            "type": lambda v: (
                _("Type: %(name)s") % {"name": ActionType(v).label if v in ActionType.values else v}
            ),
            "year": lambda v: _("Year: %(year)s") % {"year": v},
        }
        return [
            ActiveFilter(name, self.given[name], labels[name](self.given[name]))
            for name in PARAMETERS
            if name in self.given
        ]


def _find_tag(name):
    """The hashtag called `name` (any case) or with that slug; None when there is none.

    Only hashtags of approved actions: the hashtags of pending and rejected ones are
    not public, not even their existence or spelling.
    """
    slug = slugify(name, allow_unicode=True)
    # The name's case is folded in Python as well: SQLite's LIKE folds ASCII letters only.
    candidates = Tag.objects.filter(
        Q(name__iexact=name) | Q(slug=slug) | Q(slug=name.lower()),
        Exists(
            TaggedAction.objects.filter(
                tag=OuterRef("pk"), content_object__in=Action.objects.public()
            )
        ),
    ).order_by("pk")[:5]
    folded = name.casefold()
    candidates = list(candidates)
    for tag in candidates:
        if tag.name.casefold() == folded:
            return tag
    return candidates[0] if candidates else None
