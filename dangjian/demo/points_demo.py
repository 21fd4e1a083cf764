"""Demo 党员积分 items (Issue 双积分+双评星): in the secretary's branch (SW03), commendations and 先锋岗 service
already approved by the 党委, a few proposals waiting in the approval queue — one large enough that only the
党委 may decide it — the last quarter and the year published to the branch's members, the 党委's other branches
published, and the member's QR sign-ins."""
import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone

from dangjian.members.models import Member
from dangjian.points.models import ItemStatus, ManualItem


def load_points(today):
    User = get_user_model()
    secretary, admin = User.objects.get(username="shuji"), User.objects.get(username="admin")
    people = list(Member.objects.on_roll().filter(organization__code="SW03").exclude(user=secretary).order_by("pk")[:6])
    if len(people) < 6:
        return 0
    now = timezone.now()

    def evidence(title):
        return ContentFile(f"%PDF-1.4\n% {title}\n".encode(), name="evidence.pdf")

    def on(days):
        return max(today - datetime.timedelta(days=days), today.replace(month=1, day=1))

    items = [
        (people[0], "commendation", "5", "获评集团公司“优秀共产党员”", 120, ItemStatus.APPROVED),
        (people[1], "vanguard", "2", "党员先锋岗：带领班组完成设备抢修", 60, ItemStatus.APPROVED),
        (people[2], "volunteer", "1", "社区志愿服务 4 小时", 30, ItemStatus.APPROVED),
        (people[3], "commendation", "8", "获评省国资委“劳动模范”", 10, ItemStatus.PENDING),
        (people[4], "vanguard", "2", "党员责任区：隐患排查 3 处", 6, ItemStatus.PENDING),
        (people[5], "volunteer", "1", "无偿献血", 2, ItemStatus.PENDING),
    ]
    for member, category, points, reason, days, status in items:
        decided = status != ItemStatus.PENDING
        item = ManualItem(member=member, category=category, points=Decimal(points), on=on(days), reason=reason,
                          proposed_by=secretary, status=status, decided_by=admin if decided else None,
                          decided_at=now if decided else None, decision_note="属实，同意" if decided else "",
                          needs_committee=abs(Decimal(points)) >= 5)  # the default rules' 党委 threshold
        if Decimal(points) >= 5:
            item.evidence.save("evidence.pdf", evidence(reason), save=False)
        item.save()
    # the branch has published the last full quarter and the year so far: its members see the board (later records
    # show as 变动); the 党委 SW has published its other branches, so its 各支部积分 compares them
    from dangjian.meetings.models import Attendance
    from dangjian.orgs.models import Organization
    from dangjian.points.services import publish, publish_unpublished_branches

    branch = Organization.objects.get(code="SW03")
    quarter = (today.month - 1) // 3
    if quarter:
        publish(org=branch, year=today.year, quarter=quarter, by=secretary)
    publish(org=branch, year=today.year, by=secretary)
    publish_unpublished_branches(org=Organization.objects.get(code="SW"), year=today.year, by=admin)
    # the member's last meetings were signed in by QR code on the day (我的 lists them)
    mine = Member.objects.filter(user__username="dangyuan").first()
    for a in (Attendance.objects.filter(member=mine, status="present", meeting__status="held")
              .select_related("meeting").order_by("-meeting__held_on")[:3]):
        start = datetime.datetime.combine(a.meeting.held_on, a.meeting.starts_at or datetime.time(9, 0))
        a.checked_in_at = timezone.make_aware(start - datetime.timedelta(minutes=5 + a.pk % 7))
        a.save(update_fields=["checked_in_at"])
    return len(items)
