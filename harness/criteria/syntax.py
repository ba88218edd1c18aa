"""The criteria language: parse ``p95 < 500ms``-style text into an AST (never ``eval``).

Grammar (whitespace-insensitive)::

    criterion  := comparison [ "for" DURATION ] [ ":" ("fail" | "warn" | "abort") ]
    comparison := sum ("<" | "<=" | ">" | ">=" | "==" | "!=") sum
    sum        := product (("+" | "-") product)*
    product    := unary (("*" | "/") unary)*
    unary      := "-" unary | primary
    primary    := NUMBER [UNIT] | reference | "(" sum ")"
    reference  := segment ("." segment)*          e.g. alerts.high, endpoint("GET /x").p95
    segment    := NAME [ "(" STRING ("," STRING)* ")" ]
    UNIT       := ms | s | min | h | %

Numbers with a unit are stored in SI (``500ms`` -> 0.5, ``1%`` -> 0.01). A unit-less number compared
with a time or a ratio is an error: ``p95 < 500`` could mean anything.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from harness.results.metrics import Dimension, dimension_of
from harness.results.model import CriterionAction


class CriterionSyntaxError(ValueError):
    """A criterion that cannot be parsed or makes no sense; ``column`` is 1-based."""

    def __init__(self, message: str, text: str, column: int | None = None) -> None:
        self.column = column
        where = f" at column {column}" if column else ""
        super().__init__(f"{message}{where} in {text!r}")


_UNITS: dict[str, tuple[float, Dimension]] = {
    "ms": (0.001, Dimension.TIME),
    "s": (1.0, Dimension.TIME),
    "sec": (1.0, Dimension.TIME),
    "min": (60.0, Dimension.TIME),
    "m": (60.0, Dimension.TIME),
    "h": (3600.0, Dimension.TIME),
    "%": (0.01, Dimension.RATIO),
}

_TOKEN = re.compile(
    r"""\s*(?:
      (?P<number>\d+(?:\.\d+)?)(?P<unit>ms|sec|min|s|m|h|%)?(?![A-Za-z_])
    | (?P<string>"[^"]*"|'[^']*')
    | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
    | (?P<op><=|>=|==|!=|<|>|\+|-|\*|/|\(|\)|\.|,|:)
    )""",
    re.VERBOSE,
)

COMPARATORS = ("<", "<=", ">", ">=", "==", "!=")
FUNCTIONS = frozenset({"endpoint"})  # endpoint("GET /path").metric: per-endpoint performance figures


@dataclass(frozen=True)
class Number:
    value: float  # SI
    dimension: Dimension | None  # None for a bare number
    text: str


@dataclass(frozen=True)
class Segment:
    name: str
    args: tuple[str, ...] | None = None  # None: a plain name; (): called without arguments

    def __str__(self) -> str:
        if self.args is None:
            return self.name
        return f"{self.name}({', '.join(repr(a) for a in self.args)})"


@dataclass(frozen=True)
class Reference:
    segments: tuple[Segment, ...]

    @property
    def dimension(self) -> Dimension:
        return dimension_of(self.segments[-1].name)

    @property
    def dotted(self) -> str:
        """The plain dotted name (``alerts.high``) when no segment is a call."""
        return ".".join(str(segment) for segment in self.segments)


@dataclass(frozen=True)
class BinaryOp:
    op: str
    left: Expression
    right: Expression


@dataclass(frozen=True)
class Negate:
    operand: Expression


Expression = Number | Reference | BinaryOp | Negate


def references(expression: Expression) -> list[Reference]:
    """Every name an expression reads, left to right."""
    if isinstance(expression, Reference):
        return [expression]
    if isinstance(expression, Negate):
        return references(expression.operand)
    if isinstance(expression, BinaryOp):
        return references(expression.left) + references(expression.right)
    return []


@dataclass(frozen=True)
class Criterion:
    text: str
    op: str
    left: Expression
    right: Expression
    window: float | None = None  # seconds the condition must be violated before an abort triggers
    action: CriterionAction = CriterionAction.FAIL

    @property
    def references(self) -> list[Reference]:
        """Every name the criterion reads, both sides."""
        return references(self.left) + references(self.right)

    @property
    def right_text(self) -> str:
        return _source(self.right)


def _source(expression: Expression) -> str:
    if isinstance(expression, Number):
        return expression.text
    if isinstance(expression, Reference):
        return expression.dotted
    if isinstance(expression, Negate):
        return f"-{_source(expression.operand)}"
    return f"{_source(expression.left)} {expression.op} {_source(expression.right)}"


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str
    column: int
    unit: str | None = None


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    position = 0
    while position < len(text):
        if text[position:].strip() == "":
            break
        match = _TOKEN.match(text, position)
        if not match or match.end() == position:
            column = position + len(text[position:]) - len(text[position:].lstrip()) + 1
            raise CriterionSyntaxError(f"unexpected {text[column - 1]!r}", text, column)
        kind = match.lastgroup if match.lastgroup not in (None, "unit") else "number"
        assert kind is not None
        start = match.start(kind)
        token_text = text[start : match.end()]  # a number keeps its unit: "500ms"
        tokens.append(_Token(kind, token_text, start + 1, match.group("unit")))
        position = match.end()
    return tokens


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = _tokenize(text)
        self.index = 0

    def peek(self) -> _Token | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self) -> _Token:
        token = self.peek()
        if token is None:
            raise CriterionSyntaxError("unexpected end", self.text)
        self.index += 1
        return token

    def expect(self, text: str) -> None:
        token = self.take()
        if token.text != text:
            raise CriterionSyntaxError(f"expected {text!r}, found {token.text!r}", self.text, token.column)

    def criterion(self) -> Criterion:
        left = self.sum()
        token = self.peek()
        if token is None or token.text not in COMPARATORS:
            found = f"found {token.text!r}" if token else "the text ends"
            column = token.column if token else None
            raise CriterionSyntaxError(f"expected a comparison (< <= > >= == !=), {found}", self.text, column)
        op = self.take().text
        right = self.sum()
        window = None
        action = CriterionAction.FAIL
        token = self.peek()
        if token is not None and token.kind == "name" and token.text == "for":
            self.take()
            duration = self.take()
            if duration.kind != "number" or duration.unit not in ("ms", "s", "sec", "min", "m", "h"):
                raise CriterionSyntaxError("'for' needs a duration such as 10s", self.text, duration.column)
            window = _number(duration).value
            token = self.peek()
        if token is not None and token.text == ":":
            self.take()
            word = self.take()
            try:
                action = CriterionAction(word.text.lower())
            except ValueError:
                raise CriterionSyntaxError(
                    f"unknown action {word.text!r} (use fail, warn or abort)", self.text, word.column
                ) from None
        trailing = self.peek()
        if trailing is not None:
            raise CriterionSyntaxError(f"unexpected {trailing.text!r}", self.text, trailing.column)
        if window is not None and action is not CriterionAction.ABORT:
            raise CriterionSyntaxError("a 'for' window only makes sense with ': abort'", self.text)
        return Criterion(self.text.strip(), op, left, right, window, action)

    def sum(self) -> Expression:
        node = self.product()
        while (token := self.peek()) is not None and token.text in ("+", "-"):
            self.take()
            node = BinaryOp(token.text, node, self.product())
        return node

    def product(self) -> Expression:
        node = self.unary()
        while (token := self.peek()) is not None and token.text in ("*", "/"):
            self.take()
            node = BinaryOp(token.text, node, self.unary())
        return node

    def unary(self) -> Expression:
        token = self.peek()
        if token is not None and token.text == "-":
            self.take()
            return Negate(self.unary())
        return self.primary()

    def primary(self) -> Expression:
        token = self.take()
        if token.kind == "number":
            return _number(token)
        if token.text == "(":
            node = self.sum()
            self.expect(")")
            return node
        if token.kind == "name":
            return self.reference(token)
        raise CriterionSyntaxError(f"unexpected {token.text!r}", self.text, token.column)

    def reference(self, first: _Token) -> Reference:
        segments = [self.segment(first)]
        while (token := self.peek()) is not None and token.text == ".":
            self.take()
            name = self.take()
            if name.kind != "name":
                raise CriterionSyntaxError("expected a name after '.'", self.text, name.column)
            segments.append(self.segment(name))
        return Reference(tuple(segments))

    def segment(self, name: _Token) -> Segment:
        token = self.peek()
        if token is None or token.text != "(":
            return Segment(name.text)
        if name.text not in FUNCTIONS:
            known = ", ".join(sorted(FUNCTIONS))
            raise CriterionSyntaxError(f"unknown function {name.text!r} (known: {known})", self.text, name.column)
        self.take()
        args: list[str] = []
        while (token := self.take()).text != ")":
            if token.kind != "string":
                raise CriterionSyntaxError("expected a quoted text argument", self.text, token.column)
            args.append(token.text[1:-1])
            following = self.take()
            if following.text == ")":
                break
            if following.text != ",":
                raise CriterionSyntaxError("expected ',' or ')'", self.text, following.column)
        return Segment(name.text, tuple(args))


def _number(token: _Token) -> Number:
    digits = token.text.removesuffix(token.unit or "")
    if token.unit is None:
        return Number(float(digits), None, digits)
    factor, dimension = _UNITS[token.unit]
    # divide for the sub-unit scales: 95 / 100 is 0.95 exactly as a float, 95 * 0.01 is 0.9500000000000001
    value = float(digits) / round(1 / factor) if factor < 1 else float(digits) * factor
    return Number(value, dimension, f"{digits}{token.unit}")


def parse_criterion(text: str, action: CriterionAction | None = None, *, check: bool = True) -> Criterion:
    """Parse and check one criterion; ``action`` (from a mapping form) overrides a ``: action`` suffix.
    ``check=False`` skips the units check (to name an unknown metric before a unit mismatch it causes).

    Raises:
        CriterionSyntaxError: for syntax errors and (``check``) for units that do not fit the metric.
    """
    parsed = _Parser(text).criterion()
    if check:
        check_dimensions(parsed)
    if action is not None and action is not parsed.action:
        parsed = Criterion(parsed.text, parsed.op, parsed.left, parsed.right, parsed.window, action)
    return parsed


def check_dimensions(criterion: Criterion) -> None:
    """Both sides must be the same kind of quantity.

    A bare number against a time or a ratio is refused with a hint (``p95 < 500`` is ambiguous), and so is
    a plain expression against a time; a plain expression against a percentage is a ratio
    (``failed / tests < 1%``).
    """
    left = _dimension(criterion.left, criterion.text)
    right = _dimension(criterion.right, criterion.text)
    if left == right:
        return
    for known, other, side in ((left, right, criterion.right), (right, left, criterion.left)):
        if known is not None and other is None:
            if isinstance(side, Number):
                raise CriterionSyntaxError(_unit_hint(known, side), criterion.text)
            if known is Dimension.RATIO:
                return
    raise CriterionSyntaxError(
        f"cannot compare a {left or 'plain number'} with a {right or 'plain number'}", criterion.text
    )


def _unit_hint(dimension: Dimension, bare: Expression) -> str:
    if dimension is Dimension.TIME:
        return f"{_source(bare)} needs a time unit (ms, s, min), e.g. 500ms"
    return f"{_source(bare)} needs a percent sign: ratios are written as percentages, e.g. 1%"


def _plain(dimension: Dimension | None) -> Dimension | None:
    """Counts and rates compare with bare numbers and with each other."""
    return None if dimension in (None, Dimension.COUNT, Dimension.RATE) else dimension


def _dimension(expression: Expression, text: str) -> Dimension | None:
    """The dimension of an expression; None means a bare (unit-less) quantity."""
    if isinstance(expression, Number):
        return expression.dimension
    if isinstance(expression, Reference):
        return _plain(expression.dimension)
    if isinstance(expression, Negate):
        return _dimension(expression.operand, text)
    left = _dimension(expression.left, text)
    right = _dimension(expression.right, text)
    if expression.op in ("+", "-"):
        if left is not None and right is not None and left != right:
            raise CriterionSyntaxError(f"cannot add a {left} and a {right}", text)
        return left or right
    if expression.op == "*":
        if left is not None and right is not None:
            raise CriterionSyntaxError(f"cannot multiply a {left} by a {right}", text)
        return left or right
    if left is not None and right is not None:
        return None if left == right else left  # time / time is a plain ratio factor
    return left if right is None else None
