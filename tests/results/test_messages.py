"""Sentences the harness writes into results are catalogue messages, so the zh-CN report is Chinese.

The report test (tests/reports/pdf/test_i18n.py) reads a rich run; this one reads the source, so a note a
runner or importer adds on a path no test run takes still cannot be a plain English string.
"""

from __future__ import annotations

import ast
from pathlib import Path

import harness
from harness.results.messages import MESSAGES, catalogue_problems, message, render

PACKAGE = Path(harness.__file__).parent
# what ends up in results: notes, skipped items' reasons, failure groups' names. The signing and CLI
# layers print to a console and write the verify table, in English by design.
RESULT_WRITERS = ("runners", "results", "plan.py", "pipeline.py", "importing.py")
TEXT_FIELDS = {"notes", "reason"}


def _names_a_text_field(node: ast.expr) -> bool:
    name = node.attr if isinstance(node, ast.Attribute) else node.id if isinstance(node, ast.Name) else ""
    return name in TEXT_FIELDS or name.endswith("_notes")


def _literal_text(node: ast.expr) -> bool:
    """A str constant, an f-string or a concatenation of them: English the harness wrote."""
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and any(ch.isalpha() for ch in node.value)
    if isinstance(node, ast.BinOp):
        return _literal_text(node.left) or _literal_text(node.right)
    if isinstance(node, ast.GeneratorExp | ast.ListComp):
        return _literal_text(node.elt)
    if isinstance(node, ast.List | ast.Tuple):
        return any(_literal_text(e) for e in node.elts if not isinstance(e, ast.Starred))
    return False


def plain_text_notes(source: str) -> list[int]:
    """Lines where a string literal is added to a notes list, given as a note or as a skipped item's reason."""
    lines: list[int] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            func = node.func
            adding = (
                func.value if isinstance(func, ast.Attribute) and func.attr in ("append", "extend", "insert") else None
            )
            if adding is not None and _names_a_text_field(adding) and any(_literal_text(a) for a in node.args):
                lines.append(node.lineno)
            if not (isinstance(func, ast.Name) and func.id == "message"):  # a message's parameters are data
                lines += [k.value.lineno for k in node.keywords if k.arg in TEXT_FIELDS and _literal_text(k.value)]
        elif isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            named = [t.attr if isinstance(t, ast.Attribute) else getattr(t, "id", "") for t in targets]
            if any(name.endswith("notes") for name in named) and _literal_text(node.value):
                lines.append(node.lineno)
    return sorted(lines)


def test_no_runner_or_importer_writes_a_note_in_plain_english() -> None:
    found = []
    for part in RESULT_WRITERS:
        root = PACKAGE / part
        for path in sorted(root.rglob("*.py") if root.is_dir() else [root] if root.exists() else []):
            found += [f"{path.relative_to(PACKAGE.parent)}:{line}" for line in plain_text_notes(path.read_text())]
    assert found == []


def test_the_source_check_finds_each_way_of_writing_a_plain_note() -> None:
    source = """
outcome.notes.append(f"{n} alerts were dropped")
notes += ["a sentence in English"]
self.notes.extend(f"warning: {w}" for w in warnings)
SkippedItem(name=name, reason=f"matches {regex!r}")
notes = [*notes, "x" + detail]
outcome.notes.append(message("note.wapiti.no_report"))
reason = f"a local variable, not a result field"
message("note.target_unavailable", reason="a parameter")
"""
    assert plain_text_notes(source) == [2, 3, 4, 5, 6]


def message_makers(package: Path = PACKAGE) -> set[str]:
    """``message``, every function of the harness declared to return a Message (or ``Message | None``) and every
    class field declared to hold one (``problem: Message | None``)."""
    makers = {"message"}
    declared = ("Message", "Message | None")
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef) and node.returns is not None:
                makers.update({node.name} if ast.unparse(node.returns) in declared else ())
            elif isinstance(node, ast.ClassDef):
                makers.update(
                    field.target.id
                    for field in node.body
                    if isinstance(field, ast.AnnAssign) and isinstance(field.target, ast.Name)
                    and ast.unparse(field.annotation) in declared
                )  # fmt: skip
    return makers


