"""The caller's own API token: when it expires (GET), revoke it (DELETE). Never its key, and no way to make
a token with a token (a new one is made on /tai-khoan/token/ after signing in)."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.authtoken.models import Token
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from treem.core.api import error_response

from .authentication import token_expires_at
from .models import User
from .services import revoke_api_token


class OwnTokenView(APIView):
    @extend_schema(summary="Token API của người gọi: thời điểm tạo và hết hạn", responses=OpenApiTypes.OBJECT)
    def get(self, request: Request) -> Response:
        user = request.user
        assert isinstance(user, User)
        token = Token.objects.filter(user=user).first()
        if token is None:
            return Response({"exists": False})
        return Response({"exists": True, "created": token.created, "expires": token_expires_at(token)})

    @extend_schema(summary="Thu hồi token API của người gọi", responses={204: None, 404: OpenApiTypes.OBJECT})
    def delete(self, request: Request) -> Response:
        user = request.user
        assert isinstance(user, User)
        if not revoke_api_token(user, by=user):
            return error_response(status.HTTP_404_NOT_FOUND, "Bạn không có token API nào.")
        return Response(status=status.HTTP_204_NO_CONTENT)
