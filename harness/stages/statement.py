"""Read the stage statement a report carries in its first revision (``results.signoff.STAGE_KEY``)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from io import BytesIO

from pydantic import ValidationError
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader

from harness.results.model import StageRecord
from harness.results.signoff import STAGE_KEY


@dataclass(frozen=True)
class StageStatement:
    """What a report states about its stage: signed by every party, since it is in the first revision."""

    project: str
    run_id: str
    verdict: str
    stage: StageRecord


def read_statement(data: bytes) -> StageStatement | None:
    """The statement of the PDF ``data`` as generated (revision 1), or None when it states no stage or the
    file is not a readable PDF."""
    try:
        reader = PdfFileReader(BytesIO(data), strict=False)
        root = reader.get_historical_root(0)
        if STAGE_KEY not in root:
            return None
        value = root[STAGE_KEY]
        raw = value.original_bytes if isinstance(value, generic.ByteStringObject | generic.TextStringObject) else b""
        payload = json.loads(raw.decode("utf-8"))
        return StageStatement(
            project=str(payload["project"]),
            run_id=str(payload["run_id"]),
            verdict=str(payload["verdict"]),
            stage=StageRecord.model_validate(payload["stage"]),
        )
    except (PdfError, ValueError, KeyError, TypeError, ValidationError, UnicodeDecodeError):
        return None
