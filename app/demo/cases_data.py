"""The demo messages of both organisations: plausible topics, authors and links (invented).

`age` is the working time, in hours, between collection and the moment the demo is loaded;
`steps` are played through the real services (see app/demo/cases.py):
mark, refuse:<reason>, route (hands over first where the profile says so), draft:<kind>,
return, resubmit, approve, publish, reply, outside (returned as outside competence).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DemoCase:
    """One demo message and what happens to it."""

    text: str
    author: str
    author_url: str
    network: str
    url: str
    age: float
    steps: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    departments: tuple[str, ...] = ()  # name prefixes; the first is the demo executor's
    answer: str = ""
    importance: str = "normal"
    repeat: bool = False  # link to the earlier case that app.intake.repeats finds


DONE = ("mark", "route", "draft:final", "approve", "publish")

PENZA_CASES = (
    DemoCase(
        "Третий день нет холодной воды на ул. Суворова, 111. Ни объявлений, ни сроков!",
        "Ирина Кузьмина",
        "https://vk.com/id184520311",
        "vk",
        "https://vk.com/wall-45135112_98211?reply=98230",
        30,
        DONE,
        ("Водоснабжение",),
        ("Управление жилищно",),
        "Водоснабжение по ул. Суворова, 111 восстановлено 14 числа. "
        "Управляющей компании сделано замечание об отсутствии объявления.",
    ),
    DemoCase(
        "Снова нет воды на Суворова, 111, уже второй раз за месяц. Когда это закончится?",
        "Ирина Кузьмина",
        "https://vk.com/id184520311",
        "vk",
        "https://vk.com/wall-45135112_99402?reply=99410",
        3,
        ("mark", "route"),
        ("Водоснабжение",),
        ("Управление жилищно",),
        repeat=True,
    ),
    DemoCase(
        "В квартирах по ул. Ладожской, 107 холодно, батареи еле тёплые, дети болеют.",
        "Олег Савельев",
        "https://ok.ru/profile/571203948811",
        "ok",
        "https://ok.ru/group/52011133480962/topic/154020877112",
        4,
        ("mark", "route", "draft:final"),
        ("Отопление",),
        ("Управление жилищно",),
        "Проведена промывка стояков, температура в квартирах соответствует нормативу.",
    ),
    DemoCase(
        "Течёт крыша в доме по ул. Леонова, 20, вода в подъезде после каждого дождя.",
        "Наталья Белова",
        "https://vk.com/id50221876",
        "vk",
        "https://vk.com/wall-45135112_99120?reply=99133",
        6,
        ("mark", "route", "draft:final", "return"),
        ("ЖКХ",),
        ("Управление жилищно",),
        "Заявка передана в управляющую компанию.",
    ),
    DemoCase(
        "Когда дадут отопление в детском саду № 45? Группы закрыты уже неделю.",
        "Мария Гусева",
        "https://t.me/penza_chat/40211",
        "telegram",
        "https://t.me/penza_chat/40211",
        9,
        ("mark", "route", "draft:intermediate", "approve", "publish"),
        ("Отопление", "Детские сады"),
        ("Управление жилищно",),
        importance="high",
    ),
    DemoCase(
        "У дома 8 по ул. Кижеватова из-под асфальта бьёт вода, течёт прямо на тротуар.",
        "Пётр Никонов",
        "https://vk.com/id300118442",
        "vk",
        "https://vk.com/wall-45135112_99477",
        2,
        ("mark", "route", "draft:final", "approve"),
        ("Водоснабжение",),
        ("Управление жилищно",),
        "На место выехала аварийная бригада «Горводоканала», утечка устраняется.",
    ),
    DemoCase(
        "Автобус № 26 по утрам не ходит по расписанию, люди опаздывают на работу.",
        "Сергей Ларин",
        "https://vk.com/id77120455",
        "vk",
        "https://vk.com/wall-45135112_99501?reply=99515",
        2.5,
        ("mark", "route", "outside"),
        ("Общественный транспорт",),
        ("Управление жилищно",),
    ),
    DemoCase(
        "Яма на дороге у школы № 12 и нет пешеходного перехода, дети перебегают дорогу.",
        "Елена Сорокина",
        "https://ok.ru/profile/589911203477",
        "ok",
        "https://ok.ru/group/52011133480962/topic/154020912001",
        1.5,
        ("mark", "route"),
        ("Дороги", "Школы"),
        ("Управление транспорта", "Управление образования"),
    ),
    DemoCase(
        "Во дворе дома 31 по ул. Окружной не вывозят мусор уже три дня.",
        "Андрей Федотов",
        "https://vk.com/id91022871",
        "vk",
        "https://vk.com/wall-45135112_99530?reply=99538",
        1.2,
        ("mark", "route"),
        ("Мусор",),
        ("Управление благоустройства",),
    ),
    DemoCase(
        "Прорыв трубы на ул. Кирова, 62: вода заливает подвал и подъезд!",
        "Виктор Павлов",
        "https://t.me/penza_chat/40388",
        "telegram",
        "https://t.me/penza_chat/40388",
        0.4,
        ("mark",),
        ("Водоснабжение",),
        importance="high",
    ),
    DemoCase(
        "Спасибо администрации за ёлку на Фонтанной площади, очень красиво!",
        "Анна Лебедева",
        "https://vk.com/id60312288",
        "vk",
        "https://vk.com/wall-45135112_99377?reply=99380",
        5,
        ("refuse:no_reaction_needed",),
    ),
    DemoCase(
        "Все чиновники — бездельники и ***, ничего не делаете за наши деньги",
        "Аноним",
        "https://t.me/penza_chat",
        "telegram",
        "https://t.me/penza_chat/40390",
        0.8,
        ("refuse:insulting_language",),
    ),
    DemoCase(
        "Когда отремонтируют дорогу на ул. Стасова? Ямы глубиной по колено.",
        "Дмитрий Орлов",
        "https://ok.ru/profile/560033128844",
        "ok",
        "https://ok.ru/group/52011133480962/topic/154020933410",
        0.3,
    ),
    # The same complaint posted again in VK by a neighbour: «Новые» groups the copies.
    DemoCase(
        "Когда отремонтируют дорогу на ул. Стасова?! Ямы глубиной по колено.",
        "Светлана Орлова",
        "https://vk.com/id30117265",
        "vk",
        "https://vk.com/wall-45135112_99530?reply=99533",
        0.25,
    ),
    DemoCase(
        "На ул. Пушкина не горят фонари от дома 5 до дома 21, вечером идти страшно.",
        "Ольга Миронова",
        "https://vk.com/id11822190",
        "vk",
        "https://vk.com/wall-45135112_99560?reply=99561",
        0.2,
    ),
)

PARFINO_CASES = (
    DemoCase(
        "В д. Юрьево мусор не вывозили две недели, контейнеры переполнены.",
        "Галина Петрова",
        "https://vk.com/id231877090",
        "vk",
        "https://vk.com/wall-123456789_5120?reply=5127",
        28,
        DONE,
        ("Благоустройство",),
        ("Комитет ЖКХ",),
        "Вывоз мусора в д. Юрьево выполнен, график вывоза согласован с "
        "региональным оператором: по вторникам и пятницам.",
    ),
    DemoCase(
        "Снова не вывезли мусор в Юрьево, хотя обещали по графику.",
        "Галина Петрова",
        "https://vk.com/id231877090",
        "vk",
        "https://vk.com/wall-123456789_5301?reply=5304",
        2,
        ("mark", "route"),
        ("Благоустройство",),
        ("Комитет ЖКХ",),
        repeat=True,
    ),
    DemoCase(
        "Во дворе дома 5 по ул. Мира в Парфино переполнены контейнеры, мусор по всему двору.",
        "Николай Смирнов",
        "https://ok.ru/profile/575500221390",
        "ok",
        "https://ok.ru/group/70000001234567/topic/155000123456",
        3,
        ("mark", "route", "draft:final"),
        ("Благоустройство",),
        ("Комитет ЖКХ",),
        "Контейнерная площадка убрана, вывоз выполнен.",
    ),
    DemoCase(
        "Не работает уличное освещение в пос. Пола на ул. Заводской.",
        "Татьяна Егорова",
        "https://vk.com/id40098112",
        "vk",
        "https://vk.com/wall-123456789_5288?reply=5290",
        5,
        ("mark", "route", "draft:final", "return", "resubmit"),
        ("ЖКХ",),
        ("Комитет ЖКХ",),
        "Заявка на ремонт освещения направлена подрядчику.",
    ),
    DemoCase(
        "Когда отремонтируют дорогу Парфино — Полново? Ехать невозможно.",
        "Алексей Громов",
        "https://t.me/parfino_online/8812",
        "telegram",
        "https://t.me/parfino_online/8812",
        4,
        ("mark", "route", "draft:final", "approve"),
        ("Дороги",),
        ("Комитет ЖКХ",),
        "Ямочный ремонт дороги Парфино — Полново включён в план работ на текущий месяц.",
    ),
    DemoCase(
        "Упало дерево на провода где-то на Заводской, искрит!",
        "Ирина Васильева",
        "https://vk.com/id55519028",
        "vk",
        "https://vk.com/wall-123456789_5310?reply=5312",
        3,
        ("mark", "route", "draft:clarification", "approve", "publish"),
        ("ЖКХ",),
        ("Комитет ЖКХ",),
        importance="high",
    ),
    DemoCase(
        "Когда откроют детскую площадку в Парфино у школы? Стоит огороженная с весны.",
        "Светлана Кириллова",
        "https://ok.ru/profile/577788990011",
        "ok",
        "https://ok.ru/group/70000001234567/topic/155000124001",
        10,
        ("mark", "route", "draft:intermediate", "approve", "publish"),
        ("Благоустройство",),
        ("Комитет ЖКХ",),
    ),
    DemoCase(
        "В ДК пос. Пола течёт крыша, а дорогу к нему не чистят — на концерт не пройти.",
        "Виктор Захаров",
        "https://vk.com/id66610023",
        "vk",
        "https://vk.com/wall-123456789_5320?reply=5321",
        1.5,
        ("mark", "route"),
        ("Культура", "Дороги"),
        ("Отдел культуры", "Комитет ЖКХ"),
    ),
    DemoCase(
        "Почему отдел ЗАГС не работает в субботу? Не успеваем подать заявление.",
        "Юлия Андреева",
        "https://vk.com/id70033981",
        "vk",
        "https://vk.com/wall-123456789_5330?reply=5333",
        2,
        ("mark", "route"),
        ("ЗАГС",),
        ("Отдел ЗАГС",),
    ),
    DemoCase(
        "Разбита дорога к д. Федорково, скорая не проедет.",
        "Михаил Козлов",
        "https://t.me/parfino_online/8840",
        "telegram",
        "https://t.me/parfino_online/8840",
        0.6,
        ("mark", "hand_over"),
        ("Дороги",),
    ),
    DemoCase(
        "Подтопление в д. Городцы: вода подходит к домам, нужна помощь!",
        "Василий Рябов",
        "https://vk.com/id88812044",
        "vk",
        "https://vk.com/wall-123456789_5344",
        0.3,
        ("mark",),
        ("ЧС",),
        importance="high",
    ),
    DemoCase(
        "Глава района — ***, гнать таких поганой метлой",
        "Аноним",
        "https://ok.ru/profile/500000000001",
        "ok",
        "https://ok.ru/group/70000001234567/topic/155000125000",
        1,
        ("refuse:insulting_language",),
    ),
    DemoCase(
        "Будет ли вода в д. Федорково после ремонта водопровода?",
        "Людмила Орлова",
        "https://ok.ru/profile/579000112233",
        "ok",
        "https://ok.ru/group/70000001234567/topic/155000125120",
        0.2,
    ),
)

DEMO_CASES = {"penza": PENZA_CASES, "parfino": PARFINO_CASES}
