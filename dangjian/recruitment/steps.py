"""The 25 steps of 《中国共产党发展党员工作细则》 (2014), in five stages — the step list is data: code, number, stage,
title, what the record needs (a meeting, people, hours) and the stage a candidate reaches with it. The date rules
that apply to them are in checks.py, with the 细则's article for each."""
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    APPLICANT = "applicant", _("入党申请人")
    ACTIVIST = "activist", _("入党积极分子")
    PROSPECT = "prospect", _("发展对象")
    PROBATIONARY = "probationary", _("预备党员")
    FULL = "full", _("正式党员")


@dataclass(frozen=True)
class Step:
    code: str
    number: int  # 1–25 in the 细则; 0 for the records the 细则 names without a number (公示, 延长预备期)
    stage: str  # the stage the step belongs to
    title: str
    reaches: str = ""  # the stage the candidate is in once this step is recorded
    meeting: str = ""  # the kind of meeting that decides it ("committee" 支委会, "general_assembly" 支部大会)
    people: tuple = ()  # (fewest, most) members named: mentors, sponsors
    training: bool = False  # days and hours
    repeatable: bool = False


STEPS = [
    Step("application", 1, Stage.APPLICANT, _("递交入党申请书"), reaches=Stage.APPLICANT),
    Step("talk", 2, Stage.APPLICANT, _("党组织派人谈话")),
    Step("activist", 3, Stage.ACTIVIST, _("推荐和确定入党积极分子"), reaches=Stage.ACTIVIST, meeting="committee"),
    Step("activist_filed", 4, Stage.ACTIVIST, _("报上级党委备案")),
    Step("mentors", 5, Stage.ACTIVIST, _("指定培养联系人"), people=(1, 2)),
    Step("assessment", 6, Stage.ACTIVIST, _("培养教育考察（每半年一次）"), repeatable=True),
    Step("prospect", 7, Stage.PROSPECT, _("确定发展对象"), reaches=Stage.PROSPECT, meeting="committee"),
    Step("prospect_filed", 8, Stage.PROSPECT, _("报上级党委备案")),
    Step("sponsors", 9, Stage.PROSPECT, _("确定入党介绍人"), people=(2, 2)),
    Step("vetting", 10, Stage.PROSPECT, _("进行政治审查")),
    Step("training", 11, Stage.PROSPECT, _("开展集中培训"), training=True),
    Step("committee_review", 12, Stage.PROBATIONARY, _("支部委员会审查"), meeting="committee"),
    Step("publicity", 0, Stage.PROBATIONARY, _("公示")),
    Step("pre_review", 13, Stage.PROBATIONARY, _("上级党委预审")),
    Step("volunteer_form", 14, Stage.PROBATIONARY, _("填写入党志愿书")),
    Step("admission", 15, Stage.PROBATIONARY, _("支部大会讨论接收"), reaches=Stage.PROBATIONARY, meeting="general_assembly"),
    Step("committee_talk", 16, Stage.PROBATIONARY, _("上级党委派人谈话")),
    Step("approval", 17, Stage.PROBATIONARY, _("上级党委审批")),
    Step("report", 18, Stage.PROBATIONARY, _("再上一级党委组织部门备案")),
    Step("placement", 19, Stage.FULL, _("编入党支部和党小组")),
    Step("oath", 20, Stage.FULL, _("入党宣誓")),
    Step("probation_education", 21, Stage.FULL, _("继续教育考察"), repeatable=True),
    Step("extension", 0, Stage.FULL, _("延长预备期")),
    Step("conversion_application", 22, Stage.FULL, _("提出转正申请")),
    Step("conversion", 23, Stage.FULL, _("支部大会讨论转正"), reaches=Stage.FULL, meeting="general_assembly"),
    Step("conversion_approval", 24, Stage.FULL, _("上级党委审批转正")),
    Step("archive", 25, Stage.FULL, _("材料归档")),
]
BY_CODE = {s.code: s for s in STEPS}
ORDER = {s.code: i for i, s in enumerate(STEPS)}
# A step needs these recorded first (the 细则's sequence; the optional 公示 and 延长预备期 are checked by their own rules)
NEEDS = {
    "talk": ["application"], "activist": ["application"], "activist_filed": ["activist"], "mentors": ["activist"],
    "assessment": ["activist"], "prospect": ["activist"], "prospect_filed": ["prospect"], "sponsors": ["prospect"],
    "vetting": ["prospect"], "training": ["prospect"],
    "committee_review": ["sponsors", "vetting", "training"], "publicity": ["committee_review"],
    "pre_review": ["committee_review", "publicity"], "volunteer_form": ["pre_review"], "admission": ["volunteer_form"],
    "committee_talk": ["admission"], "approval": ["admission"], "report": ["approval"], "placement": ["approval"],
    "oath": ["approval"], "probation_education": ["approval"], "extension": ["approval"],
    "conversion_application": ["approval"], "conversion": ["conversion_application"],
    "conversion_approval": ["conversion"], "archive": ["conversion_approval"],
}
def fields_of(step):
    """The form fields a step needs beyond its date and note (the page shows only these)."""
    out = []
    if step.meeting:
        out.append("meeting")
    if step.code in ("admission", "conversion"):
        out.append("vote")
    if step.people:
        out.append("people")
    if step.training:
        out += ["days", "hours"]
    if step.code in ("publicity", "extension"):
        out.append("ends_on")
    if step.code in ("vetting", "pre_review", "approval", "conversion_approval"):
        out.append("passed")
    return out


FIELDS = {s.code: fields_of(s) for s in STEPS}
CHOICES = [(s.code, f"{s.number}. {s.title}" if s.number else str(s.title)) for s in STEPS]
