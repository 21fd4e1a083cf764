"""The scope table: every URL pattern of the app, from the URL resolver, with what a persona outside the object's
subtree gets. A new pattern without an entry fails `test_every_url_pattern_is_in_the_table`, so a new capability
is covered by construction.

The objects all live in branch A2 (or hang from it). Out of scope are A1's secretary and member (the sibling
branch) and B's org admin (the sibling company). Each of them reads (GET) and writes (POST/PATCH with a valid
CSRF token) every object URL; the answer must be the table's, and the database must be the same afterwards.
"""
import datetime
import json
from types import SimpleNamespace

import pytest
from django.core import serializers
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from dangjian.accounts import roles
from dangjian.factories import UserFactory, grant, make_committee

# Namespaces and names that are not organization data: Django's own admin (superusers only), language switch,
# API schema and docs.
OUTSIDE_THE_TABLE = {"admin", "set_language", "api-schema", "api-docs"}

NOT_FOUND, NOT_ALLOWED, FORBIDDEN, REDIRECT = 404, 405, 403, 302

# Patterns with no object in them: each lists or creates only within the user's own scope (tested by the page
# scope matrix and the crawl). Listed here so a new one is a conscious decision.
NO_OBJECT = {
    "healthz", "home", "login", "logout", "password_change", "password_change_done", "grants", "api-token", "api-root",
    "orgs:tree", "orgs:external_list", "orgs:external_create", "orgs:pick", "orgs:party_groups",
    "members:list", "members:create", "members:import", "members:import_template", "members:import_confirm",
    "members:export",
    "reminders:inbox", "reminders:read", "reminders:regenerate", "meetings:calendar",
    "cobuilding:list", "cobuilding:create", "cobuilding:overview",
    "org-list", "member-list", "meeting-list",
    "points:index", "points:me", "points-list", "point-rule-list", "star-scale-list",
    "dues:index", "dues:me", "dues:calculator", "dues-calculator", "dues-payment-list", "recruitment:index",
    "candidate-list", "rooms:index", "brands:index", "room-list", "brand-list", "project-list", "milestone-list",
    "learning:index", "learning:me", "training-class-list", "training-hours-list", "learning:bank_template",
    "contest-list", "drill-list",
}

