import datetime

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from dangjian.meetings.models import Meeting, MeetingStatus
from dangjian.orgs.models import Committee

from . import services
from .models import CalendarFeed, Kind, Reminder

INBOX_LIMIT = 200


@login_required
def inbox(request):
    services.remind_on_visit(request.user)  # today's facts, even before the daily job has run
    reminders = Reminder.objects.filter(user=request.user)
    kind = request.GET.get("kind")
    if kind in Kind.values:
        reminders = reminders.filter(kind=kind)
    total = reminders.count()
    reminders = reminders.order_by("read_at", "-level", "due_on", "-created_at")[:INBOX_LIMIT]
    return render(request, "reminders/inbox.html", {"reminders": reminders, "total": total, "limit": INBOX_LIMIT,
                                                     "kind": kind, "kinds": Kind.choices,
                                                     "feed": CalendarFeed.for_user(request.user)})


@login_required
@require_POST
def mark_read(request):
    qs = Reminder.objects.filter(user=request.user, read_at__isnull=True)
    if request.POST.get("id"):
        qs = qs.filter(pk=request.POST["id"])
    qs.update(read_at=timezone.now())
    return redirect("reminders:inbox")


@login_required
@require_POST
def regenerate_feed(request):
    CalendarFeed.for_user(request.user).regenerate()
    return redirect("reminders:inbox")


def ical(request, token):
    """The personal iCalendar feed: planned meetings and due dates in the user's scope. The secret URL is
    the credential (calendar clients cannot log in), so it can be regenerated to revoke it."""
    from icalendar import Calendar, Event

    feed = CalendarFeed.objects.select_related("user").filter(token=token).first()
    if feed is None or not feed.user.is_active:
        raise Http404
    user, today = feed.user, timezone.localdate()
    cal = Calendar()
    cal.add("prodid", "-//dangjian//党建工作记录系统//ZH")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "党建工作")
    base = request.build_absolute_uri("/").rstrip("/")
    meetings = (Meeting.objects.visible_to(user).filter(status=MeetingStatus.PLANNED, held_on__gte=today - datetime.timedelta(days=30))
                .select_related("organization")[:500])
    for m in meetings:
        e = Event()
        e.add("uid", f"meeting-{m.pk}@dangjian")
        e.add("summary", f"{m.get_kind_display()}：{m.topic}")
        e.add("dtstart", datetime.datetime.combine(m.held_on, m.starts_at) if m.starts_at else m.held_on)
        e.add("location", m.place)
        e.add("url", base + m.get_absolute_url())
        cal.add_component(e)
    for c in Committee.objects.visible_to(user).current().filter(due_on__lte=today + datetime.timedelta(days=366)) \
            .select_related("organization")[:500]:
        e = Event()
        e.add("uid", f"term-{c.pk}@dangjian")
        e.add("summary", f"{c.organization.name} 委员会任期届满（换届）")
        e.add("dtstart", c.due_on)
        e.add("url", base + c.organization.get_absolute_url())
        cal.add_component(e)
    for r in Reminder.objects.filter(user=user, due_on__isnull=False, kind="probation"):
        e = Event()
        e.add("uid", f"reminder-{r.pk}@dangjian")
        e.add("summary", r.title)
        e.add("dtstart", r.due_on)
        cal.add_component(e)
    return HttpResponse(cal.to_ical(), content_type="text/calendar; charset=utf-8")


def feed_url(request, feed):
    return request.build_absolute_uri(reverse("reminders:ical", args=[feed.token]))
