"""The admin as an editor uses it: writing, images, publishing, previews and roles."""

import io
import json
import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from PIL import Image

from news.models import Article
from tests.helpers.files import stored_files
from tests.helpers.images import (
    make_image_bytes,
    make_upload,
    mpo_bytes,
    photo_with_metadata,
    upload,
)
from tests.helpers.news import (
    change_data,
    change_url,
    form_data,
    make_article,
    make_draft,
    make_scheduled,
)

ADD_URL = "/admin/news/article/add/"
LIST_URL = "/admin/news/article/"
NEWS_PERMISSIONS = {
    "news.add_article",
    "news.change_article",
    "news.delete_article",
    "news.view_article",
    "news.add_page",
    "news.change_page",
    "news.delete_page",
    "news.view_page",
}


def all_paths(article):
    return [article.lead_image.name, *(r["path"] for r in article.lead_image_renditions)]


def changelist_titles(response):
    assert response.status_code == 200
    return {article.title for article in response.context["cl"].result_list}


# Writing articles


def test_editor_creates_an_article(editor_client):
    response = editor_client.post(ADD_URL, form_data())

    assert response.status_code == 302
    article = Article.objects.get()
    assert article.title == "Lanterns in twelve cities"
    assert article.status == Article.Status.DRAFT
    assert "<strong>4 August</strong>" in article.body_html
    assert sorted(tag.name for tag in article.tags.all()) == ["4august", "lanterns"]


def test_slug_is_prepopulated_from_the_title_and_may_be_cyrillic(editor_client):
    response = editor_client.get(ADD_URL)

    # The admin's script fills the slug in the browser; it keeps Cyrillic letters only when
    # the field allows Unicode.
    [config] = json.loads(response.context["prepopulated_fields_json"])
    assert config["name"] == "slug"
    assert config["dependency_list"] == ["title"]
    assert config["allowUnicode"] is True

    response = editor_client.post(
        ADD_URL,
        form_data(
            language="be",
            title="Ліхтарыкі на 4 жніўня",
            slug="ліхтарыкі-на-4-жніўня",
            tags="4жніўня",
        ),
    )
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.slug == "ліхтарыкі-на-4-жніўня"
    assert [tag.slug for tag in article.tags.all()] == ["4жніўня"]


def test_slug_taken_in_the_same_language_is_a_form_error(editor_client):
    make_article(language="be", title="Навіны", slug="навіны")

    response = editor_client.post(ADD_URL, form_data(language="be", title="Навіны", slug="навіны"))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert Article.objects.count() == 1


def test_slug_taken_in_another_language_is_accepted(editor_client):
    make_article(language="be", title="Навіны", slug="навіны")

    response = editor_client.post(ADD_URL, form_data(language="ru", title="Навіны", slug="навіны"))

    assert response.status_code == 302
    assert Article.objects.filter(slug="навіны").count() == 2


def test_a_translation_must_be_in_another_language(editor_client):
    original = make_article(language="en", title="Lanterns")

    response = editor_client.post(
        ADD_URL, form_data(language="en", slug="lanterns-again", translation_of=original.pk)
    )
    assert response.status_code == 200
    assert "translation_of" in response.context["adminform"].form.errors

    response = editor_client.post(
        ADD_URL,
        form_data(language="ru", slug="фонарики", title="Фонарики", translation_of=original.pk),
    )
    assert response.status_code == 302
    assert Article.objects.get(language="ru").translation_of == original


# The list of articles


def test_list_shows_articles_with_their_thumbnails(editor_client):
    with_image = make_article(title="With a picture", image=make_upload(size=(800, 600)))
    make_article(title="Without a picture")

    response = editor_client.get(LIST_URL)

    assert changelist_titles(response) == {"With a picture", "Without a picture"}
    thumbnail = default_storage.url(with_image.rendition("w480")["path"])
    assert f'<img src="{thumbnail}" alt="" width="80" class="admin-thumbnail">' in (
        response.content.decode()
    )


