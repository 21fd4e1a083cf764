"""The initials' fast path (no word segmentation when a character's readings share their first letter) gives what
pypinyin's words give."""
import random

from pypinyin import Style, lazy_pinyin
from pypinyin.constants import PHRASES_DICT

from dangjian.demo import names
from dangjian.members.pinyin import _given_name_initials, initials_of


def by_words(text):
    return "".join(lazy_pinyin(text, style=Style.FIRST_LETTER, errors="ignore"))


def test_every_character_and_generated_given_name_agrees_with_pypinyin():
    rng = random.Random(7)
    given = [names.person(rng)[0][1:] for _ in range(20000)]
    chars = [chr(cp) for cp in range(0x4E00, 0x9FA6)]
    assert [t for t in given + chars if _given_name_initials(t) != by_words(t)] == []


def test_words_agree_but_for_a_handful_of_readings_pypinyin_has_only_in_its_word_list():
    differ = [w for w in PHRASES_DICT if _given_name_initials(w) != by_words(w)]
    assert len(differ) <= len(PHRASES_DICT) // 10000, differ[:20]


def test_words_that_decide_a_reading_still_decide_it():
    assert initials_of("王长江") == "wcj" and initials_of("李强") == "lq" and initials_of("阿依古丽·买买提") == "aygl" + "mmt"
