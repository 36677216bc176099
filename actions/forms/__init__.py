"""The public's forms: the submission form, the receipt page's forms, a report of a photo."""

from actions.forms.receipts import NotBeforeForm, WithdrawForm
from actions.forms.report import ReportForm
from actions.forms.submission import SubmitForm

__all__ = ["NotBeforeForm", "ReportForm", "SubmitForm", "WithdrawForm"]
