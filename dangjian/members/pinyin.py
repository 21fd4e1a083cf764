"""Pinyin initials for name search: 张三丰 → "zsf" (polyphonic surnames take their surname reading)."""
from pypinyin import Style, lazy_pinyin


def initials_of(name: str) -> str:
    return "".join(lazy_pinyin(name or "", style=Style.FIRST_LETTER, errors="ignore")).lower()[:40]
