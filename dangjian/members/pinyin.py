"""Pinyin initials for name search: 张三丰 → "zsf".

A character read one way in words is often read another way as a surname (曾 zēng, not céng; 单 shàn; 解 xiè;
区 ōu; 仇 qiú; 查 zhā; 翟 zhái; 覃 qín …). pypinyin reads words, so the surname — the first character, or the
first two of a compound surname — takes its reading from the table below (readings as in 《现代汉语词典》's
姓氏 entries); the given name keeps pypinyin's.
"""
from pypinyin import Style, lazy_pinyin

# Compound surnames first (万俟 mòqí, 尉迟 yùchí …), then single characters whose surname reading differs.
COMPOUND_SURNAMES = {"万俟": "mq", "尉迟": "yc", "单于": "cy", "长孙": "zs", "澹台": "tt", "令狐": "lh"}
SURNAME_READINGS = {
    "曾": "z", "单": "s", "解": "x", "区": "o", "仇": "q", "查": "z", "翟": "z", "覃": "q", "朴": "p", "盖": "g",
    "缪": "m", "种": "c", "员": "y", "隗": "w", "召": "s", "尉": "y", "繁": "p", "句": "g", "卜": "b",
    "秘": "b", "黑": "h", "宓": "f", "能": "n", "眭": "s", "沈": "s", "重": "c", "折": "s",
}


def initials_of(name: str) -> str:
    name = (name or "").strip()
    if not name:
        return ""
    head, rest = "", name
    if name[:2] in COMPOUND_SURNAMES:
        head, rest = COMPOUND_SURNAMES[name[:2]], name[2:]
    elif name[0] in SURNAME_READINGS:
        head, rest = SURNAME_READINGS[name[0]], name[1:]
    return (head + "".join(lazy_pinyin(rest, style=Style.FIRST_LETTER, errors="ignore"))).lower()[:40]
