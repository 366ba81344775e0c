"""What DHIS2 clients ask first: `GET /api/system/info` (the server's version and time) and `GET /api/me`
(who is signed in, what they may do, within their scope). Stubs until issue 12's work lands."""

from __future__ import annotations

from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView


class SystemInfoView(APIView):
    def get(self, request: Request, **route: str | None) -> Response:
        return Response({}, status=status.HTTP_501_NOT_IMPLEMENTED)


class MeView(APIView):
    def get(self, request: Request, **route: str | None) -> Response:
        return Response({}, status=status.HTTP_501_NOT_IMPLEMENTED)
