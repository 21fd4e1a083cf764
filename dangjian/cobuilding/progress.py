"""Progress against signed targets, counted from the linked records.

Counts for any number of agreements come from six aggregate queries (activities, outputs and reviews, each per
agreement and per party), whatever the number of agreements and targets: the group overview judges 1,000
agreements in force on one page (Production issue: constant queries, ≤ 300 ms at 1,000)."""
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, F, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy

from dangjian.orgs.services import SubqueryCount

from .models import Activity, Measure, Output, Party, Review, Who

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


class Counts:
    """The records of some agreements, counted in SQL once, each within its own agreement's period.

    Rows are keyed by what a target can ask for: activities by (category, is_exchange), outputs by kind; each
    with how many were joint (an activity of two or more parties; an output with no single party)."""

    def __init__(self, ids):
        parties = SubqueryCount(Activity.parties.through.objects.filter(activity=OuterRef("pk")).values("pk"))
        activities = Activity.objects.filter(agreement__in=ids, held_on__gte=F("agreement__starts_on"),
                                             held_on__lte=F("agreement__ends_on"))
        outputs = Output.objects.filter(agreement__in=ids, produced_on__gte=F("agreement__starts_on"),
                                        produced_on__lte=F("agreement__ends_on"))
        reviews = Review.objects.filter(agreement__in=ids, meeting__held_on__gte=F("agreement__starts_on"),
                                        meeting__held_on__lte=F("agreement__ends_on"))
        self.activities = defaultdict(list)  # agreement → [(category, is_exchange, n, joint)]
        for agreement, category, exchange, n, joint in (
                activities.annotate(np=parties).order_by().values_list("agreement", "category", "is_exchange")
                .annotate(n=Count("id"), joint=Count("id", filter=Q(np__gte=2)))):
            self.activities[agreement].append((category, exchange, n, joint))
        self.party_activities = defaultdict(list)  # party → [(category, is_exchange, n)]
        for party, category, exchange, n in (
                Activity.parties.through.objects.filter(activity__in=activities.values("pk")).order_by()
                .values_list("party", "activity__category", "activity__is_exchange").annotate(n=Count("activity"))):
            self.party_activities[party].append((category, exchange, n))
        self.outputs = defaultdict(list)  # agreement → [(kind, n, joint)]
        for agreement, kind, n, joint in (outputs.order_by().values_list("agreement", "kind").annotate(
                n=Count("id"), joint=Count("id", filter=Q(party__isnull=True)))):
            self.outputs[agreement].append((kind, n, joint))
        self.party_outputs = defaultdict(list)  # party → [(kind, n)]
        for party, kind, n in outputs.filter(party__isnull=False).order_by().values_list("party", "kind").annotate(n=Count("id")):
            self.party_outputs[party].append((kind, n))
        self.reviews = dict(reviews.order_by().values_list("agreement").annotate(n=Count("id")))
        self.party_reviews = dict(reviews.order_by().values_list("reviewer_party").annotate(n=Count("id")))
        self.parties = defaultdict(list)  # agreement → [(party id, name)]
        for agreement, pk, org, ext in Party.objects.filter(agreement__in=ids).order_by("pk").values_list(
                "agreement", "pk", "organization__name", "external__name"):
            self.parties[agreement].append((pk, org or ext))

    @staticmethod
    def _activity_matches(target, category, exchange):
        return (not target.category or category == target.category) and (
            target.measure != Measure.EXCHANGE or exchange)

    @staticmethod
    def _output_matches(target, kind):
        if target.measure == Measure.CUSTOM:
            return kind == "other"  # a custom commitment is evidenced by records of kind 其他成果
        return not target.output_kind or kind == target.output_kind

    def _party_count(self, target, party):
        if target.measure in (Measure.ACTIVITY, Measure.EXCHANGE):
            return sum(n for c, e, n in self.party_activities[party] if self._activity_matches(target, c, e))
        if target.measure in (Measure.OUTPUT, Measure.CUSTOM):
            return sum(n for k, n in self.party_outputs[party] if self._output_matches(target, k))
        if target.measure == Measure.REVIEW:
            return self.party_reviews.get(party, 0)
        raise ValueError(f"unknown measure {target.measure!r}")

    def count_for(self, target):
        """(count, per-party counts). either: every record; jointly: records of two or more parties (an output
        with no single party; reviews are mutual by nature, so every review); each: the smallest party's count."""
        if target.who == Who.EACH:
            per_party = [(name, self._party_count(target, pk)) for pk, name in self.parties[target.agreement_id]]
            return min((n for _name, n in per_party), default=0), per_party
        joint = target.who == Who.JOINTLY
        a = target.agreement_id
        if target.measure in (Measure.ACTIVITY, Measure.EXCHANGE):
            return sum(j if joint else n for c, e, n, j in self.activities[a] if self._activity_matches(target, c, e)), []
        if target.measure in (Measure.OUTPUT, Measure.CUSTOM):
            return sum(j if joint else n for k, n, j in self.outputs[a] if self._output_matches(target, k)), []
        if target.measure == Measure.REVIEW:
            return self.reviews.get(a, 0), []
        raise ValueError(f"unknown measure {target.measure!r}")


def count_for(target):
    return Counts([target.agreement_id]).count_for(target)


def judge(agreement, targets, counts, today):
    total_days = max(1, (agreement.ends_on - agreement.starts_on).days + 1)
    elapsed = min(max((today - agreement.starts_on).days + 1, 0), total_days) / total_days
    results = []
    for target in targets:
        count, per_party = counts.count_for(target)
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


def progress_for_many(agreements, today=None):
    """{agreement id: [TargetProgress]} for every agreement, in a constant number of queries."""
    from .models import Target

    today = today or timezone.localdate()
    # a queryset stays a subquery in the aggregate queries (a thousand ids as parameters cost more to build)
    ids = agreements.values("pk") if isinstance(agreements, QuerySet) else [a.pk for a in agreements]
    agreements = {a.pk: a for a in agreements}
    targets = defaultdict(list)
    for t in Target.objects.filter(agreement__in=ids).order_by("agreement_id", "id"):
        t.agreement = agreements[t.agreement_id]  # no query per target for its agreement
        targets[t.agreement_id].append(t)
    counts = Counts(ids)
    return {pk: judge(a, targets[pk], counts, today) for pk, a in agreements.items()}


def progress_for(agreement, today=None):
    return progress_for_many([agreement], today)[agreement.pk]
