"""What of an exception may be stored on a row or logged."""


def error_text(exc: BaseException) -> str:
    """Exception type and the first line of its message, at most 500 characters: database
    errors put the offending values (emails) on their DETAIL line, and providers quote the
    address on later lines, so the rest must not reach logs or rows."""
    lines = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {lines[0] if lines else ''}"[:500]
