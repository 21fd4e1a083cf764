"""知识竞赛 on the phone, in headless Chromium: the member opens the contest from 我的学习, answers every question
(the options in the order the server drew), submits, and sees the score with the right answers."""
import datetime

import pytest
from django.utils import timezone

from dangjian.learning import quiz
from dangjian.learning.models import Attempt, Contest, Question

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_member_takes_a_contest_on_the_phone(world, page_for, screenshot_dir):
    org = world.orgs.a
    questions = [quiz.save_question(Question(organization=org, kind="single", text="中共一大召开于哪一年？",
                                             options=["1919年", "1921年", "1927年"], answer="B")),
                 quiz.save_question(Question(organization=org, kind="truefalse", text="预备党员的预备期为一年。", answer="对")),
                 quiz.save_question(Question(organization=org, kind="fill", text="党的根本宗旨是全心全意为人民____。",
                                             answer="服务"))]
    now = timezone.now()
    contest = Contest.objects.create(organization=org, title="党史知识竞赛", opens_at=now - datetime.timedelta(hours=1),
                                     closes_at=now + datetime.timedelta(hours=1), time_limit=10)
    contest.questions.set(questions)
    page = page_for(world.users.member, viewport={"width": 390, "height": 844})
    page.goto(page.url.rstrip("/") + "/learning/me/")
    page.click("text=党史知识竞赛")
    page.click("button:has-text('开始答题')")
    page.wait_for_selector("text=提交答卷")
    attempt = Attempt.objects.get()
    single = questions[0]
    page.check(f"input[name=q_{single.pk}][value={quiz.as_shown(attempt, single, 'B')}]")
    page.check(f"input[name=q_{questions[1].pk}][value=对]")
    page.fill(f"input[name=q_{questions[2].pk}]", "服务")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.screenshot(path=str(screenshot_dir / "quiz-phone.png"), full_page=True)
    page.click("button:has-text('提交答卷')")
    page.wait_for_selector("text=得分 100.0（答对 3/3）")
    assert not page.is_visible("button:has-text('提交答卷')")
    page.goto(page.url.split("/learning/")[0] + f"/learning/contests/{contest.pk}/")
    assert "100.0" in page.inner_text("#board")
