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
from actions.models import (
    Action,
    ActionType,
    Campaign,
    CampaignIdea,
    CampaignMaterial,
    LocationPrecision,
)
from soliday.demo_images import picture, picture_upload

CAMPAIGN = {
    "slug": "4august",
    "name_en": "Day of Solidarity with Belarus",
    "name_be": "Дзень салідарнасці з Беларуссю",
    "name_ru": "День солидарности с Беларусью",
    "description_en": (
        "Every year on 4 August people around the world stand with the political prisoners "
        "of Belarus and with everyone who is persecuted there for their views. Light a "
        "lantern, hold a poster, write a letter, rename a street for a day, and send us a "
        "photo with #4august."
    ),
    "description_be": (
        "Кожны год 4 жніўня людзі па ўсім свеце выказваюць салідарнасць з палітвязнямі "
        "Беларусі і з усімі, каго там пераследуюць за погляды. Запаліце ліхтарык, вазьміце "
        "плакат, напішыце ліст, перайменуйце вуліцу на адзін дзень і дашліце нам фота з "
        "#4жніўня."
    ),
    "description_ru": (
        "Каждый год 4 августа люди по всему миру выражают солидарность с политзаключёнными "
        "Беларуси и со всеми, кого там преследуют за убеждения. Зажгите фонарик, возьмите "
        "плакат, напишите письмо, переименуйте улицу на один день и пришлите нам фото с "
        "#4августа."
    ),
}
HASHTAGS = ["4august", "4августа", "bysoliday"]
ACTION_TYPES = [
    ActionType.PICKET,
    ActionType.PHOTO,
    ActionType.ART,
    ActionType.LETTER,
    ActionType.STREET_RENAMING,
    ActionType.RALLY,
]

DEMO_PRECISIONS = (LocationPrecision.EXACT, LocationPrecision.KM, LocationPrecision.CITY)

