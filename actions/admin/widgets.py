"""The face-box tool: the boxes to blur as text, drawn over the unblurred photo."""

import re

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from actions import faces

# Between the numbers of a face box: "10, 20, 30, 40", "10 20 30 40".
BOX_SEPARATORS = re.compile(r"[\s,;]+")


class FaceBoxesWidget(forms.Textarea):
    """The boxes as text (the source of truth, and all there is without JavaScript),
    which face_boxes.js turns into a drawing tool over the unblurred photo."""

    class Media:
        js = ["js/face_boxes.js"]
        css = {"all": ["css/admin_faces.css"]}

    def __init__(self, *, photo_url, size):
        super().__init__(attrs={"rows": 5, "cols": 30, "spellcheck": "false"})
        self.photo_url, self.size = photo_url, size

    def get_context(self, name, value, attrs):
        width, height = self.size
        strings = {
            "tool": gettext("Face boxes on the unblurred photo"),
            "hint": gettext(
                "Drag on the photo to add a box. Select a box to remove it (Delete key) or "
                "to move it with the arrow keys (with Shift: resize it)."
            ),
            "canvas": gettext("The unblurred photo with the boxes that will be blurred."),
            "add": gettext("Add a box"),
            "remove": gettext("Remove the selected box"),
            "box": gettext("Box %(number)s: x %(x)s, y %(y)s, %(width)s × %(height)s"),
            "added": gettext("Box added."),
            "removed": gettext("Box removed."),
            "none": gettext("No box: nothing will be blurred."),
            "failed": gettext("The photo could not be loaded: edit the boxes as numbers."),
        }
        attrs = {
            **(attrs or {}),
            "data-face-boxes": "",
            "data-photo-url": self.photo_url,
            "data-photo-width": width,
            "data-photo-height": height,
            **{f"data-text-{key}": text for key, text in strings.items()},
        }
        return super().get_context(name, value, attrs)


def boxes_as_text(boxes):
    """Stored boxes as the moderator edits them: one "x, y, width, height" a line."""
    return "\n".join(f"{b['x']}, {b['y']}, {b['width']}, {b['height']}" for b in boxes)


def parse_boxes(text, size):
    """The moderator's lines as faces.Box, each inside a photo of size (width, height)."""
    width, height = size
    boxes = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            x, y, box_width, box_height = (int(part) for part in BOX_SEPARATORS.split(line.strip()))
        except ValueError:
            raise forms.ValidationError(
                _("Line %(line)d: write four whole numbers: x, y, width, height.")
                % {"line": number}
            ) from None
        if (
            x < 0
            or y < 0
            or box_width < 1
            or box_height < 1
            or x + box_width > width
            or y + box_height > height
        ):
            raise forms.ValidationError(
                _(
                    "Line %(line)d: the box must lie inside the photo, "
                    "which is %(width)d × %(height)d pixels."
                )
                % {"line": number, "width": width, "height": height}
            )
        boxes.append(faces.Box(x, y, box_width, box_height))
    return boxes
