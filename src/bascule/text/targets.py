"""Which configured targets a post mentions: names, aliases, hashtags and official handles.

Matching is case- and accent-insensitive (`Québec solidaire` = `quebec solidaire`) and
respects word boundaries (`PQ` matches « le PQ » but not « PQRS »), in French and English.
One compiled regular expression for all targets keeps it fast.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from bascule.config import Target
from bascule.text.normalize import fold, squash


def target_terms(target: Target) -> list[str]:
    """Every folded surface form of a target: names, aliases, hashtags, @handles."""
    terms = [target.name, target.name_en or "", *target.aliases, *target.hashtags]
    terms += ["@" + h for h in target.handles()]
    terms += [*target.favor_hashtags, *target.against_hashtags]
    return sorted({squash(t) for t in terms if t and squash(t).strip("#@")})


class TargetMatcher:
    """Find mentions of targets in texts: `TargetMatcher(config.targets).find(texts)`."""

    def __init__(self, targets: Iterable[Target]) -> None:
        self.targets = list(targets)
        self._owners: dict[str, list[str]] = {}
        for t in self.targets:
            for term in target_terms(t):
                owners = self._owners.setdefault(term, [])
                if t.id not in owners:
                    owners.append(t.id)
        self._order = {t.id: i for i, t in enumerate(self.targets)}
        if self._owners:
            alts = sorted(self._owners, key=len, reverse=True)
            body = "|".join(re.escape(a).replace(r"\ ", r"\s+") for a in alts)
            self._regex: re.Pattern[str] | None = re.compile(rf"(?<![\w@])(?:{body})(?![\w])")
        else:
            self._regex = None

    def find_one(self, text: str | None) -> list[str]:
        """Target ids mentioned in one text, in configuration order."""
        if self._regex is None or not text:
            return []
        found: set[str] = set()
        for m in self._regex.finditer(fold(text)):
            found.update(self._owners[_SPACE.sub(" ", m.group(0))])
        return sorted(found, key=self._order.__getitem__)

    def find(self, texts: Sequence[str | None]) -> list[list[str]]:
        """Target ids mentioned in each text (empty list when none)."""
        return [self.find_one(t) for t in texts]


_SPACE = re.compile(r"\s+")
