"""Detection: find drug-sale adverts in posts and say why (ARCHITECTURE §4, §7).

`Scanner.default().scan(text)` returns a `Finding`; see engine.py for the pipeline.
"""

from narcolex.detect.engine import Scanner
from narcolex.detect.finding import Contribution, Finding, Match, Signal
from narcolex.detect.scoring import ScoringConfig

__all__ = ["Contribution", "Finding", "Match", "Scanner", "ScoringConfig", "Signal"]
