"""Demo actions for `make run`: a campaign, an approved gallery and a moderation queue.

Everything goes through the services, as a participant's submission and a
moderator's decision would. Idempotent: an action is recognised by its caption.
"""

import datetime
import io
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import ImageDraw, ImageFont

from actions import materials, services
from actions.demo_content import (
    ACTION_TYPES,
    APPROVED,
    CAMPAIGN,
    FEATURED,
    HASHTAGS,
    IDEAS,
    LETTER_LINES,
    PENDING,
)
from actions.models import (
    Action,
    Campaign,
    CampaignIdea,
    CampaignMaterial,
    LocationPrecision,
)
from soliday.demo_images import picture, picture_upload

DEMO_PRECISIONS = (LocationPrecision.EXACT, LocationPrecision.KM, LocationPrecision.CITY)

SIZES = {"landscape": (1200, 800), "portrait": (800, 1100)}


def poster_png():
    """An A-series poster (1:1.414) drawn in code."""
    image = picture("poster", width=707, height=1000)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=64)
    for line, y in (("#4august", 80), ("SOLIDARITY", 760), ("IS STRONGER", 840)):
        draw.text(
            (40, y), line, fill=(255, 255, 255), font=font, stroke_width=3, stroke_fill=(0, 0, 0)
        )
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def letter_pdf(lines=LETTER_LINES):
    """A one-page PDF with the letter template as text (Helvetica, ASCII)."""

    def escape(text):
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    stream = (
        "BT /F1 12 Tf 72 770 Td 16 TL "
        + " ".join(f"({escape(line)}) Tj T*" for line in lines)
        + " ET"
    )
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        "/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1"))
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out.getvalue()


# Each material in every language: its title there, the kind, the file's name and maker.
MATERIALS = [
    (
        {
            "en": "Poster #4august (A-series, PNG)",
            "be": "Плакат #4august (фармат A, PNG)",
            "ru": "Плакат #4august (формат A, PNG)",
        },
        CampaignMaterial.Kind.POSTER,
        "poster.png",
        poster_png,
    ),
    (
        {
            "en": "Letter to the ministry (template)",
            "be": "Ліст у міністэрства (узор)",
            "ru": "Письмо в министерство (образец)",
        },
        CampaignMaterial.Kind.LETTER,
        "letter.pdf",
        letter_pdf,
    ),
]


def load_take_part(campaign):
    """The demo campaign's ways to take part and materials that do not exist yet."""
    created = 0
    for order, (language, title, body) in enumerate(IDEAS):
        _idea, new = CampaignIdea.objects.get_or_create(
            campaign=campaign,
            language=language,
            title=title,
            defaults={"body": body, "order": order},
        )
        created += new
    wanted = [
        (order, language, title, kind, name, make)
        for order, (titles, kind, name, make) in enumerate(MATERIALS)
        for language, title in titles.items()
    ]
    for order, language, title, kind, name, make in wanted:
        if CampaignMaterial.objects.filter(campaign=campaign, title=title).exists():
            continue
        material = CampaignMaterial(
            campaign=campaign,
            language=language,
            title=title,
            kind=kind,
            order=order,
            file=SimpleUploadedFile(name, make()),
        )
        material.full_clean()
        materials.save_material(material)
        created += 1
    return created


def last_4_august(today):
    day = datetime.date(today.year, 8, 4)
    return day if day <= today else day.replace(year=today.year - 1)


# The demo campaign stays open this many days after the day the demo is (re)loaded, so
# the form can always be tried whenever `make run` is started.
OPEN_DAYS = 30


def load(stdout=None):
    """Create the demo campaign and actions that do not exist yet; keep the campaign open."""
    today = timezone.localdate()
    campaign, created_campaign = Campaign.objects.get_or_create(
        slug=CAMPAIGN["slug"],
        defaults={
            **CAMPAIGN,
            "starts_on": last_4_august(today),
            "ends_on": today + timedelta(days=OPEN_DAYS),
            "action_types": [str(t) for t in ACTION_TYPES],
            "is_active": True,
        },
    )
    if campaign.ends_on is not None and campaign.ends_on < today + timedelta(days=OPEN_DAYS):
        # Its dates follow today: open from the last 4 August to a month from now.
        campaign.ends_on = today + timedelta(days=OPEN_DAYS)
        campaign.save(update_fields=["ends_on"])
    if created_campaign:
        campaign.hashtags.set(HASHTAGS)
    evening = timezone.make_aware(datetime.datetime.combine(campaign.starts_on, datetime.time(19)))

    created = 0
    existing = set(Action.objects.filter(campaign=campaign).values_list("caption", flat=True))
    entries = [(entry, True) for entry in APPROVED] + [(entry, False) for entry in PENDING]
    for number, (entry, approve) in enumerate(entries):
        city, country, latitude, longitude, action_type, language, caption, shape = entry
        if caption in existing:
            continue
        upload = None
        if shape:
            width, height = SIZES[shape]
            upload = picture_upload(f"action-{number}", width=width, height=height)
        action = services.submit_action(
            campaign=campaign,
            action_type=action_type,
            # Participants choose differently: the demo shows a point, a 1 km square, a city.
            location_precision=DEMO_PRECISIONS[number % len(DEMO_PRECISIONS)],
            city=city,
            country=country,
            latitude=latitude,
            longitude=longitude,
            hashtags=HASHTAGS[:2] if number % 2 else [HASHTAGS[0], HASHTAGS[2]],
            caption=caption,
            alt_text=caption,
            display_name="",
            email="",
            consent=True,
            upload=upload,
            language=language,
        )
        # The task may run elsewhere (a worker): process here so the demo is complete at once.
        services.process_photo(action.pk)
        if approve:
            submitted = evening + timedelta(minutes=7 * number)
        else:
            submitted = timezone.now() - timedelta(hours=len(entries) - number)
        Action.objects.filter(pk=action.pk).update(submitted_at=submitted)
        if approve:
            services.approve([action], None)
        created += 1
    # A few photos a moderator would feature on the campaign page.
    Action.objects.approved().filter(campaign=campaign, caption__in=FEATURED).update(featured=True)
    extras = load_take_part(campaign)
    if stdout:
        stdout.write(f"Demo actions: {created} created.")
        stdout.write(f"Demo ways to take part and materials: {extras} created.")
    return created
