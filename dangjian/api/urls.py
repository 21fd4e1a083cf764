"""The central API only routes: each app owns its serializers and viewsets (dangjian/<app>/api/)."""
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.authtoken.views import obtain_auth_token
from rest_framework.routers import DefaultRouter

from dangjian.brands.api.views import BrandViewSet, MilestoneViewSet, ProjectViewSet
from dangjian.learning.api.views import ContestViewSet, DrillViewSet, TrainingClassViewSet, TrainingHoursViewSet
from dangjian.dues.api.views import DuesCalculatorView, PaymentViewSet
from dangjian.meetings.api.views import MeetingViewSet
from dangjian.members.api.views import MemberViewSet
from dangjian.orgs.api.views import OrganizationViewSet
from dangjian.points.api.views import PointRuleViewSet, PointsViewSet, StarScaleViewSet
from dangjian.recruitment.api.views import CandidateViewSet
from dangjian.rooms.api.views import RoomViewSet

router = DefaultRouter()
router.register("orgs", OrganizationViewSet, basename="org")
router.register("members", MemberViewSet, basename="member")
router.register("meetings", MeetingViewSet, basename="meeting")
router.register("points", PointsViewSet, basename="points")
router.register("point-rules", PointRuleViewSet, basename="point-rule")
router.register("star-scales", StarScaleViewSet, basename="star-scale")
router.register("dues-payments", PaymentViewSet, basename="dues-payment")
router.register("candidates", CandidateViewSet, basename="candidate")
router.register("rooms", RoomViewSet, basename="room")
router.register("brands", BrandViewSet, basename="brand")
router.register("projects", ProjectViewSet, basename="project")
router.register("milestones", MilestoneViewSet, basename="milestone")
router.register("training-classes", TrainingClassViewSet, basename="training-class")
router.register("training-hours", TrainingHoursViewSet, basename="training-hours")
router.register("contests", ContestViewSet, basename="contest")
router.register("drills", DrillViewSet, basename="drill")

urlpatterns = [
    path("token/", obtain_auth_token, name="api-token"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("dues/calculator/", DuesCalculatorView.as_view(), name="dues-calculator"),
    path("", include(router.urls)),
]
