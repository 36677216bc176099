"""The moderators' product, one module per model admin; importing this registers them."""

from actions.admin import (
    action_admin,
    campaign_admin,
    reason_admin,
    report_admin,
    takedown_admin,
)

__all__ = ["action_admin", "campaign_admin", "reason_admin", "report_admin", "takedown_admin"]