def plain_setup_errors(source: str, makers: set[str]) -> list[int]:
    """Lines where a RunnerSetupError is given anything but a catalogue message: a string, an f-string, ``str(exc)``,
    a variable ever assigned one, a call of a function not declared to return a Message."""
    tree = ast.parse(source)
    assigned: dict[str, list[ast.expr]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    assigned.setdefault(target.id, []).append(node.value)
        elif isinstance(node, ast.AnnAssign | ast.AugAssign) and isinstance(node.target, ast.Name):
            assigned.setdefault(node.target.id, []).append(node.value or ast.Constant(""))

    def is_message(node: ast.expr, seen: frozenset[str] = frozenset()) -> bool:
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
            return name in makers
        if isinstance(node, ast.Attribute):  # a field declared to hold a Message
            return node.attr in makers
        if isinstance(node, ast.IfExp):
            return is_message(node.body, seen) and is_message(node.orelse, seen)
        if isinstance(node, ast.BoolOp):
            return all(is_message(value, seen) for value in node.values)
        if isinstance(node, ast.Name) and node.id not in seen and node.id in assigned:
            return all(is_message(value, seen | {node.id}) for value in assigned[node.id])
        return False

    lines = []
    for node in ast.walk(tree):
        raising = isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "RunnerSetupError"
        if raising and (len(node.args) != 1 or node.keywords or not is_message(node.args[0])):
            lines.append(node.lineno)
    return sorted(lines)


def test_every_runner_setup_error_of_the_harness_is_a_catalogue_message() -> None:
    """A suite that cannot start says why in the report's language: no RunnerSetupError in plain English."""
    makers = message_makers()
    found = [
        f"{path.relative_to(PACKAGE.parent)}:{line}"
        for path in sorted(PACKAGE.rglob("*.py"))
        for line in plain_setup_errors(path.read_text(), makers)
    ]
    assert found == []


def test_the_source_check_finds_each_way_of_raising_a_plain_setup_error() -> None:
    source = """
raise RunnerSetupError("wapiti is not installed")
raise RunnerSetupError(f"locustfile not found: {path}")
raise RunnerSetupError(str(exc)) from None
problem = f"bad rule file: {exc}"
raise RunnerSetupError(problem)
raise RunnerSetupError(reason or "the import failed")
raise RunnerSetupError(self._describe(what))
raise RunnerSetupError(message("setup.wapiti.missing"))
raise RunnerSetupError(message("setup.a") if cancelled else message("setup.b", url=url))
found = message("setup.zap.missing")
raise RunnerSetupError(found)
raise RunnerSetupError(error_reason(notes) or message("setup.import.failed", format=name))
raise RunnerSetupError(self._key_refused(what))
raise RunnerSetupError(ctx.companion.problem)
raise RunnerSetupError(ctx.companion.reason)
"""
    makers = {"message", "error_reason", "_key_refused", "problem"}
    assert plain_setup_errors(source, makers) == [2, 3, 4, 6, 7, 8, 16]
    assert {"message", "error_reason", "_key_refused", "malformed", "problem"} <= message_makers()


def test_engine_and_importer_notes_read_in_both_languages() -> None:
    assert catalogue_problems() == []
    note = message("note.security.proxy_refused", count=3, examples="GET http://127.0.0.2/")
    assert (
        render(note, "en")
        == "the scope proxy refused 3 request(s) outside the scope or excluded: GET http://127.0.0.2/"
    )
    assert render(note, "zh-CN") == "范围代理拒绝了 3 个超出测试范围或被排除的请求：GET http://127.0.0.2/"
    spider = message("note.zap.spider_stopped", progress=40, minutes=2.5)
    assert render(spider, "zh-CN") == "爬虫运行 2.5 分钟后在 40% 处停止"
    assert all(key.count(".") >= 1 for key in MESSAGES)
