"""我的消息: each user reads only their own messages (another user's id answers 404) and marks them read."""

from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from edubureau.core.api import Pagination
from edubureau.core.ids import parse_id

from .. import services
from ..filtersets import NotificationFilterSet
from ..models import Notification
from .serializers import NotificationSerializer


class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """我的消息（只含本人的消息，最新在前）：q 搜索标题和内容，kind 按类型，unread=1 只看未读、0 只看已读。"""

    queryset = Notification.objects.all()
    serializer_class = NotificationSerializer
    filterset_class = NotificationFilterSet
    pagination_class = Pagination
    permission_classes = [IsAuthenticated]
    ordering_fields = ["created_at"]

    def get_queryset(self):
        return Notification.objects.for_user(self.request.user)

    def get_object(self):
        pk = parse_id(self.kwargs["pk"])
        notification = self.get_queryset().filter(pk=pk).first() if pk is not None else None
        if notification is None:
            raise exceptions.NotFound()
        return notification

    @extend_schema(request=None, responses={200: NotificationSerializer})
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        """标为已读（已读的消息保持原已读时间）。"""
        notification = self.get_object()
        services.mark_read(request.user, notification)
        return Response(self.get_serializer(notification).data)
