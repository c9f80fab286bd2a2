"""Errors raised by the Saleor layer. The views turn them into the answers Saleor expects."""


class SaleorError(Exception):
    """Base of every error raised while speaking to Saleor."""


class SaleorTransportError(SaleorError):
    """Saleor could not be reached or answered with a non-2xx status."""


class SaleorGraphQLError(SaleorError):
    """Saleor answered, with `errors` (e.g. PermissionDenied for a dead token)."""

    def __init__(self, message: str, errors: list[dict], data: dict | None = None) -> None:
        super().__init__(message)
        self.errors = errors
        self.data = data


class SignatureError(SaleorError):
    """A webhook's Saleor-Signature does not verify against the installation's keys."""


class UnsafeSaleorUrl(SaleorError):
    """A Saleor API URL the app must not call (not allowed, private address, plain http)."""


class UnsafeUrl(ValueError):
    """A URL the app must not call on anyone's behalf (not http(s), or a private address)."""


class SignatureUnverifiable(SaleorError):
    """The signature could not be checked now (keys being refetched, JWKS unreachable).

    Answered with 503 so Saleor retries: a 4xx would drop a genuine event signed with a key
    we have not fetched yet, because Saleor never retries 4xx.
    """
