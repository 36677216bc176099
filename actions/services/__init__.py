"""Workflows with side effects for actions, one module per workflow.

Views, admin actions, background tasks and management commands call these functions;
nothing here depends on a request. The names below are the package's interface
(`from actions import services; services.approve(...)`); each lives in its module:

- `submission`: a participant's action stored, pending, its photo queued;
- `processing`: the photo made clean and rendered (the task), face boxes redone;
- `moderation`: approve, reject, process again;
- `claims`: who is looking at a pending action now, and the next one nobody holds;
- `duplicates`: the photo's perceptual hash and the likely duplicate it matches;
- `reports`: reports from the public, hiding a reported action at once, closing them;
- `visibility`: going public and back (release, conceal), scheduled publication;
- `receipts`: the participant's secret link: "not before", withdrawal;
- `takedowns`: emergency takedowns and their lifting;
- `purge`: deleting actions for good;
- `mail`, `history`, `storage`, `queue`: telling the participant, the admin's
  history, where files live, and the one place that queues background tasks.

Dependencies go one way, down this list's reverse: no module imports a workflow
above it, and none imports `actions.tasks` (see `queue`).
"""

from actions.services.claims import claim, next_pending, peek_next, unclaim
from actions.services.mail import receipt_on_commit as mail_receipt_on_commit
from actions.services.mail import send_decision_mail, send_receipt_mail
from actions.services.moderation import (
    NOT_PUBLISHABLE,
    Outcome,
    approve,
    reject,
    retry_processing,
)
from actions.services.processing import (
    MAX_PROCESSING_ATTEMPTS,
    face_boxes_editable,
    process_photo,
    record_processing_failure,
    set_face_boxes,
)
from actions.services.purge import delete_action, purge
from actions.services.receipts import (
    DELAYABLE,
    WITHDRAWN_BLANK,
    receipt_path,
    receipt_url,
    set_not_before,
    withdraw,
)
from actions.services.reports import file_report, hide_now, keep
from actions.services.storage import INCOMING, PREFIX, consistent_files, private_storage
from actions.services.submission import submit_action
from actions.services.takedowns import (
    Lifted,
    TakedownError,
    hide_renditions,
    lift_takedown,
    matching_actions,
    take_down,
    takedown_criteria,
)
from actions.services.visibility import (
    DECIDED_VISIBLE,
    DECISION_FIELDS,
    conceal,
    publish_due,
    refresh_public,
    release,
    remove_photo,
)

__all__ = [
    "keep",
    "hide_now",
    "file_report",
    "unclaim",
    "peek_next",
    "next_pending",
    "claim",
    "DECIDED_VISIBLE",
    "DECISION_FIELDS",
    "DELAYABLE",
    "INCOMING",
    "MAX_PROCESSING_ATTEMPTS",
    "NOT_PUBLISHABLE",
    "PREFIX",
    "WITHDRAWN_BLANK",
    "Lifted",
    "Outcome",
    "TakedownError",
    "approve",
    "conceal",
    "consistent_files",
    "delete_action",
    "face_boxes_editable",
    "hide_renditions",
    "lift_takedown",
    "mail_receipt_on_commit",
    "matching_actions",
    "private_storage",
    "process_photo",
    "publish_due",
    "purge",
    "receipt_path",
    "receipt_url",
    "record_processing_failure",
    "refresh_public",
    "reject",
    "release",
    "remove_photo",
    "retry_processing",
    "send_decision_mail",
    "send_receipt_mail",
    "set_face_boxes",
    "set_not_before",
    "submit_action",
    "take_down",
    "takedown_criteria",
    "withdraw",
]
