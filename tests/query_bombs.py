"""Small documents whose fragments expand exponentially (SPEC §13: none may stall the server)."""

from __future__ import annotations

BOMB_LEVELS = 30


def fragment_bomb(
    levels: int = BOMB_LEVELS, *, first: str = "__typename", prefix: str = "F"
) -> str:
    """`levels` fragments, each spreading the previous one twice: 2^(levels-1) expansions.

    `first` is the innermost fragment's selection (`a: __typename` makes every expansion
    an alias); `prefix` names the fragments, so variants miss the parse and validation
    caches.
    """
    parts = [f"fragment {prefix}0 on Query {{ {first} }}"]
    parts += [
        f"fragment {prefix}{i} on Query {{ ...{prefix}{i - 1} ...{prefix}{i - 1} }}"
        for i in range(1, levels)
    ]
    parts.append(f"query {{ ...{prefix}{levels - 1} }}")
    return " ".join(parts)
