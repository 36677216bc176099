"""The files of actions and campaign materials, for `manage.py check_files`
(soliday.filecheck): which rows point to which file, and repairing a row whose file
is gone."""

from django.core.files.storage import default_storage

from actions.materials import PREFIX as MATERIALS
from actions.models import Action, CampaignMaterial
from actions.services.storage import INCOMING, PREFIX, consistent_files, private_storage
from soliday import files, publiccache
from soliday.filecheck import Reference

MISSING_UPLOAD = "The uploaded file is missing (found by check_files)."
MISSING_RENDITIONS = "The photo's files are missing (found by check_files)."


class ActionFiles:
    folders = {"private": (INCOMING, PREFIX), "default": (PREFIX, MATERIALS)}

    def references(self):
        rows = Action.objects.values_list(
            "pk", "upload", "photo", "renditions", "renditions_public"
        )
        for pk, upload, photo, renditions, public in rows.order_by("pk").iterator(chunk_size=2000):
            if upload:
                yield Reference("private", upload, f"action {pk}: upload", ("action", pk))
            if photo:
                yield Reference("private", photo, f"action {pk}: master", ("action", pk))
            for rendition in renditions:
                alias = "default" if public else "private"
                owner = f"action {pk}: {rendition.get('name', '?')}"
                yield Reference(alias, rendition["path"], owner, ("action", pk))
        for pk, path in (
            CampaignMaterial.objects.exclude(file="").values_list("pk", "file").order_by("pk")
        ):
            yield Reference("default", path, f"material {pk}", ("material", pk))

    def repair_missing(self, missing):
        """Repair each row with a missing file; returns how many rows changed."""
        repaired = 0
        for kind, pk in sorted({ref.key for ref in missing}):
            with consistent_files():
                if kind == "action":
                    action = Action.objects.select_for_update().filter(pk=pk).first()
                    repaired += action is not None and repair_action(action)
                else:
                    material = CampaignMaterial.objects.select_for_update().filter(pk=pk).first()
                    if material is not None and not default_storage.exists(material.file.name):
                        material.delete()  # a link to nothing on the campaign page
                        repaired += 1
        return repaired


def repair_action(action):
    """Drop the action's references to files that are not there (checked again now).

    A missing upload or rendition makes the photo FAILED with the reason, for the
    moderators' "processing failed" filter; a missing master is only forgotten. What
    is left of an incomplete set of renditions is deleted on commit.
    """
    changed = set()
    private = private_storage()
    if action.upload and not private.exists(action.upload):
        action.upload = ""
        changed.add("upload")
        if action.photo_status == Action.PhotoStatus.QUEUED:
            action.photo_status = Action.PhotoStatus.FAILED
            action.processing_error = MISSING_UPLOAD
            changed |= {"photo_status", "processing_error"}
    if action.photo and not private.exists(action.photo):
        action.photo = ""
        changed.add("photo")
    storage = default_storage if action.renditions_public else private
    paths = [rendition["path"] for rendition in action.renditions]
    present = [path for path in paths if storage.exists(path)]
    if len(present) < len(paths):
        files.delete_on_commit(storage, present)
        if action.renditions_public and action.status == Action.Status.APPROVED:
            publiccache.bump_on_commit()
        action.renditions = []
        action.renditions_public = False
        action.photo_status = Action.PhotoStatus.FAILED
        action.processing_error = MISSING_RENDITIONS
        changed |= {"renditions", "renditions_public", "photo_status", "processing_error"}
    if changed:
        action.save(update_fields=sorted(changed))
    return bool(changed)
