"""Saleor's webhook signature: RS256 JWS with a detached, unencoded payload (RFC 7797)."""

import base64
import hashlib
import json

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class SigningKey:
    """One RSA-2048 key, published alone in the JWKS (Saleor has no key overlap)."""

    def __init__(self) -> None:
        self._private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self._public_jwk = json.loads(
            jwt.algorithms.RSAAlgorithm.to_jwk(self._private.public_key())
        )
        self.kid = self._thumbprint()

    def _thumbprint(self) -> str:
        """RFC 7638: SHA-256 over the required members in lexicographic order, no spaces."""
        members = {k: self._public_jwk[k] for k in ("e", "kty", "n")}
        canonical = json.dumps(members, separators=(",", ":"), sort_keys=True).encode()
        return _b64url(hashlib.sha256(canonical).digest())

    @property
    def public_key(self) -> rsa.RSAPublicKey:
        return self._private.public_key()

    def jwk(self) -> dict:
        return {
            "kty": "RSA",
            "e": self._public_jwk["e"],
            "n": self._public_jwk["n"],
            "use": "sig",
            "alg": "RS256",
            "kid": self.kid,
        }

    def jwks(self) -> dict:
        return {"keys": [self.jwk()]}

    def sign(self, body: bytes) -> str:
        """`<b64url header>..<b64url signature>` over b64url(header) + "." + the raw body."""
        return jwt.api_jws.encode(
            body,
            self._private,
            algorithm="RS256",
            headers={"kid": self.kid, "b64": False, "crit": ["b64"]},
            is_payload_detached=True,
        )

    def sign_jwt(self, claims: dict) -> str:
        """An RS256 JWT with this key's `kid`, as Saleor signs dashboard tokens (§5.4)."""
        return jwt.encode(claims, self._private, algorithm="RS256", headers={"kid": self.kid})
