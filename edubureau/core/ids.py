"""Row ids from requests: a URL segment, a query parameter, a JSON body, a form field.

Whatever a client sends where an id belongs ("abc", {}, [1], true, 1.5, 10**20) must end as 400 or
404, never reach a query that raises (a ValueError for "abc", an OverflowError on SQLite for 10**20).
No Django here: the pages, the API and the services share it.
"""

MAX_ID = 2**63 - 1  # the largest id a row can have (BigAutoField); a larger one would overflow the query


def parse_id(value) -> int | None:
    """The id in `value` (12 or "12"); None when it names no row: not a positive whole number
    within range, or not a number at all."""
    if isinstance(value, str):
        value = value.strip()
        if not (value.isascii() and value.isdigit()):
            return None
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if 0 < value <= MAX_ID else None
