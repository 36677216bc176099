"""The actions app's models, one module per subject; import them from here."""

from actions.models.actions import (
    Action,
    ActionQuerySet,
    ChecklistItem,
    LocationPrecision,
    TaggedAction,
    receipt_hash,
)
from actions.models.campaigns import (
    ActionType,
    Campaign,
    CampaignHashtag,
    CampaignIdea,
    CampaignMaterial,
    CampaignQuerySet,
)
from actions.models.desk import RejectionReason
from actions.models.reports import Report
from actions.models.results import MapCell, Tally
from actions.models.takedowns import Takedown, TakedownQuerySet

__all__ = [
    "Action",
    "ActionQuerySet",
    "ActionType",
    "Campaign",
    "CampaignHashtag",
    "CampaignIdea",
    "CampaignMaterial",
    "CampaignQuerySet",
    "ChecklistItem",
    "LocationPrecision",
    "MapCell",
    "RejectionReason",
    "Report",
    "TaggedAction",
    "Takedown",
    "TakedownQuerySet",
    "Tally",
    "receipt_hash",
]