def test_list_filters_by_status(editor_client):
    make_article(title="Out already")
    make_draft(title="Still a draft")

    response = editor_client.get(LIST_URL, {"status__exact": "draft"})

    assert changelist_titles(response) == {"Still a draft"}


def test_list_filters_by_language(editor_client):
    make_article(title="In English")
    make_article(title="Па-беларуску", language="be")

    response = editor_client.get(LIST_URL, {"language__exact": "be"})

    assert changelist_titles(response) == {"Па-беларуску"}


def test_list_filters_by_date(editor_client):
    make_article(title="This week", published_at=timezone.now() - timedelta(days=2))
    make_article(title="Last year", published_at=timezone.now() - timedelta(days=400))

    response = editor_client.get(LIST_URL)
    # The date filter offers its choices; "past 7 days" is one of them.
    spec = next(s for s in response.context["cl"].filter_specs if s.field_path == "published_at")
    past_week = next(c for c in spec.choices(response.context["cl"]) if "7" in str(c["display"]))

    response = editor_client.get(LIST_URL + past_week["query_string"])

    assert changelist_titles(response) == {"This week"}


def test_list_filters_by_year_through_the_date_hierarchy(editor_client):
    make_article(title="In 2024", published_at=timezone.now().replace(year=2024, month=6, day=1))
    make_article(title="In 2025", published_at=timezone.now().replace(year=2025, month=6, day=1))

    response = editor_client.get(LIST_URL, {"published_at__year": "2024"})

    assert changelist_titles(response) == {"In 2024"}


def test_list_filters_by_tag(editor_client):
    tagged = make_article(title="Tagged", tags=["4жніўня"])
    make_article(title="Other tag", tags=["letters"])
    make_article(title="No tag")
    tag = tagged.tags.get()

    response = editor_client.get(LIST_URL, {"tags__id__exact": tag.pk})

    assert changelist_titles(response) == {"Tagged"}


@pytest.mark.parametrize(
    ("field", "word"), [("title", "lanterns"), ("lead", "marathon"), ("body", "postcards")]
)
def test_list_searches_title_lead_and_body(editor_client, field, word):
    found = make_article(**{field: f"Something about {word} here"})
    make_article(title="Not this one")

    response = editor_client.get(LIST_URL, {"q": word})

    assert changelist_titles(response) == {found.title}


# Publishing from the list


def test_publish_selected_publishes_and_reports_how_many(editor_client):
    scheduled_for = timezone.now() + timedelta(days=3)
    draft = make_draft(title="No time yet", published_at=None)
    scheduled = make_draft(title="Time already set", published_at=scheduled_for)
    untouched = make_draft(title="Not selected")

    response = editor_client.post(
        LIST_URL,
        {"action": "publish_selected", "_selected_action": [draft.pk, scheduled.pk]},
        follow=True,
    )

    assert [str(m) for m in response.context["messages"]] == ["2 articles published."]
    draft.refresh_from_db()
    scheduled.refresh_from_db()
    untouched.refresh_from_db()
    assert draft.status == scheduled.status == Article.Status.PUBLISHED
    # A draft without a time goes out now; a time already set is kept (it stays scheduled).
    assert timezone.now() - timedelta(minutes=1) < draft.published_at <= timezone.now()
    assert scheduled.published_at == scheduled_for
    assert list(Article.objects.published()) == [draft]
    assert untouched.status == Article.Status.DRAFT


def test_unpublish_selected_and_its_message(editor_client):
    article = make_article(title="Out")

    response = editor_client.post(
        LIST_URL, {"action": "unpublish_selected", "_selected_action": [article.pk]}, follow=True
    )

    assert [str(m) for m in response.context["messages"]] == ["1 article unpublished."]
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    assert not Article.objects.published().exists()