# (url name, its arguments) → (arguments for the A2 objects, GET answer, POST answer) for an out-of-scope persona.
SCOPE_TABLE = {
    ("revoke_grant", "pk"): (lambda o: {"pk": o.grant.pk}, NOT_FOUND, NOT_FOUND),
    ("orgs:detail", "pk"): (lambda o: {"pk": o.a2.pk}, NOT_FOUND, NOT_FOUND),
    ("orgs:children", "pk"): (lambda o: {"pk": o.a2.pk}, NOT_FOUND, NOT_FOUND),
    ("orgs:create", "parent_pk"): (lambda o: {"parent_pk": o.a2.pk}, NOT_FOUND, NOT_FOUND),
    ("orgs:edit", "pk"): (lambda o: {"pk": o.a2.pk}, NOT_FOUND, NOT_FOUND),
    ("orgs:move", "pk"): (lambda o: {"pk": o.a2.pk}, NOT_FOUND, NOT_FOUND),
    ("orgs:external_edit", "pk"): (lambda o: {"pk": o.external.pk}, NOT_FOUND, NOT_FOUND),
    ("orgs:committee_create", "pk"): (lambda o: {"pk": o.a2.pk}, NOT_FOUND, NOT_FOUND),
    ("orgs:committee_edit", "pk"): (lambda o: {"pk": o.a2.pk}, NOT_FOUND, NOT_FOUND),
    ("members:detail", "pk"): (lambda o: {"pk": o.member.pk}, NOT_FOUND, NOT_FOUND),
    ("members:edit", "pk"): (lambda o: {"pk": o.member.pk}, NOT_FOUND, NOT_FOUND),
    ("members:transfer", "pk"): (lambda o: {"pk": o.member.pk}, NOT_FOUND, NOT_FOUND),
    ("members:end", "pk"): (lambda o: {"pk": o.member.pk}, NOT_FOUND, NOT_FOUND),
    ("members:add_post", "pk"): (lambda o: {"pk": o.member.pk}, NOT_FOUND, NOT_FOUND),
    ("meetings:list", "org_pk"): (lambda o: {"org_pk": o.a2.pk}, NOT_FOUND, NOT_FOUND),
    ("meetings:choose_kind", "org_pk"): (lambda o: {"org_pk": o.a2.pk}, NOT_FOUND, NOT_FOUND),
    ("meetings:record", "kind,org_pk"): (lambda o: {"org_pk": o.a2.pk, "kind": "general_assembly"}, NOT_FOUND, NOT_FOUND),
    ("meetings:detail", "pk"): (lambda o: {"pk": o.meeting.pk}, NOT_FOUND, NOT_FOUND),
    ("meetings:edit", "pk"): (lambda o: {"pk": o.meeting.pk}, NOT_FOUND, NOT_FOUND),
    ("meetings:unlock", "pk"): (lambda o: {"pk": o.meeting.pk}, NOT_FOUND, NOT_FOUND),
    ("meetings:qr", "pk"): (lambda o: {"pk": o.meeting.pk}, NOT_FOUND, NOT_FOUND),
    ("meetings:qr_code", "pk"): (lambda o: {"pk": o.meeting.pk}, NOT_FOUND, NOT_FOUND),
    ("meetings:live", "pk"): (lambda o: {"pk": o.meeting.pk}, NOT_FOUND, NOT_FOUND),
    ("meetings:add_vote", "pk"): (lambda o: {"pk": o.meeting.pk}, NOT_ALLOWED, NOT_FOUND),
    ("meetings:grades", "pk"): (lambda o: {"pk": o.evaluation.pk}, NOT_FOUND, NOT_FOUND),
    ("meetings:upload", "pk"): (lambda o: {"pk": o.meeting.pk}, NOT_ALLOWED, NOT_FOUND),
    ("meetings:download", "pk"): (lambda o: {"pk": o.attachment.pk}, NOT_FOUND, NOT_FOUND),
    # a signed sign-in link: the page answers, but names nothing and records nothing for those not due
    ("meetings:checkin", "token"): (lambda o: {"token": o.checkin_token}, 200, 200),
    ("meetings:ledger", "fmt,org_pk,year"): (lambda o: {"org_pk": o.a2.pk, "year": o.year, "fmt": "xlsx"}, NOT_FOUND, NOT_FOUND),
    ("meetings:compliance", "org_pk"): (lambda o: {"org_pk": o.a2.pk}, NOT_FOUND, NOT_FOUND),
    ("meetings:failing", "org_pk"): (lambda o: {"org_pk": o.a2.pk}, NOT_FOUND, NOT_FOUND),
    ("meetings:rules", "org_pk"): (lambda o: {"org_pk": o.a2.pk}, NOT_FOUND, NOT_FOUND),
    ("meetings:override", "org_pk,rule_pk"): (lambda o: {"org_pk": o.a2.pk, "rule_pk": o.rule.pk}, NOT_FOUND, NOT_FOUND),
    # a calendar feed is a capability URL (calendar apps cannot log in): it serves its owner's feed to whoever
    # holds the token, session or not; the owner can regenerate it. A wrong token is a 404 (test below).
    ("reminders:ical", "token"): (lambda o: {"token": o.feed_token}, 200, 200),
    ("cobuilding:review", "meeting_pk"): (lambda o: {"meeting_pk": o.meeting.pk}, NOT_ALLOWED, NOT_FOUND),
    ("cobuilding:edit", "pk"): (lambda o: {"pk": o.agreement.pk}, NOT_FOUND, NOT_FOUND),
    ("cobuilding:evaluate", "pk"): (lambda o: {"pk": o.agreement.pk}, NOT_FOUND, NOT_FOUND),
    ("cobuilding:document", "pk"): (lambda o: {"pk": o.agreement.pk}, NOT_FOUND, NOT_FOUND),
    ("cobuilding:detail", "pk"): (lambda o: {"pk": o.agreement.pk}, NOT_FOUND, NOT_FOUND),
    ("cobuilding:add_activity", "pk"): (lambda o: {"pk": o.agreement.pk}, NOT_ALLOWED, NOT_FOUND),
    ("cobuilding:link_meeting", "meeting_pk,pk"): (lambda o: {"pk": o.agreement.pk, "meeting_pk": o.meeting.pk},
                                                   NOT_ALLOWED, NOT_FOUND),
    ("cobuilding:add_output", "pk"): (lambda o: {"pk": o.agreement.pk}, NOT_ALLOWED, NOT_FOUND),
    ("cobuilding:renew", "pk"): (lambda o: {"pk": o.agreement.pk}, NOT_ALLOWED, NOT_FOUND),
    ("cobuilding:confirm", "party_pk,pk"): (lambda o: {"pk": o.agreement.pk, "party_pk": o.party.pk},
                                            NOT_ALLOWED, NOT_FOUND),
    ("cobuilding:output_file", "pk"): (lambda o: {"pk": o.output.pk}, NOT_FOUND, NOT_FOUND),
    ("cobuilding:photo", "pk"): (lambda o: {"pk": o.photo.pk}, NOT_FOUND, NOT_FOUND),
    # a background job (the group admin's export of A2's roster) is its owner's alone, whoever else holds A2
    ("jobs:detail", "pk"): (lambda o: {"pk": o.job.pk}, NOT_FOUND, NOT_ALLOWED),
    ("jobs:progress", "pk"): (lambda o: {"pk": o.job.pk}, NOT_FOUND, NOT_ALLOWED),
    ("jobs:download", "pk"): (lambda o: {"pk": o.job.pk}, NOT_FOUND, NOT_ALLOWED),
    ("points:board", "org_pk"): (lambda o: {"org_pk": o.a2.pk}, NOT_FOUND, NOT_FOUND),
    ("points:rules", "org_pk"): (lambda o: {"org_pk": o.a2.pk}, NOT_FOUND, NOT_FOUND),
    ("points:override", "org_pk,rule_pk"): (lambda o: {"org_pk": o.a2.pk, "rule_pk": o.point_rule.pk}, NOT_FOUND, NOT_FOUND),
    ("points:star_scale", "of,org_pk"): (lambda o: {"org_pk": o.a2.pk, "of": "member"}, NOT_FOUND, NOT_FOUND),
    ("points:ledger", "pk"): (lambda o: {"pk": o.member.pk}, NOT_FOUND, NOT_FOUND),
    ("points:propose", "pk"): (lambda o: {"pk": o.member.pk}, NOT_FOUND, NOT_FOUND),
    ("points:approvals", "org_pk"): (lambda o: {"org_pk": o.a2.pk}, NOT_FOUND, NOT_FOUND),
    ("points:groups", "org_pk"): (lambda o: {"org_pk": o.a2.pk}, NOT_FOUND, NOT_FOUND),
    ("points:branches", "org_pk"): (lambda o: {"org_pk": o.a2.pk}, NOT_FOUND, NOT_FOUND),
    ("dues:month", "org_pk"): (lambda o: {"org_pk": o.a2.pk}, NOT_FOUND, NOT_FOUND),
    ("dues:report", "org_pk"): (lambda o: {"org_pk": o.a2.pk}, NOT_FOUND, NOT_FOUND),
    ("dues:ledger", "org_pk"): (lambda o: {"org_pk": o.a2.pk}, NOT_FOUND, NOT_FOUND),
    ("recruitment:board", "org_pk"): (lambda o: {"org_pk": o.a2.pk}, NOT_FOUND, NOT_FOUND),
    ("recruitment:new", "org_pk"): (lambda o: {"org_pk": o.a2.pk}, NOT_FOUND, NOT_FOUND),
    ("recruitment:file", "pk"): (lambda o: {"pk": o.candidate.pk}, NOT_FOUND, NOT_FOUND),
    ("recruitment:attachment", "pk"): (lambda o: {"pk": o.candidate_step.pk}, NOT_FOUND, NOT_FOUND),
    ("recruitment:stop", "pk"): (lambda o: {"pk": o.candidate.pk}, NOT_ALLOWED, NOT_FOUND),
    ("candidate-detail", "pk"): (lambda o: {"pk": o.candidate.pk}, NOT_FOUND, NOT_ALLOWED),
    ("candidate-detail", "format,pk"): (lambda o: {"pk": o.candidate.pk, "format": "json"}, NOT_FOUND, NOT_ALLOWED),
    ("recruitment:register", "org_pk,stage"): (lambda o: {"org_pk": o.a2.pk, "stage": "applicant"}, NOT_FOUND, NOT_FOUND),
    ("dues:decide_relief", "pk"): (lambda o: {"pk": o.relief.pk}, NOT_ALLOWED, NOT_FOUND),
    ("dues:member", "pk"): (lambda o: {"pk": o.member.pk}, NOT_FOUND, NOT_FOUND),
    ("dues:reverse", "pk"): (lambda o: {"pk": o.payment.pk}, NOT_ALLOWED, NOT_FOUND),
    ("dues-payment-detail", "pk"): (lambda o: {"pk": o.payment.pk}, NOT_FOUND, NOT_ALLOWED),
    ("dues-payment-detail", "format,pk"): (lambda o: {"pk": o.payment.pk, "format": "json"}, NOT_FOUND, NOT_ALLOWED),
    ("points:publish_branches", "org_pk"): (lambda o: {"org_pk": o.a2.pk}, NOT_ALLOWED, NOT_FOUND),
    ("points:publish", "org_pk"): (lambda o: {"org_pk": o.a2.pk}, NOT_ALLOWED, NOT_FOUND),
    ("points:published", "org_pk"): (lambda o: {"org_pk": o.a2.pk}, NOT_FOUND, NOT_FOUND),
    ("points:item", "pk"): (lambda o: {"pk": o.point_item.pk}, NOT_FOUND, NOT_FOUND),
    ("points:evidence", "pk"): (lambda o: {"pk": o.point_item.pk}, NOT_FOUND, NOT_FOUND),
    ("points-detail", "pk"): (lambda o: {"pk": o.member.pk}, NOT_FOUND, NOT_ALLOWED),
    ("points-detail", "format,pk"): (lambda o: {"pk": o.member.pk, "format": "json"}, NOT_FOUND, NOT_ALLOWED),
    ("point-rule-detail", "pk"): (lambda o: {"pk": o.point_rule.pk}, NOT_FOUND, NOT_ALLOWED),
    ("point-rule-detail", "format,pk"): (lambda o: {"pk": o.point_rule.pk, "format": "json"}, NOT_FOUND, NOT_ALLOWED),
    ("star-scale-detail", "pk"): (lambda o: {"pk": o.star_scale.pk}, NOT_FOUND, NOT_ALLOWED),
    ("star-scale-detail", "format,pk"): (lambda o: {"pk": o.star_scale.pk, "format": "json"}, NOT_FOUND, NOT_ALLOWED),
    ("org-detail", "pk"): (lambda o: {"pk": o.a2.pk}, NOT_FOUND, NOT_FOUND),
    ("org-detail", "format,pk"): (lambda o: {"pk": o.a2.pk, "format": "json"}, NOT_FOUND, NOT_FOUND),
    ("member-detail", "pk"): (lambda o: {"pk": o.member.pk}, NOT_FOUND, NOT_FOUND),
    ("member-detail", "format,pk"): (lambda o: {"pk": o.member.pk, "format": "json"}, NOT_FOUND, NOT_FOUND),
    ("meeting-detail", "pk"): (lambda o: {"pk": o.meeting.pk}, NOT_FOUND, NOT_ALLOWED),
    ("meeting-detail", "format,pk"): (lambda o: {"pk": o.meeting.pk, "format": "json"}, NOT_FOUND, NOT_ALLOWED),
    # list URLs with a format suffix: like the plain list, scoped
    ("org-list", "format"): None, ("member-list", "format"): None, ("meeting-list", "format"): None,
    ("points-list", "format"): None, ("point-rule-list", "format"): None, ("star-scale-list", "format"): None,
    ("dues-payment-list", "format"): None, ("candidate-list", "format"): None,
    # the 党费 imports name no object: each row's member is looked up within the importer's scope (dues.importer)
    ("dues:import", "what"): None, ("dues:import_template", "what"): None,
    ("api-root", "format"): None,
    ("rooms:list", "org_pk"): (lambda o: {"org_pk": o.a2.pk}, NOT_FOUND, NOT_FOUND),
    ("rooms:create", "org_pk"): (lambda o: {"org_pk": o.a2.pk}, NOT_FOUND, NOT_FOUND),
    ("rooms:detail", "pk"): (lambda o: {"pk": o.room.pk}, NOT_FOUND, NOT_FOUND),
    ("rooms:edit", "pk"): (lambda o: {"pk": o.room.pk}, NOT_FOUND, NOT_FOUND),
    ("rooms:inspect", "pk"): (lambda o: {"pk": o.room.pk}, NOT_ALLOWED, NOT_FOUND),
    ("rooms:upload_photo", "pk"): (lambda o: {"pk": o.room.pk}, NOT_ALLOWED, NOT_FOUND),
    ("rooms:photo", "pk"): (lambda o: {"pk": o.room_photo.pk}, NOT_FOUND, NOT_FOUND),
    ("brands:portfolio", "org_pk"): (lambda o: {"org_pk": o.a2.pk}, NOT_FOUND, NOT_FOUND),
    ("brands:export", "org_pk"): (lambda o: {"org_pk": o.a2.pk}, NOT_FOUND, NOT_FOUND),
    ("brands:declare", "org_pk"): (lambda o: {"org_pk": o.a2.pk}, NOT_FOUND, NOT_FOUND),
    ("brands:campaign_new", "org_pk"): (lambda o: {"org_pk": o.a2.pk}, NOT_FOUND, NOT_FOUND),
    ("brands:project_new", "org_pk"): (lambda o: {"org_pk": o.a2.pk}, NOT_FOUND, NOT_FOUND),
    ("brands:brand", "pk"): (lambda o: {"pk": o.brand.pk}, NOT_FOUND, NOT_FOUND),
    ("brands:brand_edit", "pk"): (lambda o: {"pk": o.brand.pk}, NOT_FOUND, NOT_FOUND),
    ("brands:decide", "pk"): (lambda o: {"pk": o.brand.pk}, NOT_ALLOWED, NOT_FOUND),
    ("brands:brand_evidence", "pk"): (lambda o: {"pk": o.brand.pk}, NOT_ALLOWED, NOT_FOUND),
    ("brands:evidence_file", "pk"): (lambda o: {"pk": o.brand_evidence.pk}, NOT_FOUND, NOT_FOUND),
    ("brands:campaign", "pk"): (lambda o: {"pk": o.campaign.pk}, NOT_FOUND, NOT_FOUND),
    ("brands:project", "pk"): (lambda o: {"pk": o.project.pk}, NOT_FOUND, NOT_FOUND),
    ("brands:project_edit", "pk"): (lambda o: {"pk": o.project.pk}, NOT_FOUND, NOT_FOUND),
    ("brands:milestone_add", "pk"): (lambda o: {"pk": o.project.pk}, NOT_ALLOWED, NOT_FOUND),
    ("brands:indicator_save", "pk"): (lambda o: {"pk": o.project.pk}, NOT_ALLOWED, NOT_FOUND),
    ("brands:milestone_done", "pk"): (lambda o: {"pk": o.milestone.pk}, NOT_ALLOWED, NOT_FOUND),
    ("brands:update_add", "pk"): (lambda o: {"pk": o.project.pk}, NOT_ALLOWED, NOT_FOUND),
    ("brands:project_evidence", "pk"): (lambda o: {"pk": o.project.pk}, NOT_ALLOWED, NOT_FOUND),
    ("brands:project_move", "pk"): (lambda o: {"pk": o.project.pk}, NOT_ALLOWED, NOT_FOUND),
    ("brands:project_review", "pk"): (lambda o: {"pk": o.project.pk}, NOT_ALLOWED, NOT_FOUND),
    ("room-detail", "pk"): (lambda o: {"pk": o.room.pk}, NOT_FOUND, NOT_FOUND),
    ("room-detail", "format,pk"): (lambda o: {"pk": o.room.pk, "format": "json"}, NOT_FOUND, NOT_FOUND),
    ("brand-detail", "pk"): (lambda o: {"pk": o.brand.pk}, NOT_FOUND, NOT_FOUND),
    ("brand-detail", "format,pk"): (lambda o: {"pk": o.brand.pk, "format": "json"}, NOT_FOUND, NOT_FOUND),
    ("project-detail", "pk"): (lambda o: {"pk": o.project.pk}, NOT_FOUND, NOT_FOUND),
    ("project-detail", "format,pk"): (lambda o: {"pk": o.project.pk, "format": "json"}, NOT_FOUND, NOT_FOUND),
    ("milestone-detail", "pk"): (lambda o: {"pk": o.milestone.pk}, NOT_FOUND, NOT_FOUND),
    ("milestone-detail", "format,pk"): (lambda o: {"pk": o.milestone.pk, "format": "json"}, NOT_FOUND, NOT_FOUND),
    ("room-list", "format"): None, ("brand-list", "format"): None, ("project-list", "format"): None,
    ("milestone-list", "format"): None,
    ("training-class-list", "format"): None, ("training-hours-list", "format"): None,
    ("contest-list", "format"): None, ("drill-list", "format"): None,
    ("contest-detail", "pk"): (lambda o: {"pk": o.contest.pk}, NOT_FOUND, NOT_ALLOWED),
    ("contest-detail", "format,pk"): (lambda o: {"pk": o.contest.pk, "format": "json"}, NOT_FOUND, NOT_ALLOWED),
    ("drill-detail", "pk"): (lambda o: {"pk": o.drill.pk}, NOT_FOUND, NOT_ALLOWED),
    ("drill-detail", "format,pk"): (lambda o: {"pk": o.drill.pk, "format": "json"}, NOT_FOUND, NOT_ALLOWED),
    ("learning:classes", "org_pk"): (lambda o: {"org_pk": o.a2.pk}, NOT_FOUND, NOT_FOUND),
    ("learning:class_new", "org_pk"): (lambda o: {"org_pk": o.a2.pk}, NOT_FOUND, NOT_FOUND),
    ("learning:hours", "org_pk"): (lambda o: {"org_pk": o.a2.pk}, NOT_FOUND, NOT_FOUND),
    ("learning:class", "pk"): (lambda o: {"pk": o.training_class.pk}, NOT_FOUND, NOT_FOUND),
    ("learning:add_course", "pk"): (lambda o: {"pk": o.training_class.pk}, NOT_ALLOWED, NOT_FOUND),
    ("learning:enrol", "pk"): (lambda o: {"pk": o.training_class.pk}, NOT_ALLOWED, NOT_FOUND),
    ("learning:add_material", "pk"): (lambda o: {"pk": o.training_class.pk}, NOT_ALLOWED, NOT_FOUND),
    ("learning:feedback", "pk"): (lambda o: {"pk": o.training_class.pk}, NOT_ALLOWED, NOT_FOUND),
    ("learning:material", "pk"): (lambda o: {"pk": o.training_material.pk}, NOT_FOUND, NOT_FOUND),
    ("learning:course", "pk"): (lambda o: {"pk": o.course.pk}, NOT_FOUND, NOT_FOUND),
    ("learning:course_qr", "pk"): (lambda o: {"pk": o.course.pk}, NOT_FOUND, NOT_FOUND),
    # a signed sign-in link, like a meeting's: the page answers, names nothing and records nothing for the not enrolled
    ("learning:bank", "org_pk"): (lambda o: {"org_pk": o.a2.pk}, NOT_FOUND, NOT_FOUND),
    ("learning:bank_export", "org_pk"): (lambda o: {"org_pk": o.a2.pk}, NOT_FOUND, NOT_FOUND),
    ("learning:contests", "org_pk"): (lambda o: {"org_pk": o.a2.pk}, NOT_FOUND, NOT_FOUND),
    ("learning:contest_new", "org_pk"): (lambda o: {"org_pk": o.a2.pk}, NOT_FOUND, NOT_FOUND),
    ("learning:contest", "pk"): (lambda o: {"pk": o.contest.pk}, NOT_FOUND, NOT_FOUND),
    ("learning:start", "pk"): (lambda o: {"pk": o.contest.pk}, NOT_ALLOWED, NOT_FOUND),
    ("learning:attempt", "pk"): (lambda o: {"pk": o.attempt.pk}, NOT_FOUND, NOT_FOUND),
    ("learning:drills", "org_pk"): (lambda o: {"org_pk": o.a2.pk}, NOT_FOUND, NOT_FOUND),
    ("learning:drill", "pk"): (lambda o: {"pk": o.drill.pk}, NOT_FOUND, NOT_FOUND),
    ("learning:drill_score", "pk"): (lambda o: {"pk": o.drill.pk}, NOT_ALLOWED, NOT_FOUND),
    ("learning:meeting_step", "meeting_pk,step_pk"): (lambda o: {"meeting_pk": o.meeting.pk, "step_pk": o.step.pk},
                                                      NOT_ALLOWED, NOT_FOUND),
    ("learning:forums", "org_pk"): (lambda o: {"org_pk": o.a2.pk}, NOT_FOUND, NOT_FOUND),
    ("learning:forum", "pk"): (lambda o: {"pk": o.forum.pk}, NOT_FOUND, NOT_FOUND),
    ("learning:agenda_add", "pk"): (lambda o: {"pk": o.forum.pk}, NOT_ALLOWED, NOT_FOUND),
    ("learning:forum_comment", "item_pk"): (lambda o: {"item_pk": o.agenda_item.pk}, NOT_ALLOWED, NOT_FOUND),
    ("learning:forum_vote", "item_pk"): (lambda o: {"item_pk": o.agenda_item.pk}, NOT_ALLOWED, NOT_FOUND),
    ("learning:agenda_file", "pk"): (lambda o: {"pk": o.agenda_item.pk}, NOT_FOUND, NOT_FOUND),
    ("learning:rounds", "org_pk"): (lambda o: {"org_pk": o.a2.pk}, NOT_FOUND, NOT_FOUND),
    ("learning:round", "pk"): (lambda o: {"pk": o.showcase_round.pk}, NOT_FOUND, NOT_FOUND),
    ("learning:round_submit", "pk"): (lambda o: {"pk": o.showcase_round.pk}, NOT_ALLOWED, NOT_FOUND),
    ("learning:entry", "pk"): (lambda o: {"pk": o.entry.pk}, NOT_FOUND, NOT_FOUND),
    ("learning:entry_rate", "pk"): (lambda o: {"pk": o.entry.pk}, NOT_ALLOWED, NOT_FOUND),
    ("learning:entry_file", "pk"): (lambda o: {"pk": o.entry_file.pk}, NOT_FOUND, NOT_FOUND),
    ("learning:checkin", "token"): (lambda o: {"token": o.course_token}, 200, 200),
    ("training-class-detail", "pk"): (lambda o: {"pk": o.training_class.pk}, NOT_FOUND, NOT_ALLOWED),
    ("training-class-detail", "format,pk"): (lambda o: {"pk": o.training_class.pk, "format": "json"}, NOT_FOUND, NOT_ALLOWED),
    ("training-hours-detail", "pk"): (lambda o: {"pk": o.member.pk}, NOT_FOUND, NOT_ALLOWED),
    ("training-hours-detail", "format,pk"): (lambda o: {"pk": o.member.pk, "format": "json"}, NOT_FOUND, NOT_ALLOWED),
}


