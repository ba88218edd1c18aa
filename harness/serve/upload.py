"""Reading an uploaded report: size-limited while it arrives, written only into the caller's temporary folder.

The request body is counted as it is received, so an upload over the limit is cut off there (whatever its
Content-Length says, or when it has none) instead of being spooled whole first.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException
from starlette.requests import Request
from starlette.types import Message

FORM_OVERHEAD = 64 * 1024  # multipart boundaries, part headers and the form's small fields
CHUNK = 1 << 20


class UploadError(Exception):
    """An upload the dashboard will not check: too large, missing, empty or malformed."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _too_large(limit: int) -> UploadError:
    return UploadError(413, f"the file is larger than the server accepts ({limit // (1024 * 1024)} MiB)")


class _BodyTooLarge(Exception):
    pass


def _counting(receive: Callable[[], Awaitable[Message]], budget: int) -> Callable[[], Awaitable[Message]]:
    received = 0

    async def wrapped() -> Message:
        nonlocal received
        message = await receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > budget:
                raise _BodyTooLarge
        return message

    return wrapped


async def save_upload(request: Request, field: str, limit: int, destination: Path) -> tuple[str, int, dict[str, str]]:
    """Write the file of form field ``field`` to ``destination``; return its client-side name, its size and
    the form's other (text) fields.

    Raises:
        UploadError: over ``limit`` bytes (413), no file, an empty file or a malformed form (400).
    """
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit + FORM_OVERHEAD:
        raise _too_large(limit)
    counted = Request(request.scope, receive=_counting(request.receive, limit + FORM_OVERHEAD))
    try:
        form = await counted.form(max_files=1, max_fields=4, max_part_size=FORM_OVERHEAD)
    except _BodyTooLarge:
        raise _too_large(limit) from None
    except (MultiPartException, HTTPException) as exc:
        raise UploadError(400, f"the upload could not be read: {getattr(exc, 'detail', None) or exc}") from None
    try:
        item = form.get(field)
        if not isinstance(item, UploadFile):
            raise UploadError(400, "choose a report PDF to upload")
        size = 0
        with destination.open("wb") as out:
            while chunk := await item.read(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise _too_large(limit)
                out.write(chunk)
        if size == 0:
            raise UploadError(400, "the uploaded file is empty")
        fields = {key: value for key, value in form.items() if isinstance(value, str)}
        return item.filename or "", size, fields
    finally:
        await form.close()
