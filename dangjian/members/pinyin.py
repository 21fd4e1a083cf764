"""Pinyin initials for name search: 张三丰 → "zsf".

A character read one way in words is often read another way as a surname (曾 zēng, not céng; 单 shàn; 解 xiè;
区 ōu; 仇 qiú; 查 zhā; 翟 zhái; 覃 qín …). pypinyin reads words, so the surname — the first character, or the
first two of a compound surname — takes its reading from the table below (readings as in 《现代汉语词典》's
姓氏 entries); the given name keeps pypinyin's.
"""
import unicodedata
from functools import lru_cache

from pypinyin import Style, lazy_pinyin
from pypinyin.constants import PINYIN_DICT

# Compound surnames first (万俟 mòqí, 尉迟 yùchí …), then single characters whose surname reading differs.
COMPOUND_SURNAMES = {"万俟": "mq", "尉迟": "yc", "单于": "cy", "长孙": "zs", "澹台": "tt", "令狐": "lh"}
SURNAME_READINGS = {
    "曾": "z", "单": "s", "解": "x", "区": "o", "仇": "q", "查": "z", "翟": "z", "覃": "q", "朴": "p", "盖": "g",
    "缪": "m", "种": "c", "员": "y", "隗": "w", "召": "s", "尉": "y", "繁": "p", "句": "g", "卜": "b",
    "秘": "b", "黑": "h", "宓": "f", "能": "n", "眭": "s", "沈": "s", "重": "c", "折": "s",
}


@lru_cache(maxsize=65536)
def initials_of(name: str) -> str:
    name = (name or "").strip()
    if not name:
        return ""
    head, rest = "", name
    if name[:2] in COMPOUND_SURNAMES:
        head, rest = COMPOUND_SURNAMES[name[:2]], name[2:]
    elif name[0] in SURNAME_READINGS:
        head, rest = SURNAME_READINGS[name[0]], name[1:]
    return (head + _given_name_initials(rest)).lower()[:40]


@lru_cache(maxsize=8192)
def _single_reading_initial(char):
    """The initial of a character whose readings in pypinyin's dictionary all begin with one letter (华 huá/huà
    → h), else None (强 qiáng/jiàng: the word decides)."""
    readings = PINYIN_DICT.get(ord(char))
    if not readings:
        return None
    letters = {unicodedata.normalize("NFD", r)[0] for r in readings.split(",")}
    letter = letters.pop() if len(letters) == 1 else None
    return letter if letter and "a" <= letter <= "z" else None


@lru_cache(maxsize=65536)
def _given_name_initials(text):
    """Kept per given name (they repeat across surnames far more than whole names do). Most given names have only characters whose initial does not depend on the reading, so they need no word
    segmentation (a 100,000-row import spent seconds in it); any other character goes through pypinyin's words."""
    initials = [_single_reading_initial(c) for c in text]
    if all(initials):
        return "".join(initials)
    return "".join(lazy_pinyin(text, style=Style.FIRST_LETTER, errors="ignore"))
