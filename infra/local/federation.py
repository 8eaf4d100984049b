"""The local stand-in for "Sign in with Google / Facebook" (Cognito's hosted sign-in with a provider).

`POST /_local/federated-sign-in` with `{"provider": "Google" | "Facebook", "email": "…",
"email_verified": true, "name": "…", "subject": "<the provider's user id>"}` does what Cognito does
on a provider sign-in: it runs the user pool's pre-sign-up trigger (the template's function, with
Cognito's `PreSignUp_ExternalProvider` event); when the trigger linked the identity to a password
user, it signs in as that user; otherwise it makes (once) the provider's user `Google_<subject>` as
Cognito would (moto's API refuses such a name in an e-mail-named pool, so it is put into moto's pool
directly) and signs in as it. The answer is the tokens Cognito would hand the app.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from infra.local import moto_parity
from infra.local.activity import Activity
from infra.local.lambda_runtime import FunctionProcess
from infra.local.template import Resolver

PROVIDERS = ("Google", "Facebook")


class FederatedSignIn:
    def __init__(
        self, resolver: Resolver, functions: dict[str, FunctionProcess], activity: Activity | None = None
    ) -> None:
        self._resolver = resolver
        self._functions = functions
        self._activity = activity or Activity()

    def _pool(self) -> tuple[str, str, str | None]:
        """(pool id, app client id, the pre-sign-up trigger's function) of the template."""
        [(logical, pool)] = self._resolver.resources("AWS::Cognito::UserPool").items()
        trigger = (pool["Properties"].get("LambdaConfig") or {}).get("PreSignUp")
        function = trigger["Fn::GetAtt"][0] if isinstance(trigger, dict) and "Fn::GetAtt" in trigger else None
        [client] = self._resolver.resources("AWS::Cognito::UserPoolClient")
        return self._resolver.physical_ids[logical], self._resolver.physical_ids[client], function

    def __call__(self, method: str, path: str, body: bytes) -> tuple[int, str, bytes]:
        try:
            asked = json.loads(body or b"{}")
            provider, email = str(asked["provider"]), str(asked["email"])
            if provider not in PROVIDERS:
                raise ValueError(provider)
        except (ValueError, KeyError, TypeError):
            usage = {
                "message": 'POST {"provider": "Google", "email": "…", "email_verified": true, "name": "…"}'
            }
            return 400, "application/json", json.dumps(usage).encode()
        verified = "true" if asked.get("email_verified", True) else "false"
        username = f"{provider}_{asked.get('subject') or uuid.uuid5(uuid.NAMESPACE_URL, email).int}"
        attributes = {"email": email, "email_verified": verified, "name": str(asked.get("name") or email)}
        pool_id, client_id, trigger = self._pool()
        if trigger is not None:
            event = {
                "version": "1",
                "triggerSource": "PreSignUp_ExternalProvider",
                "region": self._resolver.region,
                "userPoolId": pool_id,
                "userName": username,
                "callerContext": {"awsSdkVersion": "local", "clientId": client_id},
                "request": {"userAttributes": attributes},
                "response": {"autoConfirmUser": False, "autoVerifyEmail": False, "autoVerifyPhone": False},
            }
            ok, _ = self._activity.deliver(self._functions[trigger], event, "cognito pre sign-up", username)
            if not ok:
                return 400, "application/json", json.dumps({"message": "the sign-up was refused"}).encode()
        return (
            200,
            "application/json",
            json.dumps(self._tokens(pool_id, client_id, username, attributes)).encode(),
        )

    def _tokens(
        self, pool_id: str, client_id: str, username: str, attributes: dict[str, str]
    ) -> dict[str, Any]:
        from moto.cognitoidp.models import CognitoIdpUser, cognitoidp_backends
        from moto.core import DEFAULT_ACCOUNT_ID

        pool = cognitoidp_backends[DEFAULT_ACCOUNT_ID][self._resolver.region].user_pools[pool_id]
        signed_in = moto_parity.LINKED.get(pool_id, {}).get(username)
        if signed_in is None:
            signed_in = username
            if username not in pool.users:
                user = CognitoIdpUser(
                    pool_id,
                    username,
                    None,
                    "EXTERNAL_PROVIDER",
                    [{"Name": k, "Value": v} for k, v in attributes.items()],
                )
                pool.users[username] = user
        refresh_token, origin_jti = pool.create_refresh_token(client_id, signed_in)
        access_token, expires_in = pool.create_access_token(client_id, signed_in, origin_jti)
        id_token, _ = pool.create_id_token(client_id, signed_in, origin_jti)
        return {
            "access_token": access_token,
            "id_token": id_token,
            "refresh_token": refresh_token,
            "expires_in": expires_in,
            "token_type": "Bearer",
            "linked": signed_in != username,
        }
