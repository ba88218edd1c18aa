"""The second step of making the PDF: reportlab draws the pages, pyHanko adds what reportlab cannot —
the three empty signature fields and the evidence files as attachments.

Every attachment carries its sha256 in its description (``sha256:<hex>``); manifest.json is attached
too, byte for byte, so a reader of the signed PDF can check the evidence without the run directory.
"""

from __future__ import annotations

import hashlib
import json
import mimetypes
from io import BytesIO

from pyhanko.pdf_utils import embed, generic
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.writer import BasePdfFileWriter, copy_into_new_writer

from harness.reports.pdf.context import ReportContext
from harness.reports.pdf.evidence import Evidence, EvidenceFile
from harness.reports.pdf.fields import add_signature_fields
from harness.results.model import RunResult
from harness.results.rundir import MANIFEST_FILE
from harness.results.signoff import STAGE_KEY

DESCRIPTION_PREFIX = "sha256:"


def describe(sha256: str, size: int) -> str:
    return f"{DESCRIPTION_PREFIX}{sha256} size:{size}"


def _attach(writer: BasePdfFileWriter, name: str, data: bytes) -> None:
    sha256 = hashlib.sha256(data).hexdigest()
    mime, _ = mimetypes.guess_type(name)
    stream = embed.EmbeddedFileObject.from_file_data(writer, data=data, mime_type=mime or "application/octet-stream")
    spec = embed.FileSpec(
        file_spec_string=name, file_name=name, embedded_data=stream, description=describe(sha256, len(data))
    )
    embed.embed_file(writer, spec)


def _attach_evidence(writer: BasePdfFileWriter, evidence: Evidence) -> None:
    if evidence.root is None or not evidence.manifest_sha256:
        return
    entries: list[tuple[str, EvidenceFile | None]] = [(f.path, f) for f in evidence.attached]
    entries.append((MANIFEST_FILE, None))
    # a PDF name tree must be sorted by key
    for name, entry in sorted(entries, key=lambda pair: pair[0]):
        _attach(writer, name, evidence.manifest_bytes() if entry is None else evidence.read(entry))


def stage_statement(run: RunResult) -> bytes:
    """The stage statement the report carries (see ``results.signoff.STAGE_KEY``)."""
    assert run.stage is not None
    statement = {
        "project": run.project.name,
        "run_id": run.run_id,
        "verdict": run.verdict.value,
        "stage": run.stage.model_dump(mode="json"),
    }
    return json.dumps(statement, ensure_ascii=False, sort_keys=True).encode()


def _state_stage(writer: BasePdfFileWriter, run: RunResult) -> None:
    if run.stage is not None:
        writer.root[generic.NameObject(STAGE_KEY)] = generic.ByteStringObject(stage_statement(run))


def finish_pdf(pdf: bytes, ctx: ReportContext) -> bytes:
    """Return ``pdf`` (reportlab's output) with signature fields and evidence attachments, as one
    revision: nothing of it looks like an update made after generation."""
    writer = copy_into_new_writer(PdfFileReader(BytesIO(pdf)))
    add_signature_fields(writer, ctx.signature_boxes, ctx.t, ctx.run.report.signatories)
    _attach_evidence(writer, ctx.evidence)
    _state_stage(writer, ctx.run)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()
