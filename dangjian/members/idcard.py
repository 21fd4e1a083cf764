"""居民身份证号码 (GB 11643-1999): 18 characters, 6-digit area, 8-digit birth date,
3-digit sequence (odd = male), ISO 7064 MOD 11-2 check character."""
import datetime
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
PATTERN = re.compile(r"^\d{17}[\dX]$")


def check_char(first17: str) -> str:
    return CHECK_CHARS[sum(int(d) * w for d, w in zip(first17, WEIGHTS)) % 11]


# GB/T 2260 province-level prefixes (the first two digits of the administrative division code).
PROVINCES = frozenset({"11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
                       "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64",
                       "65", "71", "81", "82"})


def normalize(value: str) -> str:
    """Full-width digits and letters (typed in a Chinese input method: １１０１…Ｘ) become ASCII, spaces go."""
    return unicodedata.normalize("NFKC", value or "").strip().upper().replace(" ", "")


def birth_date_of(number: str):
    try:
        return datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def gender_of(number: str) -> str:
    """'M' or 'F' from the sequence code's parity."""
    return "M" if int(number[16]) % 2 else "F"


def validate_id_number(value: str) -> str:
    """Return the normalized number or raise ValidationError with a message saying what is wrong."""
    number = normalize(value)
    if not PATTERN.match(number):
        raise ValidationError(_("身份证号应为18位，前17位为数字，最后一位为数字或X"), code="format")
    if number[:2] not in PROVINCES:
        raise ValidationError(_("身份证号前6位应为行政区划代码，%(p)s 不是有效的省级代码") % {"p": number[:2]},
                              code="region")
    born = birth_date_of(number)
    if born is None or born > datetime.date.today() or born.year < 1900:
        raise ValidationError(_("身份证号中的出生日期 %(d)s 无效") % {"d": number[6:14]}, code="birth")
    if check_char(number[:17]) != number[17]:
        raise ValidationError(_("身份证号校验位错误，请核对"), code="checksum")
    return number


def consistency_errors(number: str, *, birth_date=None, gender=None) -> dict:
    """Field → message for fields that disagree with a (valid) 身份证号."""
    errors = {}
    born = birth_date_of(number)
    if birth_date and born and birth_date != born:
        errors["birth_date"] = _("出生日期与身份证号不一致（身份证号为 %(d)s）") % {"d": born.isoformat()}
    if gender and gender != gender_of(number):
        errors["gender"] = _("性别与身份证号不一致")
    return errors


def mask(number: str) -> str:
    """1101**********1234 — enough to tell two people apart, not enough to misuse."""
    if not number:
        return ""
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def make_id_number(area: str, born: datetime.date, sequence: int) -> str:
    """A valid number for demo and test data (sequence 0–999; odd = male)."""
    first17 = f"{area}{born:%Y%m%d}{sequence:03d}"
    return first17 + check_char(first17)