def test_publish_from_a_list_filtered_by_tag(editor_client):
    tagged = make_draft(title="Tagged", tags=["letters", "4august"])
    make_draft(title="Not tagged")
    tag = tagged.tags.get(name="letters")

    response = editor_client.post(
        f"{LIST_URL}?tags__id__exact={tag.pk}",
        {"action": "publish_selected", "_selected_action": [tagged.pk]},
        follow=True,
    )

    assert [str(m) for m in response.context["messages"]] == ["1 article published."]
    assert list(Article.objects.published()) == [tagged]


# Previews and "view on site"


def test_view_on_site_leads_to_the_article_page(editor_client):
    article = make_article(language="be", title="Навіна", slug="навіна")
    content_type = ContentType.objects.get_for_model(Article)
    link = f"/admin/r/{content_type.pk}/{article.pk}/"

    response = editor_client.get(change_url(article))
    assert f'href="{link}"' in response.content.decode()

    response = editor_client.get(link)
    assert response.status_code == 302
    assert response["Location"] == f"http://testserver{article.get_absolute_url()}"


@pytest.mark.parametrize("make", [make_draft, make_scheduled])
def test_editor_previews_what_the_public_cannot_see(editor_client, make):
    article = make(title="Not out yet")

    response = editor_client.get(article.get_absolute_url())

    assert response.status_code == 200
    assert "Not out yet" in response.content.decode()
    assert "Preview: this article is not public." in response.content.decode()
    # A preview is never cached by a shared cache, nor indexed.
    assert "no-store" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex"


@pytest.mark.parametrize("make", [make_draft, make_scheduled])
def test_the_public_gets_404_for_a_draft_or_scheduled_article(client, stranger, make):
    article = make(title="Not out yet")

    assert client.get(article.get_absolute_url()).status_code == 404
    client.force_login(stranger)
    assert client.get(article.get_absolute_url()).status_code == 404


def test_a_published_article_is_no_preview(editor_client):
    article = make_article()
    response = editor_client.get(article.get_absolute_url())
    assert "Preview: this article is not public." not in response.content.decode()
    assert "X-Robots-Tag" not in response


# Lead images


def test_editors_image_is_stored_clean_as_webp_renditions_and_a_jpeg_card(editor_client):
    response = editor_client.post(ADD_URL, {**form_data(), "lead_image": photo_with_metadata()})

    assert response.status_code == 302
    article = Article.objects.get()
    sizes = {r["name"]: (r["width"], r["height"]) for r in article.lead_image_renditions}
    assert sizes == {
        "w480": (480, 360),
        "w960": (960, 720),
        "w1200": (1200, 900),
        "w1600": (1600, 1200),
        "card": (1200, 630),
    }
    # The editor's file name says where and when: every stored name is random instead.
    # The srcset renditions are WebP; the master (what renditions are remade from, shown
    # nowhere) and the card that other sites fetch are JPEG.
    formats = {article.lead_image.name: "JPEG"}
    for rendition in article.lead_image_renditions:
        formats[rendition["path"]] = "JPEG" if rendition["name"] == "card" else "WEBP"
    paths = all_paths(article)
    for path in paths:
        extension = {"JPEG": "jpg", "WEBP": "webp"}[formats[path]]
        assert re.fullmatch(rf"news/[0-9a-f]{{32}}\.{extension}", path), path
    assert len(set(paths)) == 6
    assert stored_files(default_storage.location) == sorted(paths)
    for path in paths:
        with default_storage.open(path) as f, Image.open(f) as image:
            assert image.format == formats[path], path
            assert (image.width, image.height) in [(2000, 1500), *sizes.values()]
            assert "exif" not in image.info, path
            assert "icc_profile" not in image.info, path
            assert not image.getexif(), path
            assert not any(key.startswith(("xmp", "XML")) for key in image.info), path
        with default_storage.open(path) as f:
            data = f.read()
        assert b"PhoneMaker" not in data
        assert b"Exif" not in data


