"""gramgen: weighted, always-terminating, round-trip-checked generation from Lark grammars.

>>> from gramgen import Grammar, Sampler
>>> g = Grammar.from_string('start: "a"+', parser="lalr")
>>> all(set(s.text) == {"a"} for s in Sampler(g).sample(5, seed=1))
True
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .errors import GramgenError, GrammarError, InvalidArgument, RegexUnsupported, SemanticError

if TYPE_CHECKING:
    from .analysis import Analysis
    from .derive import Chooser, Derivation, Node, RandomChooser, item_seed
    from .grammar import Grammar, bundled_grammars
    from .sample import GenerationFailed, Sample, Sampler

__version__ = "0.1.0"

# Imported on first use, so that importing gramgen (as pytest does for the plugin's
# entry point) does not load lark and numpy until they are needed.
_LAZY = {
    "Analysis": "analysis",
    "Chooser": "derive",
    "Derivation": "derive",
    "Node": "derive",
    "RandomChooser": "derive",
    "item_seed": "derive",
    "Grammar": "grammar",
    "bundled_grammars": "grammar",
    "GenerationFailed": "sample",
    "Sample": "sample",
    "Sampler": "sample",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'gramgen' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


__all__ = [
    "Analysis",
    "Chooser",
    "Derivation",
    "GenerationFailed",
    "GramgenError",
    "Grammar",
    "GrammarError",
    "InvalidArgument",
    "Node",
    "RandomChooser",
    "RegexUnsupported",
    "Sample",
    "Sampler",
    "SemanticError",
    "__version__",
    "bundled_grammars",
    "item_seed",
]