# city, country, latitude, longitude, type, language, caption, photo ("landscape",
# "portrait" or None for an action without a photo)
APPROVED = [
    (
        "Vilnius",
        "LT",
        54.6872,
        25.2797,
        "picket",
        "be",
        "Ліхтарыкі ля Кафедральнага сабора.",
        "landscape",
    ),
    (
        "Warsaw",
        "PL",
        52.2297,
        21.0122,
        "rally",
        "ru",
        "Шествие по Краковскому предместью.",
        "landscape",
    ),
    ("Białystok", "PL", 53.1325, 23.1688, "picket", "be", "Пікет на рынку Касцюшкі.", "portrait"),
    ("Gdańsk", "PL", 54.3520, 18.6466, "photo", "en", "Lanterns along the Motława.", "landscape"),
    (
        "Kraków",
        "PL",
        50.0647,
        19.9450,
        "art",
        "en",
        "A chalk drawing on the Main Square.",
        "portrait",
    ),
    (
        "Berlin",
        "DE",
        52.5200,
        13.4050,
        "picket",
        "en",
        "Names of prisoners at the Brandenburg Gate.",
        "landscape",
    ),
    ("Munich", "DE", 48.1351, 11.5820, "photo", "ru", "Фонарики на Мариенплац.", "landscape"),
    (
        "Prague",
        "CZ",
        50.0755,
        14.4378,
        "street_renaming",
        "en",
        "A street renamed for a day.",
        "portrait",
    ),
    (
        "Riga",
        "LV",
        56.9496,
        24.1052,
        "picket",
        "be",
        "Бел-чырвона-белы ланцуг на набярэжнай.",
        "landscape",
    ),
    ("Tallinn", "EE", 59.4370, 24.7536, "photo", "en", "Posters in the Old Town.", "landscape"),
    ("Kyiv", "UA", 50.4501, 30.5234, "picket", "ru", "Солидарность из Киева.", "portrait"),
    (
        "Tbilisi",
        "GE",
        41.7151,
        44.8271,
        "rally",
        "en",
        "An evening walk on Rustaveli Avenue.",
        "landscape",
    ),
    (
        "London",
        "GB",
        51.5072,
        -0.1276,
        "picket",
        "en",
        "Outside the embassy, with lanterns.",
        "landscape",
    ),
    (
        "Paris",
        "FR",
        48.8566,
        2.3522,
        "art",
        "en",
        "Portraits of prisoners on the Place de la République.",
        "portrait",
    ),
    ("Brussels", "BE", 50.8503, 4.3517, "photo", "en", "By the European Parliament.", "landscape"),
    ("Amsterdam", "NL", 52.3676, 4.9041, "photo", "en", "Lanterns on a canal bridge.", "landscape"),
    (
        "Vienna",
        "AT",
        48.2082,
        16.3738,
        "picket",
        "ru",
        "Пикет у собора Святого Стефана.",
        "portrait",
    ),
    (
        "Stockholm",
        "SE",
        59.3293,
        18.0686,
        "rally",
        "en",
        "A bicycle rally through Gamla stan.",
        "landscape",
    ),
    ("Oslo", "NO", 59.9139, 10.7522, "photo", "en", "Lights by the Opera House.", "landscape"),
    ("Helsinki", "FI", 60.1699, 24.9384, "picket", "be", "Пікет на Сенацкай плошчы.", "portrait"),
    ("Copenhagen", "DK", 55.6761, 12.5683, "art", "en", "A mural for one evening.", "landscape"),
    ("Dublin", "IE", 53.3498, -6.2603, "photo", "en", "Candles on O'Connell Bridge.", "landscape"),
    ("Lisbon", "PT", 38.7223, -9.1393, "photo", "en", "Posters on a tram stop.", "portrait"),
    ("Madrid", "ES", 40.4168, -3.7038, "picket", "en", "Puerta del Sol at dusk.", "landscape"),
    ("Toronto", "CA", 43.6532, -79.3832, "rally", "en", "A march to City Hall.", "landscape"),
    ("New York", "US", 40.7128, -74.0060, "picket", "en", "Lanterns in Union Square.", "portrait"),
    (
        "Zürich",
        "CH",
        47.3769,
        8.5417,
        "photo",
        "en",
        "By the lake, with the names of prisoners.",
        "landscape",
    ),
    ("Vilnius", "LT", 54.6872, 25.2797, "letter", "be", "Трыццаць лістоў палітвязням.", None),
    (
        "Warsaw",
        "PL",
        52.2297,
        21.0122,
        "letter",
        "ru",
        "Письма в колонию, двенадцать конвертов.",
        None,
    ),
    (
        "Berlin",
        "DE",
        52.5200,
        13.4050,
        "letter",
        "en",
        "Postcards for a prisoner's birthday.",
        None,
    ),
    # A third action each in Vilnius, Warsaw and Berlin: public pages name a city only
    # from ACTIONS_MIN_CITY_COUNT (3) actions on; the other cities count under their country.
    ("Vilnius", "LT", 54.6872, 25.2797, "petition", "en", "Signatures for a petition.", None),
    ("Warsaw", "PL", 52.2297, 21.0122, "picket", "be", "Пікет ля амбасады.", None),
    ("Berlin", "DE", 52.5200, 13.4050, "letter", "ru", "Открытки к Новому году.", None),
]
PENDING = [
    (
        "Poznań",
        "PL",
        52.4064,
        16.9252,
        "picket",
        "en",
        "Lanterns on the Old Market Square.",
        "landscape",
    ),
    ("Kaunas", "LT", 54.8985, 23.9036, "photo", "be", "Ліхтарыкі ля ратушы.", "portrait"),
    ("Hamburg", "DE", 53.5511, 9.9937, "art", "ru", "Рисунки мелом у ратуши.", "landscape"),
    (
        "Rome",
        "IT",
        41.9028,
        12.4964,
        "picket",
        "en",
        "On the steps of the Campidoglio.",
        "landscape",
    ),
]
SIZES = {"landscape": (1200, 800), "portrait": (800, 1100)}
FEATURED = [
    "Ліхтарыкі ля Кафедральнага сабора.",
    "Names of prisoners at the Brandenburg Gate.",
    "A street renamed for a day.",
    "Portraits of prisoners on the Place de la République.",
]


