"""Progress against signed targets, counted from the linked records with one aggregate query per target."""
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from .models import Activity, Measure, Output, Party, Who

MET, ON_TRACK, BEHIND, MISSED = "met", "on_track", "behind", "missed"
LABELS = {MET: gettext_lazy("已完成"), ON_TRACK: gettext_lazy("进度正常"), BEHIND: gettext_lazy("进度滞后"),
          MISSED: gettext_lazy("未完成")}


@dataclass
class TargetProgress:
    target: object
    count: int
    expected: float
    status: str
    per_party: list  # [(party name, count)] for "each" targets

    @property
    def label(self):
        return LABELS[self.status]

    @property
    def percent(self):
        return min(100, round(100 * self.count / self.target.min_count)) if self.target.min_count else 100


def _records(target):
    """The records a target counts, within the agreement's period; and how a record names its party."""
    a = target.agreement
    if target.measure in (Measure.ACTIVITY, Measure.EXCHANGE):
        qs = Activity.objects.filter(agreement=a, held_on__gte=a.starts_on, held_on__lte=a.ends_on)
        if target.measure == Measure.EXCHANGE:
            qs = qs.filter(is_exchange=True)
        if target.category:
            qs = qs.filter(category=target.category)
        return qs, "activities"
    if target.measure in (Measure.OUTPUT, Measure.CUSTOM):
        qs = Output.objects.filter(agreement=a, produced_on__gte=a.starts_on, produced_on__lte=a.ends_on)
        if target.measure == Measure.CUSTOM:
            qs = qs.filter(kind="other")  # a custom commitment is evidenced by records of kind 其他成果
        elif target.output_kind:
            qs = qs.filter(kind=target.output_kind)
        return qs, "outputs"
    if target.measure == Measure.REVIEW:
        from .models import Review

        qs = Review.objects.filter(agreement=a, meeting__held_on__gte=a.starts_on, meeting__held_on__lte=a.ends_on)
        return qs, "reviews"
    raise ValueError(f"unknown measure {target.measure!r}")


def count_for(target):
    """(count, per-party counts). either: every record; jointly: records of two or more parties (an
    output with no single party); each: the smallest count among the parties."""
    qs, relation = _records(target)
    if target.who == Who.EACH:
        field = relation
        ids = qs.values("pk")
        per_party = list(
            Party.objects.filter(agreement=target.agreement)
            .annotate(n=Count(field, filter=Q(**{f"{field}__in": ids}), distinct=True))
            .values_list("pk", "n")
        )
        names = {p.pk: p.name for p in target.agreement.parties.select_related("organization", "external")}
        return (min((n for _pk, n in per_party), default=0), [(names[pk], n) for pk, n in per_party])
    if target.who == Who.JOINTLY:
        if relation == "activities":
            qs = qs.annotate(np=Count("parties")).filter(np__gte=2)
        elif relation == "outputs":
            qs = qs.filter(party__isnull=True)
        # reviews are mutual by nature: every review counts toward a joint target
    return qs.count(), []


def progress_for(agreement, today=None):
    today = today or timezone.localdate()
    total_days = max(1, (agreement.ends_on - agreement.starts_on).days + 1)
    elapsed = min(max((today - agreement.starts_on).days + 1, 0), total_days) / total_days
    results = []
    for target in agreement.targets.all():
        count, per_party = count_for(target)
        expected = target.min_count * elapsed
        if count >= target.min_count:
            status = MET
        elif today > agreement.ends_on:
            status = MISSED
        elif count >= round(expected):  # on track: what the elapsed share of the year asks for, rounded
            status = ON_TRACK
        else:
            status = BEHIND
        results.append(TargetProgress(target, count, round(expected, 1), status, per_party))
    return results
