"""Names of the rules that compute derived data elements (a plan file's `derived: {rule: …}`).

The engine knows no cases or register: the apps that own the records register their rules here when they
start (treem.register.apps), so loading a plan can refuse an unknown rule by name. What a rule computes,
and how the values reach the write path, is theirs (treem.register.derivation)."""

from __future__ import annotations

_rules: dict[str, str] = {}  # rule name → what it counts, in Vietnamese


def register_rule(name: str, description: str) -> None:
    _rules[name] = description


def known_rules() -> dict[str, str]:
    return dict(_rules)
