"""One shared ``inflect`` engine, imported without its run-time type checks.

inflect decorates its public methods with typeguard's ``@typechecked``, which
re-parses and recompiles each of them when inflect is imported: 2.5 to 4.5 s per
process, more than a whole small generation run. gramgen only ever passes it
plain strings, so the import below hands inflect an identity decorator instead
(what typeguard itself does under ``python -O``). Everything else about inflect
is unchanged.
"""

from __future__ import annotations

import functools
import sys
from typing import Any

__all__ = ["engine"]


def _identity(target: Any = None, **_options: Any) -> Any:
    return target if target is not None else _identity


@functools.cache
def engine() -> Any:
    """The process's ``inflect.engine()``."""
    if "inflect" not in sys.modules:
        try:
            import typeguard
        except ImportError:  # an inflect without typeguard: nothing to skip
            pass
        else:
            real = typeguard.typechecked
            typeguard.typechecked = _identity
            try:
                import inflect
            finally:
                typeguard.typechecked = real
    import inflect

    return inflect.engine()
