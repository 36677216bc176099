"""Demo articles for `make run`: written for this project, in three languages."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from news import services
from news.models import Article, Page
from soliday import files
from soliday.demo_images import picture_upload

# Each story: days ago, tags, and the article in each language (title, slug, lead, body).
STORIES = [
    {
        "days_ago": 2,
        "tags": ["4august", "bysoliday"],
        "image": "lanterns",
        "alt": {
            "en": "Drawing: yellow lanterns on a black and red poster",
            "be": "Малюнак: жоўтыя ліхтарыкі на чорна-чырвоным плакаце",
            "ru": "Рисунок: жёлтые фонарики на чёрно-красном плакате",
        },
        "articles": {
            "en": (
                "Lanterns for 4 August: how to join this year",
                "lanterns-for-4-august",
                "This year the day of solidarity starts at dusk: light a lantern in your city "
                "and send us a photo.",
                "On the evening of **4 August** we invite everyone to light a lantern in a "
                "public place, alone or with friends.\n\n"
                "- Choose a place where you feel safe.\n"
                "- Write a name of a political prisoner on the lantern.\n"
                "- Take a photo and send it through the form with the city and #4august.\n\n"
                "Every photo is checked by a moderator before it is published.",
            ),
            "be": (
                "Ліхтарыкі на 4 жніўня: як далучыцца сёлета",
                "ліхтарыкі-на-4-жніўня",
                "Сёлета дзень салідарнасці пачынаецца ў прыцемках: запаліце ліхтарык у сваім "
                "горадзе і дашліце нам фота.",
                "Увечары **4 жніўня** мы запрашаем усіх запаліць ліхтарык у публічным месцы, "
                "аднаму ці з сябрамі.\n\n"
                "- Выберыце месца, дзе вы адчуваеце сябе ў бяспецы.\n"
                "- Напішыце на ліхтарыку імя палітвязня.\n"
                "- Зрабіце фота і дашліце яго праз форму з горадам і #4жніўня.\n\n"
                "Кожнае фота правярае мадэратар, перш чым яно з'явіцца на сайце.",
            ),
            "ru": (
                "Фонарики на 4 августа: как присоединиться в этом году",
                "фонарики-на-4-августа",
                "В этом году день солидарности начинается в сумерках: зажгите фонарик в своём "
                "городе и пришлите нам фото.",
                "Вечером **4 августа** мы приглашаем всех зажечь фонарик в публичном месте, "
                "одному или с друзьями.\n\n"
                "- Выберите место, где вы чувствуете себя в безопасности.\n"
                "- Напишите на фонарике имя политзаключённого.\n"
                "- Сфотографируйте и пришлите фото через форму с городом и #4августа.\n\n"
                "Каждое фото проверяет модератор, прежде чем оно появится на сайте.",
            ),
        },
    },
    {
        "days_ago": 9,
        "tags": ["letters"],
        "image": "letters",
        "alt": {
            "en": "Drawing: a red and white poster with yellow circles",
            "be": "Малюнак: чырвона-белы плакат з жоўтымі кругамі",
            "ru": "Рисунок: красно-белый плакат с жёлтыми кругами",
        },
        "articles": {
            "en": (
                "Write a letter: addresses and a sample text",
                "write-a-letter",
                "A letter reminds a prisoner that the world has not forgotten them. Here is "
                "how to write one that arrives.",
                "Short letters in simple language are the most likely to be delivered. Avoid "
                "politics; write about your city, the weather, books.\n\n"
                "Send a copy of your letter's photo to the portal, with the city, and it will "
                "count in the campaign's results.",
            ),
            "be": (
                "Напішыце ліст: адрасы і ўзор тэксту",
                "напішыце-ліст",
                "Ліст нагадвае вязню, што свет не забыў пра яго. Вось як напісаць ліст, які "
                "дойдзе.",
                "Кароткія лісты простай мовай маюць найбольшы шанец дайсці. Пазбягайце "
                "палітыкі; пішыце пра свой горад, надвор'е, кнігі.\n\n"
                "Дашліце на партал фота свайго ліста з назвай горада, і ён будзе ўлічаны ў "
                "выніках кампаніі.",
            ),
            "ru": (
                "Напишите письмо: адреса и образец текста",
                "напишите-письмо",
                "Письмо напоминает заключённому, что мир о нём не забыл. Вот как написать "
                "письмо, которое дойдёт.",
                "Короткие письма простым языком имеют больше всего шансов дойти. Избегайте "
                "политики; пишите о своём городе, погоде, книгах.\n\n"
                "Пришлите на портал фото своего письма с названием города, и оно будет учтено "
                "в итогах кампании.",
            ),
        },
    },
    {
        "days_ago": 30,
        "tags": ["bysoliday"],
        "image": "streets",
        "alt": {
            "en": "Drawing: a green and cream poster with yellow circles",
            "be": "Малюнак: зялёна-крэмавы плакат з жоўтымі кругамі",
            "ru": "Рисунок: зелёно-кремовый плакат с жёлтыми кругами",
        },
        "articles": {
            "en": (
                "Streets renamed for a day in twelve cities",
                "streets-renamed-for-a-day",
                "Volunteers put up paper street signs with the names of imprisoned human "
                "rights defenders.",
                "For one day, squares and streets in twelve cities carried new names. The "
                "signs were made of paper and removed in the evening.\n\n"
                "Photos of the signs are in the gallery once moderators have checked them.",
            ),
            "be": (
                "Вуліцы на адзін дзень перайменавалі ў дванаццаці гарадах",
                "вуліцы-перайменавалі-на-адзін-дзень",
                "Валанцёры павесілі папяровыя шыльды з імёнамі зняволеных праваабаронцаў.",
                "На адзін дзень плошчы і вуліцы ў дванаццаці гарадах атрымалі новыя назвы. "
                "Шыльды былі з паперы, увечары іх знялі.\n\n"
                "Фота шыльдаў з'явяцца ў галерэі пасля праверкі мадэратарамі.",
            ),
            "ru": (
                "Улицы переименовали на один день в двенадцати городах",
                "улицы-переименовали-на-один-день",
                "Волонтёры повесили бумажные таблички с именами заключённых правозащитников.",
                "На один день площади и улицы в двенадцати городах получили новые названия. "
                "Таблички были бумажные, вечером их сняли.\n\n"
                "Фото табличек появятся в галерее после проверки модераторами.",
            ),
        },
    },
]

AUTHOR = "Soliday"

# The About page in each language (title, Markdown): who runs the portal, how to reach them.
ABOUT = {
    "en": (
        "About Soliday",
        "Soliday is run by volunteers of a (fictional) civic group that supports people "
        "imprisoned for their views. Editors write the news; moderators check every photo "
        "before it is published.\n\n"
        "**Contact:** hello@soliday.example. Please do not send us anything that could "
        "put you or others at risk.",
    ),
    "be": (
        "Пра Soliday",
        "Soliday вядуць валанцёры (выдуманай) грамадскай групы, якая падтрымлівае людзей, "
        "зняволеных за погляды. Рэдактары пішуць навіны; мадэратары правяраюць кожнае фота "
        "перад публікацыяй.\n\n"
        "**Кантакт:** hello@soliday.example. Калі ласка, не дасылайце нам нічога, што "
        "можа паставіць пад пагрозу вас ці іншых.",
    ),
    "ru": (
        "О Soliday",
        "Soliday ведут волонтёры (вымышленной) гражданской группы, которая поддерживает "
        "людей, заключённых за убеждения. Редакторы пишут новости; модераторы проверяют "
        "каждое фото перед публикацией.\n\n"
        "**Контакт:** hello@soliday.example. Пожалуйста, не присылайте нам ничего, что "
        "может подвергнуть опасности вас или других.",
    ),
}


def load(stdout=None):
    """Create the demo articles and About pages that do not exist yet; running it again
    changes nothing."""
    created = 0
    now = timezone.now()
    with files.delete_files_on_error(), transaction.atomic():
        for story in STORIES:
            original = None
            for language, (title, slug, lead, body) in story["articles"].items():
                article = Article.objects.filter(language=language, slug=slug).first()
                if article is None:
                    article = Article(
                        language=language,
                        slug=slug,
                        title=title,
                        lead=lead,
                        body=body,
                        author=AUTHOR,
                        status=Article.Status.PUBLISHED,
                        published_at=now - timedelta(days=story["days_ago"]),
                        translation_of=original,
                        lead_image_alt=story["alt"][language],
                    )
                    services.attach_lead_image(
                        article, picture_upload(f"{story['image']}", name="demo.jpg")
                    )
                    article.save()
                    article.tags.add(*story["tags"])
                    created += 1
                original = original or article
        for language, (title, body) in ABOUT.items():
            _page, new = Page.objects.get_or_create(
                slug=Page.Slug.ABOUT,
                language=language,
                defaults={"title": title, "body": body},
            )
            created += new
    if stdout:
        stdout.write(f"Demo articles: {created} created.")
    return created
