"""The demo's content: a campaign, its actions, ways to take part and a letter.

Written for the project (not taken from real reports); `actions.demo` loads it.
"""

from actions.models import ActionType

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
