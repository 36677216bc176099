"""The public's forms: the submission form and the receipt page's forms."""

from actions.forms.receipts import NotBeforeForm, WithdrawForm
from actions.forms.submission import SubmitForm

__all__ = ["NotBeforeForm", "SubmitForm", "WithdrawForm"]
