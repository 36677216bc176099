"""`manage.py import_articles`: files in the legacy format, built here with our own text."""

import io
import socket
from datetime import datetime, timedelta, timezone

import pytest
from django.core.management import CommandError, call_command

from news.models import Article

pytestmark = pytest.mark.django_db

IMAGE_URL = "https://legacy.example.org/files/images/lanterns-2019.jpg"
MINSK = timezone(timedelta(hours=3))


def legacy_text(
    title="Lanterns lit in forty cities",
    *,
    year="2019",
    published="2019-08-04T20:15:00+0300",
    modified="2019-08-05T09:00:00+0300",
    language="en",
    image=IMAGE_URL,
    author="Solidarity Desk",
    source="Friends of Minsk",
    banner="legacy site banner",
    paragraphs=None,
):
    """A file the way the legacy site exported them."""
    if paragraphs is None:
        paragraphs = [
            "On the evening of 4 August people lit lanterns in forty cities.",
            "In Vilnius a hundred people gathered by the river. In Warsaw the lanterns "
            "carried the names of prisoners.",
            "• Vilnius\n• Warsaw\n• Tbilisi",
        ]
    meta = " ".join(
        part
        for part in [year, published, modified, language, image, f"{author} {source}".strip()]
        if part
    )
    head = [banner, ""] if banner else []
    lines = [*head, title, "", meta, author, "", "\n\n".join(paragraphs), "", title, "Footer"]
    return "\n".join(lines) + "\n"


def write(directory, name, text=None, **kwargs):
    path = directory / name
    path.write_text(text if text is not None else legacy_text(**kwargs), encoding="utf-8")
    return path


