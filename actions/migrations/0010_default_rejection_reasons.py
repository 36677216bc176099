"""The canned rejection reasons moderators start with; administrators edit them later."""

from django.db import migrations

REASONS = [
    (
        "duplicate",
        "The same photo was already sent.",
        "Такое ж фота ўжо было дасланае.",
        "Такое же фото уже было прислано.",
    ),
    (
        "faces",
        "People can be recognised in the photo, and that could put them at risk.",
        "На фота можна пазнаць людзей, і гэта можа быць для іх небяспечна.",
        "На фото можно узнать людей, и это может быть для них опасно.",
    ),
    (
        "unrelated",
        "The photo does not show an action of this campaign.",
        "Фота не паказвае акцыю гэтай кампаніі.",
        "Фото не показывает акцию этой кампании.",
    ),
    (
        "quality",
        "The photo is too dark, blurred or small to be published.",
        "Фота занадта цёмнае, размытае або малое, каб яго апублікаваць.",
        "Фото слишком тёмное, размытое или маленькое, чтобы его опубликовать.",
    ),
    (
        "offensive",
        "The photo or its text breaks the campaign's rules.",
        "Фота або яго тэкст парушае правілы кампаніі.",
        "Фото или его текст нарушает правила кампании.",
    ),
]


def add_reasons(apps, schema_editor):
    RejectionReason = apps.get_model("actions", "RejectionReason")
    for position, (code, en, be, ru) in enumerate(REASONS):
        RejectionReason.objects.get_or_create(
            code=code,
            defaults={"text_en": en, "text_be": be, "text_ru": ru, "position": position * 10},
        )


def remove_reasons(apps, schema_editor):
    RejectionReason = apps.get_model("actions", "RejectionReason")
    RejectionReason.objects.filter(code__in=[reason[0] for reason in REASONS]).delete()


class Migration(migrations.Migration):
    dependencies = [("actions", "0009_moderators_desk")]

    operations = [migrations.RunPython(add_reasons, remove_reasons)]
