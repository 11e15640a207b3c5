"""The exceptions gramgen raises: one root, each naming the culprit."""

from __future__ import annotations

from typing import Any

__all__ = [
    "GramgenError",
    "GrammarError",
    "InvalidArgument",
    "RegexUnsupported",
    "SemanticError",
]


class GramgenError(Exception):
    """Root of every error gramgen raises on purpose."""


class InvalidArgument(GramgenError, ValueError):
    """A function or command-line argument has a bad value.

    The message names the argument, what was expected and what was given:
    ``max_size must be an int >= 1, got max_size='3' (type=str)``.
    """


class GrammarError(GramgenError):
    """Something is wrong with a grammar, located as precisely as we know.

    ``str(err)`` reads ``file:line:column: rule 'name': message`` with the parts
    that are known; the parts are also attributes for programs.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        column: int | None = None,
        rule: str | None = None,
        context: str | None = None,
    ) -> None:
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        self.rule = rule
        self.context = context
        super().__init__(self.__str__())

    @classmethod
    def at(cls, message: str, pos: Any, *, file: str, rule: str | None = None) -> GrammarError:
        """An error at ``pos`` (anything with ``file``, ``line``, ``column``), or in ``file``."""
        if pos is None:
            return cls(message, file=file, rule=rule)
        return cls(message, file=pos.file, line=pos.line, column=pos.column, rule=rule)

    def location(self) -> str:
        """``file:line:column`` with whatever parts are known ('' if none)."""
        parts = [p for p in (self.file, self.line, self.column) if p is not None]
        return ":".join(str(p) for p in parts)

    def __str__(self) -> str:
        loc = self.location()
        head = f"{loc}: " if loc else ""
        rule = f"{'terminal' if self.rule and self.rule.lstrip('_').isupper() else 'rule'} "
        rule = f"{rule}'{self.rule}': " if self.rule else ""
        tail = f"\n{self.context}" if self.context else ""
        return f"{head}{rule}{self.message}{tail}"


class RegexUnsupported(GramgenError):
    """A terminal's regular expression uses something the sampler cannot generate."""

    def __init__(self, pattern: str, reason: str) -> None:
        self.pattern = pattern
        self.reason = reason
        super().__init__(f"cannot sample /{pattern}/: {reason}")


class SemanticError(GramgenError):
    """A semantic action raised; carries the rule and the derivation that raised it."""
