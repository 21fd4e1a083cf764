"""Plausible Chinese names, places and units for demo and generated data (deterministic with a seeded Random)."""
import datetime

from dangjian.members import idcard

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN_MALE = "伟强磊军勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆帅旭宁龙林峰建国志文博海东晨阳振兴立新卫红庆丰亮成"
GIVEN_FEMALE = "芳娜敏静丽艳娟霞秀英华玲红梅琳燕萍雪婷颖慧琴莉倩洁兰晶云蓉欣悦佳月桂芬凤荣菊珍"
# 陕西、河南、山东、四川 area codes (the seed articles' companies are there)
AREAS = ["610102", "610502", "610523", "610303", "410602", "410611", "410621", "370811", "370883", "511402", "511421", "610402"]
ETHNIC_MINORITY = ["回族", "满族", "蒙古族", "土家族", "彝族"]


def person(rng, *, born_from=1962, born_to=2000):
    gender = "M" if rng.random() < 0.68 else "F"
    pool = GIVEN_MALE if gender == "M" else GIVEN_FEMALE
    given = rng.choice(pool) + (rng.choice(pool) if rng.random() < 0.7 else "")
    born = datetime.date(rng.randint(born_from, born_to), rng.randint(1, 12), rng.randint(1, 28))
    return rng.choice(SURNAMES) + given, gender, born


def id_number(rng, born, gender, used):
    """A valid, unused 身份证号 (sequence parity follows gender)."""
    while True:
        seq = rng.randrange(0, 500) * 2 + (1 if gender == "M" else 0)
        number = idcard.make_id_number(rng.choice(AREAS), born, seq)
        if number not in used:
            used.add(number)
            return number


def phone(rng):
    return "1" + rng.choice("3589") + "".join(str(rng.randrange(10)) for _ in range(9))


def ethnicity(rng):
    return rng.choice(ETHNIC_MINORITY) if rng.random() < 0.04 else "汉族"
