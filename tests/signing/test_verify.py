"""Every kind of tampering with a signed report is caught, with a message saying what was tampered."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from io import BytesIO
from pathlib import Path

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader

from harness.signing import DEMO_PASSWORD, VerificationReport, sign_report, verify_report

CopyOf = Callable[[Path], Path]


def all_problems(result: VerificationReport) -> str:
    found = [*result.problems, *result.evidence.problems]
    found += [p for s in result.signatures for p in s.problems]
    found += [p for a in result.evidence.attachments for p in a.problems]
    return "\n".join(found)


def update(report: Path, change: Callable[[IncrementalPdfFileWriter], None]) -> None:
    """Append an incremental update made by ``change`` (what an editing tool does after signing)."""
    writer = IncrementalPdfFileWriter(BytesIO(report.read_bytes()))
    change(writer)
    out = BytesIO()
    writer.write(out)
    report.write_bytes(out.getvalue())


def test_the_untampered_report_verifies(signed_report: Path, keys: dict[str, Path]) -> None:
    result = verify_report(signed_report, [keys["ca"]], require_all=True)
    assert result.ok, all_problems(result)
    assert all(s.signed and s.intact and s.trusted for s in result.signatures)


def test_byte_flip_inside_a_signed_range(signed_report: Path, keys: dict[str, Path], copy_of: CopyOf) -> None:
    report = copy_of(signed_report)
    data = bytearray(report.read_bytes())
    position = data.index(b"stream", 2000) + 40  # inside a stream of the generated revision
    data[position] ^= 0x20
    report.write_bytes(bytes(data))
    result = verify_report(report, [keys["ca"]])
    assert not result.ok
    assert all(not s.intact for s in result.signatures)
    assert "integrity broken: the signed bytes were changed after signing" in all_problems(result)


def test_incremental_update_that_changes_page_content(
    signed_report: Path, keys: dict[str, Path], copy_of: CopyOf
) -> None:
    report = copy_of(signed_report)

    def deface_cover(writer: IncrementalPdfFileWriter) -> None:
        page_ref, _ = writer.find_page_for_modification(0)
        page = page_ref.get_object()
        forged = writer.add_object(generic.StreamObject(stream_data=b"BT /F1 30 Tf 100 400 Td (PASS) Tj ET"))
        contents = page.raw_get("/Contents")
        page["/Contents"] = generic.ArrayObject([contents, forged])
        writer.update_container(page)

    update(report, deface_cover)
    result = verify_report(report, [keys["ca"]])
    assert not result.ok
    assert all(s.intact and s.trusted for s in result.signatures)  # the signed bytes themselves are untouched
    problems = all_problems(result)
    assert "modified after this signature beyond signing and form filling (modification level OTHER)" in problems
    changes = "\n".join(result.party("supervision").changes)
    assert "objects used at page 1" in changes  # pyHanko's difference analysis found the changed page
    assert "unsigned content appended after the last signature" in problems


def _clear_signature(field_name: str) -> Callable[[IncrementalPdfFileWriter], None]:
    def clear(writer: IncrementalPdfFileWriter) -> None:
        for ref in writer.root["/AcroForm"]["/Fields"]:
            field = ref.get_object()
            if field["/T"] == field_name:
                del field["/V"]
                writer.update_container(field)

    return clear


def test_removed_signature(signed_report: Path, keys: dict[str, Path], copy_of: CopyOf) -> None:
    for removed in ("sig_project", "sig_business"):  # one in the middle, then the last one
        report = copy_of(signed_report)
        update(report, _clear_signature(removed))
        result = verify_report(report, [keys["ca"]])
        assert not result.ok
        party = removed.removeprefix("sig_")
        assert not result.party(party).signed
        assert f"signature removed: field {removed} was signed in an earlier revision" in all_problems(result)


def test_replaced_attachment(signed_report: Path, keys: dict[str, Path], copy_of: CopyOf) -> None:
    report = copy_of(signed_report)

    def replace_junit(writer: IncrementalPdfFileWriter) -> None:
        names = writer.root["/Names"]["/EmbeddedFiles"]["/Names"]
        index = [str(n) for n in list(names)[::2]].index("raw/unit/junit.xml")
        stream_ref = names[2 * index + 1].get_object()["/EF"].raw_get("/F")
        original = stream_ref.get_object()
        forged = generic.StreamObject({generic.NameObject("/Type"): generic.NameObject("/EmbeddedFile")},
                                      stream_data=b'<testsuite name="unit" tests="30" failures="0"/>')  # fmt: skip
        writer.objects[(stream_ref.generation, stream_ref.idnum)] = forged
        assert original is not forged

    update(report, replace_junit)
    result = verify_report(report, [keys["ca"]])
    assert not result.ok
    junit = next(a for a in result.evidence.attachments if a.name == "raw/unit/junit.xml")
    assert any("differs from its description" in p for p in junit.problems)
    assert any("differs from manifest.json" in p for p in junit.problems)
    assert "EmbeddedFiles" in "\n".join(result.party("project").changes)  # the difference analysis saw it


def test_signature_by_a_key_outside_the_trust_root(
    signed_report: Path, unsigned_report: Path, keys: dict[str, Path], rogue_key: Path, copy_of: CopyOf
) -> None:
    report = copy_of(unsigned_report)
    sign_report(report, party="supervision", key=keys["supervision"], password=DEMO_PASSWORD)
    sign_report(report, party="project", key=rogue_key, password=DEMO_PASSWORD)
    result = verify_report(report, [keys["ca"]])
    assert not result.ok
    project = result.party("project")
    assert project.intact and not project.trusted and project.signer == "Mallory"
    assert "does not chain to the given trust anchors" in "\n".join(project.problems)
    assert result.party("supervision").ok


def test_unsigned_bytes_appended_after_the_last_signature(
    signed_report: Path, keys: dict[str, Path], copy_of: CopyOf
) -> None:
    report = copy_of(signed_report)
    report.write_bytes(report.read_bytes() + b"\n%% approved by the minister\n1 0 obj (forged) endobj\n")
    result = verify_report(report, [keys["ca"]])
    assert not result.ok
    assert all(s.intact and s.trusted for s in result.signatures)  # pyHanko alone would accept this file
    assert "unsigned content appended after the last signature (sig_business)" in all_problems(result)


def test_unsigned_incremental_update_after_the_last_signature(
    signed_report: Path, keys: dict[str, Path], copy_of: CopyOf
) -> None:
    report = copy_of(signed_report)

    def add_metadata(writer: IncrementalPdfFileWriter) -> None:
        info = writer.trailer["/Info"].get_object()
        info["/Title"] = generic.TextStringObject("Approved without conditions")
        writer.update_container(info)

    update(report, add_metadata)
    result = verify_report(report, [keys["ca"]])
    assert not result.ok
    assert "unsigned content appended after the last signature" in all_problems(result)


def test_unsigned_report_passes_only_without_require_all(unsigned_report: Path, keys: dict[str, Path]) -> None:
    assert verify_report(unsigned_report, [keys["ca"]]).ok
    required = verify_report(unsigned_report, [keys["ca"]], require_all=True)
    assert not required.ok
    assert "the project party has not signed" in required.problems


def test_without_trust_anchors_nothing_is_trusted(signed_report: Path) -> None:
    result = verify_report(signed_report)
    assert not result.ok
    assert all("no trust anchor given" in "\n".join(s.problems) for s in result.signatures)


def test_run_directory_that_differs_from_the_signed_manifest(
    signed_report: Path, unsigned_report: Path, keys: dict[str, Path], tmp_path: Path
) -> None:
    run_dir = tmp_path / "run"
    shutil.copytree(unsigned_report.parent, run_dir)
    assert verify_report(signed_report, [keys["ca"]], evidence_dir=run_dir).ok
    (run_dir / "raw" / "unit" / "pytest.log").write_text("collected 0 items\n")
    (run_dir / "raw" / "integration" / "locust_stats.csv").unlink()  # a digest-only file
    result = verify_report(signed_report, [keys["ca"]], evidence_dir=run_dir)
    assert not result.ok
    problems = all_problems(result)
    assert "raw/unit/pytest.log: differs from the manifest" in problems
    assert "raw/integration/locust_stats.csv: missing from the run directory" in problems


def test_signed_report_keeps_its_revisions(signed_report: Path) -> None:
    reader = PdfFileReader(BytesIO(signed_report.read_bytes()))
    assert reader.xrefs.total_revisions == 4
