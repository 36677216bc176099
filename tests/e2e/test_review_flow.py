"""The moderators' desk in a real browser, at 1440 px: the queue at a glance, a visitor's
report hidden with one click, then three pending photos reviewed by keyboard alone
(approve, reject with a canned reason, reject as a duplicate), each next photo fetched
ahead, with no console error or CSP violation on the way."""

import re

import pytest

from actions.models import Action, RejectionReason, Report
from tests.e2e.browser import DESKTOP
from tests.helpers.actions import default_rejection_reasons
from tests.helpers.images import encode, scene

pytestmark = pytest.mark.e2e


def blocks_jpeg(seed, size=(800, 600)):
    """A distinct photo of coloured blocks (the same seed gives the same photo)."""
    return encode(scene(seed, size), "JPEG", quality=90)


def log_in(page):
    page.goto("/admin/")
    page.fill("#id_username", "moderator")
    page.fill("#id_password", "password")
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")


def change_path(action):
    return f"/admin/actions/action/{action.pk}/change/"


def test_review_flow_by_keyboard(open_context, approved, submitted, screenshots):
    default_rejection_reasons()
    public = approved()
    Report.objects.create(action=public, reason=Report.Reason.IN_PHOTO, details="I am on the left.")
    first = submitted(photo=blocks_jpeg(1))
    second = submitted(photo=blocks_jpeg(2))
    copy = submitted(photo=blocks_jpeg(1))  # the first photo sent again
    assert copy.duplicate_of == first

    context, watch = open_context(DESKTOP)
    page = context.new_page()
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    log_in(page)

    # The queue at a glance, and the way in.
    glance = page.locator(".queue-glance")
    assert "3 actions are waiting for moderation." in glance.inner_text()
    assert "1 open report" in glance.inner_text()
    page.screenshot(path=screenshots / "desk-1-index-1440.png", full_page=True)

    # The list at 1440 px: every column in sight, the report above it.
    page.goto("/admin/actions/action/")
    page.screenshot(path=screenshots / "desk-2-queue-1440.png", full_page=True)
    results = page.locator("#changelist .results")
    assert results.evaluate("el => el.scrollWidth <= el.clientWidth"), "the list scrolls sideways"
    for column in ("status_column", "photo_status", "submitted"):
        box = page.locator(f"#result_list th.column-{column}").bounding_box()
        assert box is not None and box["x"] + box["width"] <= DESKTOP["width"], column
    reports = page.locator("#reports-queue")
    assert "I am in this photo and I want it removed" in reports.inner_text()
    reports.get_by_role("button", name="Hide it now").click()
    page.wait_for_url("**/admin/actions/report/**")
    assert "1 action is hidden" in page.locator(".messagelist").inner_text()
    public.refresh_from_db()
    assert public.status == Action.Status.HIDDEN

    # Review by keyboard: the first pending photo, claimed, the next one fetched ahead.
    page.goto("/admin/")
    page.get_by_role("link", name="Start reviewing: next pending action").click()
    page.wait_for_url(f"**{change_path(first)}")
    assert any(f"/admin/actions/action/{second.pk}/photo/display/" in u for u in requested)
    page.screenshot(path=screenshots / "desk-3-review-1440.png", full_page=True)
    page.keyboard.press("c")  # to the checklist: tick every item with the keyboard
    for _ in range(4):
        page.keyboard.press("Space")
        page.keyboard.press("Tab")
    page.evaluate("document.activeElement.blur()")
    page.keyboard.press("a")
    page.wait_for_url(f"**{change_path(second)}")
    assert "1 action approved." in page.locator(".messagelist").inner_text()
    first.refresh_from_db()
    assert first.status == Action.Status.APPROVED
    assert len(first.checklist) == 4

    # Reject with a canned reason: R picks the list, the arrow a reason, Enter rejects.
    page.keyboard.press("r")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{change_path(copy)}")
    second.refresh_from_db()
    assert second.status == Action.Status.REJECTED
    assert second.canned_reason == RejectionReason.objects.offered().first()

    # The copy shows its original, and D rejects it as a duplicate.
    assert change_path(first) in page.locator(".duplicate-list").inner_html()
    page.keyboard.press("d")
    page.wait_for_url(re.compile(r"/admin/actions/action/\?status=pending"))
    assert "No pending action is waiting" in page.locator(".messagelist").inner_text()
    copy.refresh_from_db()
    assert copy.status == Action.Status.REJECTED
    assert copy.canned_reason.code == RejectionReason.DUPLICATE
    watch.settle(page)
    watch.assert_clean("the moderators' desk")
