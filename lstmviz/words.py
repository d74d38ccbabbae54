"""How messages and reprs count things: "1 entry", "2 entries", "1 step"."""


def count(n: int, one: str, many: str | None = None) -> str:
    """``n`` things, in the singular or plural as ``n`` asks (``many`` where it is not ``one`` + s)."""
    return f"{n:,} {one if n == 1 else (many or one + 's')}"
