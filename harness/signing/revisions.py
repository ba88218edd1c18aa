"""What happened to a report between its revisions, beyond what pyHanko judges per signature.

For a sign-off document these are failures, though pyHanko's validation accepts some of them:

- a signature that an earlier revision had and the final one no longer has (a removed signature), and a
  signature field removed after the report was generated;
- bytes after the last signature that no signature covers, unless they are only long-term validation
  data (a Document Security Store, added by ``harness sign --with-revocation``);
- a copy cut back to an earlier revision: when the run directory's report continues this file, the file
  lost the signatures made after it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from io import BytesIO
from pathlib import Path

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import EmbeddedPdfSignature

from harness.results.signoff import party_of

_LONG_TERM_TYPES = {"/XRef", "/ObjStm"}
_DATES = re.compile(r"(\w+:(?:ModifyDate|MetadataDate))(?:>[^<]*<|=\"[^\"]*\")")


def signed_fields_by_revision(reader: PdfFileReader) -> list[dict[str, bool]]:
    """For every revision, each signature field's name and whether it holds a signature."""
    history = []
    for revision in range(reader.xrefs.total_revisions):
        root = reader.get_historical_root(revision)
        fields: dict[str, bool] = {}
        # indexing (not .get) dereferences indirect objects
        if "/AcroForm" in root and "/Fields" in root["/AcroForm"]:
            for ref in root["/AcroForm"]["/Fields"]:
                entry = ref.get_object()
                if "/FT" in entry and entry["/FT"] == "/Sig" and "/T" in entry:
                    fields[str(entry["/T"])] = "/V" in entry and entry.raw_get("/V") is not None
        history.append(fields)
    return history


def history_problems(reader: PdfFileReader) -> list[str]:
    history = signed_fields_by_revision(reader)
    final = history[-1] if history else {}
    problems = []
    ever_signed = {name for fields in history for name, signed in fields.items() if signed}
    for name in sorted(ever_signed):
        if not final.get(name):
            problems.append(f"signature removed: field {name} was signed in an earlier revision and no longer is")
    original = history[0] if history else {}
    for name in sorted(set(original) - set(final)):
        problems.append(f"signature field {name} was removed after the report was generated")
    return problems


def _references(value: generic.PdfObject, seen: set[generic.Reference]) -> Iterator[generic.Reference]:
    """Every indirect reference reachable from ``value`` (in the revision ``value`` was read from)."""
    if isinstance(value, generic.IndirectObject):
        if value.reference in seen:
            return
        seen.add(value.reference)
        yield value.reference
        yield from _references(value.get_object(), seen)
    elif isinstance(value, generic.DictionaryObject):
        for key in value:
            yield from _references(value.raw_get(key), seen)
    elif isinstance(value, generic.ArrayObject):
        for item in value:
            yield from _references(item, seen)


def _long_term_data_only(reader: PdfFileReader, revision: int) -> bool:
    """Whether ``revision`` only adds or updates the Document Security Store (certificates, CRLs, OCSP)."""
    before, after = reader.get_historical_root(revision - 1), reader.get_historical_root(revision)
    if set(before) - {"/DSS"} != set(after) - {"/DSS"} or "/DSS" not in after:
        return False
    if any(before.raw_get(key) != after.raw_get(key) for key in before if key != "/DSS"):
        return False
    allowed = set(_references(after.raw_get("/DSS"), set()))
    root_ref = reader.trailer.raw_get("/Root")
    if isinstance(root_ref, generic.IndirectObject):
        allowed.add(root_ref.reference)
    resolver, previous = reader.get_historical_resolver(revision), reader.get_historical_resolver(revision - 1)
    for ref in reader.xrefs.explicit_refs_in_revision(revision):
        if ref in allowed:
            continue
        obj = resolver(ref)
        if isinstance(obj, generic.StreamObject) and str(obj.get("/Type", "")) in _LONG_TERM_TYPES:
            continue
        if not _same_but_dates(previous(ref), obj):
            return False
    return True


def _same_but_dates(before: generic.PdfObject, after: generic.PdfObject) -> bool:
    """Whether an object was only written again, at most with a new modification date (pyHanko rewrites the
    document information and XMP metadata with every update it makes)."""
    if isinstance(before, generic.StreamObject) and isinstance(after, generic.StreamObject):
        return _DATES.sub(r"\1", before.data.decode("utf-8", "replace")) == _DATES.sub(
            r"\1", after.data.decode("utf-8", "replace")
        ) and {k: v for k, v in before.items() if k != "/Length"} == {k: v for k, v in after.items() if k != "/Length"}
    if isinstance(before, generic.DictionaryObject) and isinstance(after, generic.DictionaryObject):
        return {k: v for k, v in before.items() if k != "/ModDate"} == {k: v for k, v in after.items() if k != "/ModDate"}
    return bool(before == after)


def uncovered_tail(
    reader: PdfFileReader, data: bytes, signatures: Sequence[EmbeddedPdfSignature]
) -> tuple[list[str], list[str]]:
    """(problems, notes) about the bytes after the last signature that no signature covers."""
    if not signatures:
        return [], []
    last = max(signatures, key=lambda s: int(s.byte_range[2]) + int(s.byte_range[3]))
    end = int(last.byte_range[2]) + int(last.byte_range[3])
    tail = data[end:]
    if not tail.strip():
        return [], []
    later = range(last.signed_revision + 1, reader.xrefs.total_revisions)
    try:
        long_term = (
            bool(later)
            and data.rstrip().endswith(b"%%EOF")
            and all(_long_term_data_only(reader, revision) for revision in later)
        )
    except (PdfError, ValueError, KeyError):
        long_term = False
    if long_term:
        return [], [f"long-term validation data (DSS: certificates, CRLs, OCSP) added after the last signature "
                    f"({last.field_name}) — nothing else"]  # fmt: skip
    return [
        f"unsigned content appended after the last signature ({last.field_name}): {len(tail)} bytes that no "
        "signature covers"
    ], []


def _signed_parties(data: bytes) -> list[str]:
    try:
        signatures = PdfFileReader(BytesIO(data), strict=False).embedded_signatures
    except (PdfError, ValueError, KeyError):
        return []
    return [party_of(s.field_name) or s.field_name for s in signatures]


def compare_with_run_copy(report: Path, data: bytes, copy: Path) -> tuple[list[str], list[str]]:
    """(problems, notes) from the run directory's report.pdf: is this file that report cut back?"""
    try:
        if not copy.is_file() or copy.resolve() == report.resolve():
            return [], []
        reference = copy.read_bytes()
    except OSError:
        return [], []
    if reference == data:
        return [], []
    if reference.startswith(data):
        lost = [p for p in _signed_parties(reference) if p not in _signed_parties(data)]
        signed = f" (signed there by {', '.join(lost)})" if lost else ""
        return [
            f"cut back to an earlier revision: {copy} continues this file with "
            f"{len(reference) - len(data)} more bytes{signed}; this copy lost what was added after it"
        ], []
    if data.startswith(reference):
        return [], [f"{copy} is an earlier revision of this file (signed there: "
                    f"{', '.join(_signed_parties(reference)) or 'nobody'})"]  # fmt: skip
    return [], [f"{copy} is another copy of the report with other revisions; compare the two before accepting"]
