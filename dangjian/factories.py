"""Factories for tests (and nothing else): valid members with checksummed 身份证号, organizations in the tree."""
import datetime
import itertools

import factory
from django.contrib.auth import get_user_model

from dangjian.accounts.models import Grant
from dangjian.members import idcard
from dangjian.members.models import Member, Status
from dangjian.orgs.models import Committee, CommitteeMember, Organization, OrgKind

_codes = itertools.count(1)
_seq = itertools.count(1)


def make_org(name=None, *, parent=None, kind=None, code=None, **fields):
    """Create an organization as a root or under `parent` (treebeard computes the path)."""
    n = next(_codes)
    kind = kind or (OrgKind.COMMITTEE if parent is None else OrgKind.BRANCH)
    values = {"kind": kind, "code": code or f"T{n:05d}", "name": name or f"测试组织{n}", **fields}
    if parent is None:
        return Organization.objects.add_root(values)
    parent.refresh_from_db()
    return Organization.objects.add_child(parent, values)


def next_id_number(born=datetime.date(1985, 6, 15), gender="M"):
    """A fresh valid 身份证号 for the given birth date and gender."""
    n = next(_seq)
    area = f"{110101 + n // 500:06d}"
    seq = (n % 500) * 2 + (1 if gender == "M" else 0)
    return idcard.make_id_number(area, born, seq)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("secret-pass-123")


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    name = factory.Iterator(["张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵敏", "黄强", "周杰", "吴婷"])
    gender = "M"
    birth_date = datetime.date(1985, 6, 15)
    id_number = factory.LazyAttribute(lambda o: next_id_number(o.birth_date, o.gender))
    joined_on = datetime.date(2010, 7, 1)
    confirmed_on = datetime.date(2011, 7, 1)
    status = Status.FULL
    organization = None


def grant(user, org, role):
    return Grant.objects.create(user=user, organization=org, role=role)


def make_committee(org, members, *, elected_on=datetime.date(2024, 3, 1), term_years=3, positions=None, term_number=1):
    committee = Committee.objects.create(
        organization=org, term_number=term_number, elected_on=elected_on, term_years=term_years
    )
    positions = positions or ["secretary", "organization", "publicity", "discipline", "other", "other", "other"]
    for i, (member, position) in enumerate(zip(members, positions)):
        CommitteeMember.objects.create(committee=committee, member=member, position=position, order=i)
    return committee