def url_patterns():
    """(name, "arg,arg") for every pattern the app serves, outside Django's admin."""
    found = set()

    def walk(resolver, namespace):
        for p in resolver.url_patterns:
            if isinstance(p, URLResolver):
                ns = ":".join(x for x in (namespace, p.namespace) if x)
                if p.namespace in OUTSIDE_THE_TABLE:
                    continue
                walk(p, ns)
            elif isinstance(p, URLPattern):
                name = ":".join(x for x in (namespace, p.name) if x) if p.name else None
                if name in OUTSIDE_THE_TABLE:
                    continue
                args = ",".join(sorted(p.pattern.regex.groupindex))
                found.add((name or str(p.pattern), args))

    walk(get_resolver(), "")
    return found


def test_every_url_pattern_is_in_the_table():
    missing = [p for p in url_patterns() if p not in SCOPE_TABLE and not (p[1] == "" and p[0] in NO_OBJECT)]
    assert not missing, f"URL patterns without a scope-table entry (say what an out-of-scope persona gets): {missing}"
    stale = [k for k in SCOPE_TABLE if k not in url_patterns()]
    assert not stale, f"scope-table entries for URL patterns that no longer exist: {stale}"


@pytest.fixture
def a2_objects(world, settings, tmp_path):
    """One of everything, in branch A2."""
    from dangjian.cobuilding import services as cobuilding
    from dangjian.cobuilding.models import ActivityPhoto, Output
    from dangjian.meetings import services as meetings
    from dangjian.meetings.defaults import ensure_default_rules
    from dangjian.meetings.models import Attachment, Rule, Vote
    from dangjian.meetings.views_record import checkin_link
    from dangjian.orgs.models import ExternalOrganization
    from dangjian.reminders.models import CalendarFeed

    settings.MEDIA_ROOT = tmp_path
    a2, admin = world.orgs.a2, world.users.group_admin
    make_committee(a2, world.members.a2)
    today = timezone.localdate()
    marks = {m.pk: ("present", "") for m in world.members.a2}
    meeting = meetings.record_meeting(host=a2, by=admin, attendance=marks, fields={
        "kind": "general_assembly", "topic": "A2绝密议题", "held_on": today, "status": "held"})
    Vote.objects.create(meeting=meeting, subject="A2表决", yes=3)
    evaluation = meetings.record_meeting(host=a2, by=admin, attendance=marks, fields={
        "kind": "evaluation", "topic": "A2民主评议", "held_on": today, "status": "held"})
    attachment = Attachment.objects.create(meeting=meeting, file=ContentFile(b"%PDF-1.4 a2", name="a2.pdf"),
                                           name="a2.pdf", size=11)
    ensure_default_rules(Rule)
    external = ExternalOrganization.objects.create(name="A2的外部伙伴", owner=a2)
    agreement = cobuilding.create_agreement(
        by=admin, fields={"title": "A2共建", "level": "branch", "starts_on": datetime.date(today.year, 1, 1),
                          "ends_on": datetime.date(today.year, 12, 31)},
        organizations=[a2], externals=[external], targets=[{"measure": "activity", "min_count": 2, "who": "jointly"}])
    agreement.document.save("signed.pdf", ContentFile(b"%PDF-1.4 signed"))
    activity = cobuilding.record_activity(agreement=agreement, by=admin, parties=list(agreement.parties.all()),
                                          title="A2活动", held_on=today, category="study")
    photo = ActivityPhoto.objects.create(activity=activity, file=ContentFile(b"\xff\xd8\xff\xe0", name="p.jpg"), name="p.jpg")
    output = Output.objects.create(agreement=agreement, kind="theory", title="A2成果", produced_on=today,
                                   file=ContentFile(b"%PDF-1.4", name="o.pdf"))
    from dangjian.points.defaults import ensure_default_point_rules
    from dangjian.points.models import ManualItem, PointRule

    ensure_default_point_rules(PointRule)
    point_rule = PointRule.objects.create(organization=a2, source="base", item="A2基础分", category="basic", points=65)
    from dangjian.points.models import StarScale

    star_scale = StarScale.objects.create(organization=a2, of="member", one=50, two=60, three=70, four=80, five=90)
    point_item = ManualItem.objects.create(member=world.members.a2[0], category="commendation", points=2, on=today,
                                           reason="A2绝密议题", proposed_by=admin, evidence=ContentFile(b"%PDF-1.4 e", name="e.pdf"))
    from dangjian.points.services import publish

    publish(org=a2, year=today.year, by=admin)
    from dangjian.dues.models import DuesBase, Payment

    DuesBase.objects.create(member=world.members.a2[0], starts_on=today.replace(day=1), category="salaried", income=9000)
    payment = Payment.objects.create(member=world.members.a2[0], month=today.replace(day=1), amount=135,
                                     paid_on=today, receipt_no="A2-001")
    from dangjian.dues.models import Relief

    from dangjian.recruitment.models import Candidate, StepRecord

    candidate = Candidate.objects.create(organization=a2, name="A2申请人", id_number="110101199001011237")
    candidate_step = StepRecord.objects.create(candidate=candidate, step="application", done_on=today,
                                               attachment=ContentFile(b"%PDF-1.4 a2", name="a2-letter.pdf"))
    relief = Relief.objects.create(member=world.members.a2[0], kind="exempt", starts_on=today.replace(day=1),
                                   ends_on=today.replace(day=1), reason="A2困难", requested_by=admin)
    a2_user = UserFactory(username="a2_secretary")
    a2_grant = grant(a2_user, a2, roles.BRANCH_COMMITTEE)

    class Req:
        def build_absolute_uri(self, path):
            return "http://testserver" + path

    from dangjian.core.models import Job

    job = Job.objects.create(kind=Job.Kind.ROSTER_EXPORT, user=admin, status=Job.Status.DONE,
                             result={"rows": 3, "filename": "a2.xlsx"})
    job.output.save("a2-roster.xlsx", ContentFile(b"PK a2 roster"))
    token = checkin_link(Req(), meeting).split("/checkin/", 1)[1].rstrip("/")
    from dangjian.brands.models import Brand, Campaign, Evidence, Milestone, Project, Theme
    from dangjian.rooms.models import Photo as RoomPhoto
    from dangjian.rooms.models import Room

    room = Room.objects.create(organization=a2, name="A2活动室")
    room_photo = RoomPhoto.objects.create(room=room, file=ContentFile(b"\xff\xd8\xff\xe0", name="r.jpg"), name="r.jpg")
    campaign = Campaign.objects.create(organization=a2, name="A2创建活动", starts_on=today.replace(month=1, day=1),
                                       declare_by=today, accept_by=today, ends_on=today)
    brand = Brand.objects.create(organization=a2, name="A2品牌", connotation="A2绝密议题", theme=Theme.objects.first(),
                                 declared_on=today)
    brand_evidence = Evidence.objects.create(brand=brand, title="A2佐证", on=today,
                                             file=ContentFile(b"%PDF-1.4 ev", name="ev.pdf"))
    project = Project.objects.create(organization=a2, year=today.year, title="A2项目", problem="A2绝密议题", goal="目标",
                                     started_on=today)
    milestone = Milestone.objects.create(project=project, title="A2节点", due_on=today)
    from dangjian.learning import services as learning
    from dangjian.learning.models import Material, TrainingClass
    from dangjian.learning.views import checkin_link as course_link

    training_class = learning.create_class(training_class=TrainingClass(
        organization=a2, title="A2培训班", starts_on=today, ends_on=today), audience_orgs=[], by=admin)
    learning.enrol_audience(training_class)
    course = learning.add_course(training_class=training_class, title="A2绝密议题", lecturer="讲师", held_on=today,
                                 hours=__import__("decimal").Decimal(3))
    training_material = Material.objects.create(training_class=training_class, name="m.pdf",
                                                file=ContentFile(b"%PDF-1.4 m", name="m.pdf"))
    course_token = course_link(Req(), course).split("/checkin/", 1)[1].rstrip("/")
    from dangjian.learning import quiz
    from dangjian.learning.models import Contest, Question

    question = quiz.save_question(Question(organization=a2, kind="truefalse", text="A2绝密议题", answer="对"))
    contest = Contest.objects.create(organization=a2, title="A2竞赛", opens_at=timezone.now() - datetime.timedelta(hours=1),
                                     closes_at=timezone.now() + datetime.timedelta(hours=1))
    contest.questions.set([question])
    attempt = quiz.start(contest=contest, member=world.members.a2[0])
    from dangjian.learning import practice
    from dangjian.learning.models import AgendaItem, Drill, ForumSession

    procedure = practice.procedures_for(a2)["life_meeting"]
    drill = Drill.objects.create(organization=a2, procedure=procedure, held_on=today, performer=world.members.a2[0],
                                 note="A2绝密议题")
    forum = ForumSession.objects.create(organization=a2, held_on=today, theme="A2绝密议题")
    agenda_item = AgendaItem.objects.create(session=forum, kind="report", title="A2述职",
                                            file=ContentFile(b"%PDF-1.4 r", name="r.pdf"))
    from dangjian.learning import showcase
    from dangjian.learning.models import ShowcaseRound

    showcase_round = showcase.create_round(showcase_round=ShowcaseRound(
        organization=a2, title="A2展评", year=today.year, opens_on=today, closes_on=today), by=admin)
    from dangjian.learning.models import Entry, EntryFile

    entry = Entry.objects.create(round=showcase_round, organization=a2, note="A2绝密议题")
    entry_file = EntryFile.objects.create(entry=entry, name="e.pdf", file=ContentFile(b"%PDF-1.4 e", name="e.pdf"))
    return SimpleNamespace(
        contest=contest, attempt=attempt, drill=drill, step=procedure.steps.first(), forum=forum,
        agenda_item=agenda_item, showcase_round=showcase_round, entry=entry, entry_file=entry_file, training_class=training_class, course=course, training_material=training_material, course_token=course_token,
        room=room, room_photo=room_photo, campaign=campaign, brand=brand, brand_evidence=brand_evidence,
        project=project, milestone=milestone,
        a2=a2, member=world.members.a2[0], meeting=meeting, evaluation=evaluation, attachment=attachment,
        rule=Rule.objects.filter(organization__isnull=True).first(), external=external, agreement=agreement,
        party=agreement.parties.get(organization=a2), output=output, photo=photo, grant=a2_grant, year=today.year,
        checkin_token=token, job=job, feed_token=CalendarFeed.for_user(a2_user).token, point_rule=point_rule, star_scale=star_scale,
        point_item=point_item, payment=payment, relief=relief, candidate=candidate,
        candidate_step=candidate_step)


