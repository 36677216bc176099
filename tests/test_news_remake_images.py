"""`manage.py remake_article_images` after an upgrade: articles whose lead image was
uploaded when renditions were JPEG at 480, 960 and 1600 px get today's renditions, made
from the stored master, and their old files go."""

import io

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from PIL import Image

from news import services
from news.admin import ArticleAdmin
from news.models import Article
from tests.helpers.files import stored_files
from tests.helpers.images import encode, make_upload, scene, upload
from tests.helpers.news import change_data, change_url, make_article

pytestmark = pytest.mark.django_db

OLD_WIDTHS = (480, 960, 1600)
NEW_SRCSET = ["w480", "w960", "w1200", "w1600"]


def old_article(monkeypatch, size=(2000, 1500), **kwargs):
    """An article whose image was attached by the code before WebP: JPEG q85 renditions,
    nothing between 960 and 1600."""
    with monkeypatch.context() as patch:
        patch.setattr(services, "SRCSET_WIDTHS", OLD_WIDTHS)
        patch.setattr(services, "SRCSET_FORMAT", "JPEG")
        patch.setattr(services, "SRCSET_QUALITY", 85)
        return make_article(image=upload(encode(scene(1, size), "JPEG")), **kwargs)


def remake(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("remake_article_images", *args, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue().strip()


def paths(article):
    return [article.lead_image.name, *(r["path"] for r in article.lead_image_renditions)]


def stored_format(path):
    with default_storage.open(path) as f, Image.open(f) as image:
        return image.format, image.size


def assert_rows_and_files_agree(media_dirs):
    """No file without its row, no row without its file."""
    everything = [path for article in Article.objects.all() for path in paths(article)]
    everything = [path for path in everything if path]
    assert stored_files(media_dirs / "media") == sorted(everything)


def test_editors_old_article_gets_webp_renditions_and_keeps_a_jpeg_card(
    monkeypatch, media_dirs, django_capture_on_commit_callbacks
):
    article = old_article(monkeypatch)
    old = {r["name"]: r["path"] for r in article.lead_image_renditions}
    assert list(old) == ["w480", "w960", "w1600", "card"]
    assert all(path.endswith(".jpg") for path in old.values())
    updated_at = article.updated_at

    with django_capture_on_commit_callbacks(execute=True):
        out, err = remake()

    assert (out, err) == ("Article images: remade 1, 0 already current, 0 failed.", "")
    article.refresh_from_db()
    assert [r["name"] for r in article.lead_image_renditions] == [*NEW_SRCSET, "card"]
    for rendition in article.srcset_renditions:
        width = int(rendition["name"][1:])
        assert rendition["path"].endswith(".webp")
        assert stored_format(rendition["path"]) == ("WEBP", (width, width * 3 // 4))
        assert (rendition["width"], rendition["height"]) == (width, width * 3 // 4)
    card = article.card_rendition
    assert card["path"].endswith(".jpg") and card["path"] != old["card"]
    assert stored_format(card["path"]) == ("JPEG", (1200, 630))
    # The master stays; every old rendition file is gone with its row.
    assert default_storage.exists(article.lead_image.name)
    assert not any(default_storage.exists(path) for path in old.values())
    assert_rows_and_files_agree(media_dirs)
    # Feeds and the sitemap do not see the article as updated: its text is the same.
    assert article.updated_at == updated_at


def test_a_second_run_changes_nothing(monkeypatch, media_dirs, django_capture_on_commit_callbacks):
    old_article(monkeypatch)
    with django_capture_on_commit_callbacks(execute=True):
        remake()
    rows = list(Article.objects.values_list("pk", "lead_image", "lead_image_renditions"))
    files = stored_files(media_dirs / "media")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        out, _err = remake()

    assert out == "Article images: remade 0, 1 already current, 0 failed."
    assert list(Article.objects.values_list("pk", "lead_image", "lead_image_renditions")) == rows
    assert stored_files(media_dirs / "media") == files
    assert callbacks == []  # nothing saved: no public page made stale for nothing


def test_an_article_uploaded_today_is_already_current(media_dirs):
    make_article(image=make_upload(size=(1300, 900)))
    make_article(image=make_upload(size=(600, 400)))
    make_article()  # no image at all

    assert remake() == ("Article images: remade 0, 2 already current, 0 failed.", "")


def test_a_small_old_image_keeps_its_one_width_in_webp(
    monkeypatch, media_dirs, django_capture_on_commit_callbacks
):
    article = old_article(monkeypatch, size=(600, 400))
    with django_capture_on_commit_callbacks(execute=True):
        remake()

    article.refresh_from_db()
    sizes = {r["name"]: (r["width"], r["height"]) for r in article.lead_image_renditions}
    assert sizes == {"w480": (480, 320), "card": (1200, 630)}
    assert stored_format(article.rendition("w480")["path"]) == ("WEBP", (480, 320))
    assert_rows_and_files_agree(media_dirs)


def test_dry_run_counts_and_changes_nothing(monkeypatch, media_dirs):
    article = old_article(monkeypatch)
    files = stored_files(media_dirs / "media")

    out, _err = remake("--dry-run")

    assert out == "Article images: would remake 1, 0 already current, 0 failed."
    renditions = article.lead_image_renditions
    article.refresh_from_db()
    assert article.lead_image_renditions == renditions
    assert stored_files(media_dirs / "media") == files


def test_a_missing_master_is_reported_and_the_others_are_remade(
    monkeypatch, media_dirs, django_capture_on_commit_callbacks
):
    broken = old_article(monkeypatch)
    default_storage.delete(broken.lead_image.name)
    fine = old_article(monkeypatch)

    with django_capture_on_commit_callbacks(execute=True):
        out, err = remake()

    assert out == "Article images: remade 1, 0 already current, 1 failed."
    assert err.startswith(f"article {broken.pk}: ")
    fine.refresh_from_db()
    assert [r["name"] for r in fine.lead_image_renditions] == [*NEW_SRCSET, "card"]
    renditions = broken.lead_image_renditions
    broken.refresh_from_db()
    assert broken.lead_image_renditions == renditions  # left for check_files --repair


def test_a_failure_half_way_leaves_no_file_behind(
    monkeypatch, media_dirs, django_capture_on_commit_callbacks
):
    article = old_article(monkeypatch)
    before = stored_files(media_dirs / "media")
    save_rendition = services.images.save_rendition
    written = []

    def disk_full_at_the_third(*args, **kwargs):
        if len(written) == 2:
            raise OSError(28, "No space left on device")
        written.append(save_rendition(*args, **kwargs))
        return written[-1]

    monkeypatch.setattr(services.images, "save_rendition", disk_full_at_the_third)
    with django_capture_on_commit_callbacks(execute=True):
        out, err = remake()

    assert out == "Article images: remade 0, 0 already current, 1 failed."
    assert "No space left on device" in err
    assert len(written) == 2 and not any(default_storage.exists(r.path) for r in written)
    assert stored_files(media_dirs / "media") == before
    renditions = article.lead_image_renditions
    article.refresh_from_db()
    assert article.lead_image_renditions == renditions


@pytest.mark.parametrize("page", ["home", "article"])
def test_visitor_sees_the_remade_renditions(
    visitor, monkeypatch, page, django_capture_on_commit_callbacks
):
    """The article cards are cached by what they show (news/cards.py): a card rendered
    before the remake must not keep pointing at the deleted files."""
    article = old_article(monkeypatch)
    url = "/en/" if page == "home" else article.get_absolute_url()
    old = [r["path"] for r in article.lead_image_renditions]
    assert default_storage.url(old[0]) in visitor.get(url).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        remake()

    html = visitor.get(url).content.decode()
    article.refresh_from_db()
    assert not any(default_storage.url(path) in html for path in old)
    assert f"{default_storage.url(article.rendition('w1200')['path'])} 1200w" in html


def test_an_editors_save_during_the_remake_keeps_the_new_renditions(
    monkeypatch, media_dirs, editor_client, django_capture_on_commit_callbacks
):
    article = old_article(monkeypatch, title="Lanterns in twelve cities")
    real_get_object = ArticleAdmin.get_object

    def loaded_then_remade(self, request, object_id, from_field=None):
        # The editor's request has read the article; the command commits new renditions
        # (and deletes the old files) before the editor's save.
        obj = real_get_object(self, request, object_id, from_field)
        if request.method == "POST":
            with django_capture_on_commit_callbacks(execute=True):
                remake()
        return obj

    monkeypatch.setattr(ArticleAdmin, "get_object", loaded_then_remade)
    response = editor_client.post(
        change_url(article), {**change_data(article), "title": "Lanterns in thirteen cities"}
    )

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "Lanterns in thirteen cities"
    assert [r["name"] for r in article.lead_image_renditions] == [*NEW_SRCSET, "card"]
    assert_rows_and_files_agree(media_dirs)