def test_article_page_offers_the_renditions_in_srcset(editor_client, visitor):
    editor_client.post(
        ADD_URL,
        {
            **form_data(status="published", published_at_0="2026-08-04", published_at_1="10:00"),
            "lead_image": photo_with_metadata(),
            "lead_image_alt": "Lanterns on a square",
        },
    )
    article = Article.objects.get()

    html = visitor.get(article.get_absolute_url()).content.decode()

    for name, width in [("w480", 480), ("w960", 960), ("w1200", 1200), ("w1600", 1600)]:
        assert f"{default_storage.url(article.rendition(name)['path'])} {width}w" in html
    assert 'alt="Lanterns on a square"' in html


def test_a_small_image_is_not_enlarged(editor_client):
    editor_client.post(ADD_URL, {**form_data(), "lead_image": make_upload(size=(600, 400))})

    article = Article.objects.get()
    sizes = {r["name"]: (r["width"], r["height"]) for r in article.lead_image_renditions}
    assert sizes == {"w480": (480, 320), "card": (1200, 630)}


def mpo_upload():
    """A multi-picture JPEG, as some cameras write them."""
    return upload(mpo_bytes((700, 500), first="red", second="blue"), "stereo.jpg")


@pytest.mark.parametrize(
    "upload",
    [
        lambda: make_upload("poster.png", fmt="PNG", size=(700, 500)),
        lambda: make_upload("poster.webp", fmt="WEBP", size=(700, 500)),
        mpo_upload,
    ],
    ids=["png", "webp", "mpo"],
)
def test_png_webp_and_mpo_images_are_taken_too(editor_client, upload):
    response = editor_client.post(ADD_URL, {**form_data(), "lead_image": upload()})

    assert response.status_code == 302
    article = Article.objects.get()
    assert [r["name"] for r in article.lead_image_renditions] == ["w480", "card"]
    with default_storage.open(article.lead_image.name) as f, Image.open(f) as image:
        assert image.format == "JPEG"
        assert image.size == (700, 500)


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("photo.jpg", b"this is no picture", content_type="image/jpeg"),
        # A real JPEG cut in the middle, as a broken upload arrives.
        SimpleUploadedFile(
            "cut.jpg", make_image_bytes(size=(800, 600))[:1500], content_type="image/jpeg"
        ),
        SimpleUploadedFile("empty.jpg", b"", content_type="image/jpeg"),
        # A format we do not take, though Pillow reads it.
        SimpleUploadedFile("old.gif", make_image_bytes("GIF"), content_type="image/gif"),
    ],
    ids=["not-an-image", "truncated", "empty", "gif"],
)
def test_a_broken_image_is_a_field_error_and_stores_nothing(editor_client, upload):
    response = editor_client.post(ADD_URL, {**form_data(), "lead_image": upload})

    assert response.status_code == 200
    assert response.context["adminform"].form.errors.keys() == {"lead_image"}
    assert not Article.objects.exists()
    assert stored_files(default_storage.location) == []


def test_an_invalid_form_stores_no_image(editor_client):
    make_article(slug="taken")

    response = editor_client.post(
        ADD_URL, {**form_data(slug="taken"), "lead_image": photo_with_metadata()}
    )

    assert response.status_code == 200
    assert Article.objects.count() == 1
    assert stored_files(default_storage.location) == []


def test_replacing_the_image_deletes_the_old_files_after_commit(
    editor_client, django_capture_on_commit_callbacks
):
    editor_client.post(ADD_URL, {**form_data(), "lead_image": make_upload(size=(1000, 700))})
    article = Article.objects.get()
    old_paths = all_paths(article)

    with django_capture_on_commit_callbacks() as callbacks:
        response = editor_client.post(
            change_url(article),
            {**change_data(article), "lead_image": make_upload(size=(1200, 800))},
        )
        assert response.status_code == 302
        # Until the transaction commits the old files stay: a rollback must find them.
        assert all(default_storage.exists(path) for path in old_paths)
    for callback in callbacks:
        callback()

    article.refresh_from_db()
    new_paths = all_paths(article)
    assert set(new_paths).isdisjoint(old_paths)
    assert stored_files(default_storage.location) == sorted(new_paths)


