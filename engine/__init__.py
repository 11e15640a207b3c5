"""gramgen: weighted, always-terminating, round-trip-checked generation from Lark grammars.

>>> from gramgen import Grammar, Sampler
>>> g = Grammar.from_string('start: "a"+', parser="lalr")
>>> all(set(s.text) == {"a"} for s in Sampler(g).sample(5, seed=1))
True
"""

from __future__ import annotations

from .analysis import Analysis
from .derive import Chooser, Derivation, Node, RandomChooser, item_seed
from .errors import GramgenError, GrammarError, InvalidArgument, RegexUnsupported, SemanticError
from .grammar import Grammar, bundled_grammars
from .sample import GenerationFailed, Sample, Sampler

__version__ = "0.1.0"

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