# Ways to take part and materials for the campaign page (language, title, Markdown body).
IDEAS = [
    (
        "en",
        "Hold a picket or a lantern walk",
        (
            "Pick a busy square or the street outside a Belarusian embassy, bring posters with the "
            "names of political prisoners and a few lanterns. Where the law asks for it, tell the "
            "local authorities in advance."
        ),
    ),
    (
        "en",
        "Write to a ministry",
        (
            "Ask for the release of a political prisoner or for a travel ban on a human rights "
            "defender to be lifted. Address:\n\n"
            "Ministry of Internal Affairs of the Republic of Belarus  \n"
            "Haradski Val 4, 220030 Minsk, Belarus\n\n"
            "> Dear Minister, I am writing on the International Day of Solidarity with Belarus to "
            "ask you to release … Yours sincerely, …"
        ),
    ),
    (
        "en",
        "Take a photo with the posters",
        (
            "Print a poster from the materials below, take a photo with it where people can see "
            "it, and send it to us with #4august. Faces can stay out of the picture."
        ),
    ),
    (
        "en",
        "Rename a street for a day",
        (
            "Put up a symbolic street sign named after a political prisoner, a human rights "
            "organisation or a Belarusian writer, so that for one day your town has a "
            "Free Belarus Square."
        ),
    ),
    (
        "be",
        "Пікет або шэсце з ліхтарыкамі",
        (
            "Выберыце людную плошчу або вуліцу каля амбасады, вазьміце плакаты з імёнамі "
            "палітвязняў і некалькі ліхтарыкаў."
        ),
    ),
    (
        "be",
        "Ліст у міністэрства",
        (
            "Папрасіце вызваліць палітвязня. Адрас:\n\n"
            "Міністэрства ўнутраных спраў Рэспублікі Беларусь  \n"
            "вул. Гарадскі Вал, 4, 220030 Мінск\n\n"
            "> Паважаны міністр, …"
        ),
    ),
    ("be", "Фота з плакатам", "Раздрукуйце плакат, сфатаграфуйцеся з ім і дашліце фота нам."),
    (
        "ru",
        "Пикет или шествие с фонариками",
        (
            "Выберите людную площадь или улицу у посольства, возьмите плакаты с именами "
            "политзаключённых и несколько фонариков."
        ),
    ),
    (
        "ru",
        "Письмо в министерство",
        (
            "Попросите освободить политзаключённого. Адрес:\n\n"
            "Министерство внутренних дел Республики Беларусь  \n"
            "ул. Городской Вал, 4, 220030 Минск\n\n"
            "> Уважаемый министр, …"
        ),
    ),
    ("ru", "Фото с плакатом", "Распечатайте плакат, сфотографируйтесь с ним и пришлите фото нам."),
]
LETTER_LINES = [
    "To the Minister of Internal Affairs of the Republic of Belarus",
    "Haradski Val 4, 220030 Minsk, Belarus",
    "",
    "Dear Minister,",
    "",
    "On the International Day of Solidarity with Belarus I ask you",
    "to release [name], imprisoned for [his/her] views since [date].",
    "",
    "Yours sincerely,",
    "[your name, city, country]",
]


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


MATERIALS = [
    ("Poster #4august (A-series, PNG)", CampaignMaterial.Kind.POSTER, "poster.png", poster_png),
    ("Letter to the ministry (template)", CampaignMaterial.Kind.LETTER, "letter.pdf", letter_pdf),
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
    for order, (title, kind, name, make) in enumerate(MATERIALS):
        if CampaignMaterial.objects.filter(campaign=campaign, title=title).exists():
            continue
        material = CampaignMaterial(
            campaign=campaign,
            language="en",
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


def load(stdout=None):
    """Create the demo campaign and actions that do not exist yet."""
    campaign, created_campaign = Campaign.objects.get_or_create(
        slug=CAMPAIGN["slug"],
        defaults={
            **CAMPAIGN,
            "starts_on": last_4_august(timezone.localdate()),
            "action_types": [str(t) for t in ACTION_TYPES],
            "is_active": True,
        },
    )
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