def run(*paths):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_articles", *[str(p) for p in paths], stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def run_failing(*paths):
    err = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("import_articles", *[str(p) for p in paths], stdout=io.StringIO(), stderr=err)
    return str(raised.value), err.getvalue()


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to reach another machine fails and is recorded (the test database may
    still be reached on this one)."""
    attempts = []
    local = {"127.0.0.1", "::1", "localhost"}
    real_connect = socket.socket.connect
    real_getaddrinfo = socket.getaddrinfo

    def connect(sock, address):
        if isinstance(address, tuple) and address[0] not in local:
            attempts.append(address)
            raise OSError("no network in tests")
        return real_connect(sock, address)

    def getaddrinfo(host, *args, **kwargs):
        if host not in local:
            attempts.append(host)
            raise OSError("no network in tests")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return attempts


# Good files


def test_imports_a_good_file(tmp_path):
    path = write(tmp_path, "lanterns.txt")

    out, err = run(path)

    article = Article.objects.get()
    assert article.title == "Lanterns lit in forty cities"
    assert article.slug == "lanterns-lit-in-forty-cities"
    assert article.language == "en"
    assert article.status == Article.Status.PUBLISHED
    assert article.published_at == datetime(2019, 8, 4, 20, 15, tzinfo=MINSK)
    assert article.updated_at == datetime(2019, 8, 5, 9, 0, tzinfo=MINSK)
    assert article.author == "Solidarity Desk"
    assert article.source == "Friends of Minsk"
    assert article.lead == "On the evening of 4 August people lit lanterns in forty cities."
    assert article.body_format == Article.BodyFormat.HTML
    assert article.body_html == (
        "<p>In Vilnius a hundred people gathered by the river. In Warsaw the lanterns carried "
        "the names of prisoners.</p>\n"
        "<ul><li>Vilnius</li><li>Warsaw</li><li>Tbilisi</li></ul>"
    )
    # The banner before the title and the footer after the repeated title are not the article.
    assert "banner" not in article.body_html + article.lead
    assert "Footer" not in article.body_html
    assert f"{path}: created en/lanterns-lit-in-forty-cities" in out
    assert "Imported 1 file(s): 1 created, 0 updated." in out
    assert err == ""


def test_imported_article_is_public(visitor, tmp_path):
    run(write(tmp_path, "lanterns.txt"))
    article = Article.objects.get()
    response = visitor.get(article.get_absolute_url())
    assert response.status_code == 200
    assert "In Vilnius a hundred people gathered by the river." in response.content.decode()


def test_image_url_is_kept_as_a_reference_and_never_fetched(tmp_path, no_network):
    run(write(tmp_path, "lanterns.txt"))

    article = Article.objects.get()
    assert article.lead_image_source_url == IMAGE_URL
    assert not article.lead_image
    assert article.lead_image_renditions == []
    assert no_network == []


def test_a_file_without_image_url(tmp_path):
    run(write(tmp_path, "letters.txt", image=None))
    assert Article.objects.get().lead_image_source_url == ""


def test_never_modified_means_updated_when_published(tmp_path):
    run(write(tmp_path, "lanterns.txt", modified="1970-01-01T03:00:00+0300"))
    article = Article.objects.get()
    assert article.updated_at == article.published_at


def test_belarusian_title_gives_a_cyrillic_slug(tmp_path):
    write(
        tmp_path,
        "be.txt",
        title="Ліхтарыкі ў сарака гарадах",
        language="be",
        author="Рэдакцыя",
        source="",
        paragraphs=["Увечары 4 жніўня людзі запалілі ліхтарыкі.", "Яшчэ адзін абзац."],
    )

    out, _err = run(tmp_path / "be.txt")

    article = Article.objects.get()
    assert article.slug == "ліхтарыкі-ў-сарака-гарадах"
    assert article.author == "Рэдакцыя"
    assert "created be/ліхтарыкі-ў-сарака-гарадах" in out


def test_slugs_are_unique_per_language(tmp_path):
    write(tmp_path, "a.txt", published="2019-08-04T20:15:00+0300")
    write(tmp_path, "b.txt", published="2019-08-04T21:40:00+0300")
    write(tmp_path, "c.txt", published="2019-08-04T20:15:00+0300", language="ru")

    run(tmp_path)

    slugs = sorted(Article.objects.values_list("language", "slug"))
    assert slugs == [
        ("en", "lanterns-lit-in-forty-cities"),
        ("en", "lanterns-lit-in-forty-cities-2"),
        ("ru", "lanterns-lit-in-forty-cities"),
    ]


def test_imports_a_directory_of_files(tmp_path):
    folder = tmp_path / "export"
    folder.mkdir()
    write(folder, "001.txt", title="First story", published="2018-08-04T10:00:00+0300", year="2018")
    write(folder, "002.txt", title="Second story", published="2019-08-04T10:00:00+0300")
    write(folder, "notes.md", text="Not an article and not imported.")

    out, _err = run(folder)

    assert set(Article.objects.values_list("title", flat=True)) == {"First story", "Second story"}
    # Files are taken in name order, so a run always reads the same way.
    assert out.index("001.txt") < out.index("002.txt")
    assert "Imported 2 file(s): 2 created, 0 updated." in out


def test_reimport_updates_instead_of_duplicating(tmp_path):
    path = write(tmp_path, "lanterns.txt")
    run(path)
    first = Article.objects.get()

    write(
        tmp_path,
        "lanterns.txt",
        title="Lanterns lit in forty-two cities",
        modified="2019-08-06T12:00:00+0300",
        paragraphs=["Corrected: forty-two cities.", "In Riga too."],
    )
    out, _err = run(path)

    article = Article.objects.get()
    assert article.pk == first.pk
    assert article.title == "Lanterns lit in forty-two cities"
    assert article.lead == "Corrected: forty-two cities."
    assert article.body_html == "<p>In Riga too.</p>"
    assert article.updated_at == datetime(2019, 8, 6, 12, 0, tzinfo=MINSK)
    # The address stays: links to the article keep working.
    assert article.slug == first.slug
    assert f"{path}: updated en/{first.slug}" in out
    assert "Imported 1 file(s): 0 created, 1 updated." in out


def test_reimport_keeps_a_slug_taken_by_no_one_else(tmp_path):
    path = write(tmp_path, "lanterns.txt")
    run(path)
    run(path)
    run(path)
    assert list(Article.objects.values_list("slug", flat=True)) == ["lanterns-lit-in-forty-cities"]


def test_legacy_text_is_text_not_markup(visitor, tmp_path):
    write(
        tmp_path,
        "tricky.txt",
        paragraphs=[
            "A lead.",
            'They wrote <script>alert("x")</script> & <b>shouted</b> on the posters.',
        ],
    )
    run(tmp_path / "tricky.txt")

    article = Article.objects.get()
    assert "&lt;script&gt;" in article.body_html
    assert "<script" not in visitor.get(article.get_absolute_url()).content.decode()


def test_a_one_paragraph_article_keeps_its_text_as_the_body(tmp_path):
    run(write(tmp_path, "short.txt", paragraphs=["Only this: lanterns at dusk."]))
    article = Article.objects.get()
    assert "Only this: lanterns at dusk." in article.body_html


def test_a_file_saved_with_a_byte_order_mark(tmp_path):
    path = tmp_path / "bom.txt"
    path.write_text(legacy_text(banner=None), encoding="utf-8-sig")

    run(path)

    article = Article.objects.get()
    assert article.title == "Lanterns lit in forty cities"
    assert article.slug == "lanterns-lit-in-forty-cities"


# Malformed files: named with what is wrong, and nothing imported.

META_OK = "2019 2019-08-04T20:15:00+0300 2019-08-05T09:00:00+0300 en Solidarity Desk"

MALFORMED = {
    "no-metadata.txt": (
        "A title\n\nSolidarity Desk\n\nA body without any metadata line.\n",
        "no metadata line",
    ),
    "no-title.txt": (f"{META_OK}\nSolidarity Desk\n\nA body.\n", "no title line"),
    "bad-published.txt": (
        legacy_text(published="2019-13-45T20:15:00+0300"),
        "the published time '2019-13-45T20:15:00+0300' is not a timestamp",
    ),
    "bad-modified.txt": (
        legacy_text(modified="yesterday"),
        "the modified time 'yesterday' is not a timestamp",
    ),
    "unknown-language.txt": (legacy_text(language="de"), "unknown language 'de'"),
    "year-mismatch.txt": (
        legacy_text(year="2018"),
        "the year 2018 does not match the publication time 2019-08-04T20:15:00+0300",
    ),
    "empty-body.txt": (legacy_text(paragraphs=[]), "the body is empty"),
    "long-title.txt": (legacy_text(title="Lanterns " * 40), "the title is longer than 250"),
}


@pytest.mark.parametrize(("name", "case"), MALFORMED.items(), ids=MALFORMED.keys())
def test_a_malformed_file_is_named_with_what_is_wrong(tmp_path, name, case):
    text, problem = case
    path = write(tmp_path, name, text=text)

    message, err = run_failing(path)

    assert f"{path}: " in err
    assert problem in err
    assert message == "1 malformed file(s); nothing was imported."
    assert not Article.objects.exists()


def test_a_file_that_is_not_utf8(tmp_path):
    path = tmp_path / "cp1251.txt"
    path.write_bytes(legacy_text(title="Ліхтарыкі", language="be").encode("cp1251"))

    _message, err = run_failing(path)

    assert err == f"{path}: not UTF-8 text\n"
    assert not Article.objects.exists()


def test_a_missing_file(tmp_path):
    path = tmp_path / "missing.txt"
    _message, err = run_failing(path)
    assert err == f"{path}: No such file or directory\n"


def test_one_bad_file_stops_the_whole_batch(tmp_path):
    batch = tmp_path / "batch"
    batch.mkdir()
    write(batch, "1-good.txt", published="2019-08-04T10:00:00+0300")
    write(batch, "2-bad.txt", language="xx")
    write(batch, "3-good.txt", published="2019-08-04T11:00:00+0300")
    write(batch, "4-bad.txt", year="2020")
    run(write(tmp_path, "earlier.txt", published="2019-01-01T10:00:00+0300"))
    before = list(Article.objects.values_list("pk", "title", "updated_at"))
    # The earlier file, changed, comes again in the same batch as the bad ones.
    changed = write(batch, "5-earlier.txt", title="Changed", published="2019-01-01T10:00:00+0300")

    message, err = run_failing(batch, changed)

    assert message == "2 malformed file(s); nothing was imported."
    lines = err.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"{batch / '2-bad.txt'}: unknown language 'xx'")
    assert lines[1].startswith(f"{batch / '4-bad.txt'}: the year 2020 does not match")
    # Neither good file of the batch was imported, and what was there is unchanged.
    assert list(Article.objects.values_list("pk", "title", "updated_at")) == before


def test_help_explains_the_command():
    from news.management.commands.import_articles import Command

    assert "nothing is imported" in Command.help
