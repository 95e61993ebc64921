"""Per-request DataLoaders: batch the lookups a query would otherwise make one by one."""

from __future__ import annotations

from dataclasses import dataclass

from strawberry.dataloader import DataLoader

from casino_club.dataloaders.accounts import accounts_by_id
from casino_club.dataloaders.experience import experience_by_id
from casino_club.dataloaders.segments import segments_by_id
from casino_club.dataloaders.users import users_by_id
from casino_club.domain.segments import PlayerSegments
from casino_club.persistence.models import User
from casino_club.persistence.users import HeldAccount
from casino_club.services import Services


@dataclass(frozen=True, slots=True)
class Loaders:
    users: DataLoader[int, User | None]
    experience: DataLoader[int, int]
    accounts: DataLoader[int, HeldAccount | None]
    segments: DataLoader[int, PlayerSegments | None]

    @classmethod
    def create(cls, services: Services) -> Loaders:
        return cls(
            users=users_by_id(services),
            experience=experience_by_id(services),
            accounts=accounts_by_id(services),
            segments=segments_by_id(services),
        )
