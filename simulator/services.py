"""The service container the protocol layers share; built only by the composition root."""
from __future__ import annotations

from dataclasses import dataclass

from .service.access import Access
from .service.businesses import Businesses
from .service.centre import Centre
from .service.control import Control
from .service.queries import Queries
from .service.seeding import Seeder


@dataclass
class Services:
    centre: Centre
    access: Access
    businesses: Businesses
    queries: Queries
    control: Control
    seeder: Seeder

    @classmethod
    def build(cls, centre: Centre) -> "Services":
        access = Access(centre)
        return cls(centre, access, Businesses(centre, access), Queries(centre), Control(centre), Seeder(centre))