def test_replacing_the_image_with_on_commit_executed(
    editor_client, django_capture_on_commit_callbacks
):
    editor_client.post(ADD_URL, {**form_data(), "lead_image": make_upload(size=(1000, 700))})
    article = Article.objects.get()
    old_paths = all_paths(article)

    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(
            change_url(article), {**change_data(article), "lead_image": photo_with_metadata()}
        )

    article.refresh_from_db()
    assert not any(default_storage.exists(path) for path in old_paths)
    assert stored_files(default_storage.location) == sorted(all_paths(article))
    assert article.rendition("w1600") is not None


def test_editing_the_text_keeps_the_image(editor_client, django_capture_on_commit_callbacks):
    editor_client.post(ADD_URL, {**form_data(), "lead_image": make_upload(size=(1000, 700))})
    article = Article.objects.get()
    paths = all_paths(article)

    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(change_url(article), {**change_data(article), "title": "New"})

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "New"
    assert all_paths(article) == paths
    assert stored_files(default_storage.location) == sorted(paths)


def test_clearing_the_image_deletes_its_files(editor_client, django_capture_on_commit_callbacks):
    editor_client.post(ADD_URL, {**form_data(), "lead_image": make_upload(size=(1000, 700))})
    article = Article.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(change_url(article), {**change_data(article), "lead_image-clear": "on"})

    article.refresh_from_db()
    assert not article.lead_image
    assert article.lead_image_renditions == []
    assert stored_files(default_storage.location) == []


def test_deleting_an_article_deletes_its_files(editor_client, django_capture_on_commit_callbacks):
    editor_client.post(ADD_URL, {**form_data(), "lead_image": make_upload(size=(1000, 700))})
    article = Article.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(f"/admin/news/article/{article.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not Article.objects.exists()
    assert stored_files(default_storage.location) == []


def test_change_page_previews_the_image(editor_client):
    editor_client.post(
        ADD_URL,
        {
            **form_data(lead_image_alt="Lanterns"),
            "lead_image": make_upload(size=(1000, 700)),
        },
    )
    article = Article.objects.get()

    html = editor_client.get(change_url(article)).content.decode()

    rendition = article.rendition("w480")
    assert (
        f'<img src="{default_storage.url(rendition["path"])}" alt="Lanterns" width="480" '
        f'height="336" class="admin-preview">'
    ) in html


# Roles


def test_editors_hold_exactly_the_news_permissions(editor):
    assert editor.get_all_permissions() == NEWS_PERMISSIONS


def test_editor_sees_only_news_in_the_admin(editor_client):
    index = editor_client.get("/admin/")
    app_labels = [app["app_label"] for app in index.context["app_list"]]
    assert app_labels == ["news"]
    assert editor_client.get("/admin/auth/user/").status_code == 403
    assert editor_client.get("/admin/auth/group/").status_code == 403
    assert editor_client.get("/admin/taggit/tag/").status_code == 403


def test_a_stranger_cannot_enter_the_admin(client, stranger):
    client.force_login(stranger)
    response = client.get(LIST_URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_setup_roles_is_idempotent_and_resets_extra_permissions(db):
    out = io.StringIO()
    call_command("setup_roles", stdout=out)
    assert "Created group Editors with 8 permissions." in out.getvalue()
    editors = Group.objects.get(name="Editors")
    first = set(editors.permissions.values_list("pk", flat=True))
    # Someone gave the editors more than their role in the admin.
    editors.permissions.add(Permission.objects.get(codename="change_user"))

    out = io.StringIO()
    call_command("setup_roles", stdout=out)

    assert "Updated group Editors with 8 permissions." in out.getvalue()
    assert Group.objects.filter(name="Editors").count() == 1
    assert set(editors.permissions.values_list("pk", flat=True)) == first
    assert {
        f"{p.content_type.app_label}.{p.codename}" for p in editors.permissions.all()
    } == NEWS_PERMISSIONS