def database_state():
    """Every row of the app's data, serialized: before and after must be equal."""
    from django.apps import apps

    models = [m for m in apps.get_models() if m._meta.app_label in {
        "orgs", "members", "accounts", "meetings", "cobuilding", "points", "dues", "recruitment", "reminders", "auditlog",
        "rooms", "brands", "learning",
        "auth", "authtoken"}]
    return {m._meta.label: serializers.serialize("json", m._base_manager.order_by("pk")) for m in models}


def csrf_client(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.get(reverse("password_change"))  # a form page sets the CSRF cookie
    return client, client.cookies["csrftoken"].value


WRITE_PAYLOAD = {"name": "篡改", "topic": "篡改", "status": "held", "title": "篡改", "reason": "篡改", "subject": "篡改",
                 "yes": "9", "rating": "5", "comment": "篡改", "contact_1": "篡改", "kind": "internal",
                 "to_org": "A1", "transferred_on": "2025-01-01", "ended_on": "2025-01-01", "end_reason": "deceased",
                 "new_parent_code": "A1", "code": "X9", "enabled": "on", "period": "year", "min_count": "1"}

OUT_OF_SCOPE = ["secretary", "member", "outsider"]


@pytest.mark.parametrize("persona", OUT_OF_SCOPE)
def test_out_of_scope_personas_get_the_tables_answer_and_change_nothing(world, a2_objects, persona):
    user = getattr(world.users, persona)
    client, token = csrf_client(user)
    before = database_state()
    wrong = []
    for (name, _args), entry in SCOPE_TABLE.items():
        if entry is None:
            continue
        kwargs, on_get, on_post = entry
        url = reverse(name, kwargs=kwargs(a2_objects))
        got = client.get(url).status_code
        if got != on_get:
            wrong.append(f"GET {url}: {got}, table says {on_get}")
        if name.endswith("-detail"):  # the API: a write is PATCH with the session's CSRF token
            got = client.patch(url, json.dumps({"name": "篡改", "topic": "篡改"}), content_type="application/json",
                               HTTP_X_CSRFTOKEN=token).status_code
        else:
            got = client.post(url, {**WRITE_PAYLOAD, "csrfmiddlewaretoken": token}).status_code
        if got != on_post:
            wrong.append(f"POST {url}: {got}, table says {on_post}")
    assert not wrong, "\n".join(wrong)
    assert database_state() == before


@pytest.mark.parametrize("persona", OUT_OF_SCOPE)
def test_object_pages_reveal_nothing_of_a2_to_out_of_scope_personas(world, a2_objects, persona):
    client, _token = csrf_client(getattr(world.users, persona))
    for (name, _args), entry in SCOPE_TABLE.items():
        if entry is None:
            continue
        if name == "reminders:ical":  # the owner's capability URL (see the table)
            continue
        body = client.get(reverse(name, kwargs=entry[0](a2_objects))).content.decode(errors="replace")
        assert "A2绝密议题" not in body and "A2共建" not in body, name


def test_the_owner_reaches_every_object_url_so_the_table_tests_something(world, a2_objects):
    """Each object URL answers the group admin (who holds A2) with no 404 or 500: the 404s above are scope."""
    client, _token = csrf_client(world.users.group_admin)
    for (name, _args), entry in SCOPE_TABLE.items():
        # a feed token and a quiz attempt are their owner's (the member's), not the admin's
        if entry is None or name in ("reminders:ical", "learning:attempt"):
            continue
        got = client.get(reverse(name, kwargs=entry[0](a2_objects))).status_code
        assert got in (200, 302, 405), f"{name}: {got}"


def test_a_wrong_calendar_token_is_a_404(world, a2_objects):
    assert Client().get(reverse("reminders:ical", args=[a2_objects.feed_token[:-2] + "xx"])).status_code == 404
