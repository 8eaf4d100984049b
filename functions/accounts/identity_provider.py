"""The Cognito user pool behind sign-in: the only module of this domain that calls cognito-idp.

Users are created by our API (self sign-up is off in the pool), with the e-mail as username and
already verified, because our own activation link has proven the address.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from shared.errors import Conflict, FieldError, Invalid, Unauthorized

if TYPE_CHECKING:
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient


@dataclass(frozen=True)
class IssuedTokens:
    access_token: str
    id_token: str
    refresh_token: str | None
    expires_in: int

    def access_claims(self) -> dict[str, Any]:
        """The access token's claims, read without verifying: it comes straight from Cognito."""
        payload = self.access_token.split(".")[1]
        return dict(json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))))


def _code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


class CognitoIdentityProvider:
    def __init__(self, client: CognitoIdentityProviderClient, user_pool_id: str, client_id: str) -> None:
        self._cognito = client
        self._pool = user_pool_id
        self._client_id = client_id

    def create_user(self, email: str, full_name: str, password: str) -> str:
        """Creates a confirmed user with this password and returns its id (the `sub`)."""
        try:
            created = self._cognito.admin_create_user(
                UserPoolId=self._pool,
                Username=email,
                MessageAction="SUPPRESS",
                UserAttributes=[
                    {"Name": "email", "Value": email},
                    {"Name": "email_verified", "Value": "true"},
                    {"Name": "name", "Value": full_name},
                ],
            )
        except ClientError as error:
            if _code(error) == "UsernameExistsException":
                raise Conflict("account.exists") from None
            raise
        attributes = {a["Name"]: a["Value"] for a in created["User"].get("Attributes", [])}
        try:
            self.set_password(email, password)
        except Exception:
            self._cognito.admin_delete_user(UserPoolId=self._pool, Username=email)
            raise
        return attributes["sub"]

    def federated_user(self, user_id: str) -> dict[str, str] | None:
        """The attributes of the user a provider created (Google_…, Facebook_…) with this `sub`; None
        for any other (a password user, an erased one)."""
        if not user_id or '"' in user_id or "\\" in user_id:
            return None
        found = self._cognito.list_users(UserPoolId=self._pool, Filter=f'sub = "{user_id}"', Limit=1)
        users = found.get("Users", [])
        if not users:
            return None
        user = users[0]
        external = user.get("UserStatus") == "EXTERNAL_PROVIDER" or str(
            user.get("Username", "")
        ).lower().startswith(("google_", "facebook_"))
        return {a["Name"]: a["Value"] for a in user.get("Attributes", [])} if external else None

    def delete_user(self, email: str) -> None:
        self._cognito.admin_delete_user(UserPoolId=self._pool, Username=email)

    def erase_user(self, user_id: str) -> None:
        """Deletes the pool's user with this `sub` (a password user with the providers linked to it, or a
        provider's user): its sign-ins and refresh tokens end with it. Idempotent."""
        if not user_id or '"' in user_id or "\\" in user_id:
            return
        found = self._cognito.list_users(UserPoolId=self._pool, Filter=f'sub = "{user_id}"', Limit=1)
        for user in found.get("Users", []):
            try:
                self._cognito.admin_delete_user(UserPoolId=self._pool, Username=str(user["Username"]))
            except ClientError as error:
                if _code(error) != "UserNotFoundException":
                    raise

    def set_password(self, email: str, password: str) -> None:
        try:
            self._cognito.admin_set_user_password(
                UserPoolId=self._pool, Username=email, Password=password, Permanent=True
            )
        except ClientError as error:
            if _code(error) == "InvalidPasswordException":
                raise Invalid(
                    "request.invalid", fields=[FieldError("password", "field.password_weak")]
                ) from None
            raise

    def sign_in(self, email: str, password: str) -> IssuedTokens:
        try:
            response = self._cognito.admin_initiate_auth(
                UserPoolId=self._pool,
                ClientId=self._client_id,
                AuthFlow="ADMIN_USER_PASSWORD_AUTH",
                AuthParameters={"USERNAME": email, "PASSWORD": password},
            )
        except ClientError as error:
            if _code(error) in (
                "NotAuthorizedException",
                "UserNotFoundException",
                "UserNotConfirmedException",
            ):
                raise Unauthorized("auth.credentials_wrong") from None
            raise
        return self._tokens(response)

    def password_matches(self, email: str, password: str) -> bool:
        try:
            self.sign_in(email, password)
        except Unauthorized:
            return False
        return True

    def refresh(self, refresh_token: str) -> IssuedTokens:
        try:
            response = self._cognito.admin_initiate_auth(
                UserPoolId=self._pool,
                ClientId=self._client_id,
                AuthFlow="REFRESH_TOKEN_AUTH",
                AuthParameters={"REFRESH_TOKEN": refresh_token},
            )
        except ClientError as error:
            if _code(error) in ("NotAuthorizedException", "UserNotFoundException"):
                raise Unauthorized("auth.session_ended") from None
            raise
        return self._tokens(response)

    def sign_out_everywhere(self, email: str) -> None:
        """Revokes the refresh tokens; an account a provider created has no user under its address (the
        session cut in the profile ends its tokens all the same)."""
        try:
            self._cognito.admin_user_global_sign_out(UserPoolId=self._pool, Username=email)
        except ClientError as error:
            if _code(error) != "UserNotFoundException":
                raise

    def set_email(self, email: str, new_email: str) -> None:
        """The sign-in address follows a confirmed change (verified: the link proved it); an account a
        provider created keeps the provider's address in the pool."""
        try:
            self._cognito.admin_update_user_attributes(
                UserPoolId=self._pool,
                Username=email,
                UserAttributes=[
                    {"Name": "email", "Value": new_email},
                    {"Name": "email_verified", "Value": "true"},
                ],
            )
        except ClientError as error:
            if _code(error) != "UserNotFoundException":
                raise

    def set_name(self, email: str, full_name: str) -> None:
        try:
            self._cognito.admin_update_user_attributes(
                UserPoolId=self._pool, Username=email, UserAttributes=[{"Name": "name", "Value": full_name}]
            )
        except ClientError as error:
            if _code(error) != "UserNotFoundException":  # a provider's user keeps the provider's name
                raise

    @staticmethod
    def _tokens(response: Any) -> IssuedTokens:
        result = response.get("AuthenticationResult")
        if not result:  # a challenge (e.g. NEW_PASSWORD_REQUIRED) our users never get
            raise Unauthorized("auth.credentials_wrong")
        return IssuedTokens(
            access_token=result["AccessToken"],
            id_token=result["IdToken"],
            refresh_token=result.get("RefreshToken"),
            expires_in=int(result.get("ExpiresIn", 3600)),
        )
