"""Operators manage the shop (SPEC §7, §11): products, limited packages and promo codes
are created and edited by one `save` each (resolvers/saving.py) — enabling, disabling (a
package's kill switch) and repricing included."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from casino_club.context import Context, Viewer
from casino_club.domain import promos, shop
from casino_club.domain.refusals import ValidationFailed
from casino_club.domain.shop_admin import (
    AdminLimitedPackage,
    AdminPromoCode,
    LimitedPackageSaved,
    ProductSaved,
    PromoCodeSaved,
    SaveLimitedPackageOutcome,
    SaveProductOutcome,
    SavePromoCodeOutcome,
)
from casino_club.persistence import gacha as gacha_store
from casino_club.persistence import packages, products
from casino_club.persistence import promos as promo_store
from casino_club.resolvers.saving import audit_change, merge, retrying_a_race
from casino_club.services import Services

MAX_APPLIES_TO = 100


async def _save_product_once(
    context: Context, viewer: Viewer, sku: str, changes: Mapping[str, Any]
) -> SaveProductOutcome:
    services = context.services
    values = {**changes, "sku": sku}
    async with services.unit_of_work() as uow:
        session = uow.session
        if await packages.get(session, sku) is not None:
            return _sku_taken()
        before = await products.get_any(session, sku)
        product = merge(shop.Product, before, values, nullable={"discount_ends_at"})
        if isinstance(product, ValidationFailed):
            return product
        await products.save(session, product, new=before is None)
        await audit_change(
            services, uow.session, viewer, "PRODUCT", f"product:{product.sku}", before, product
        )
        await uow.commit()
    return ProductSaved(product=product, created=before is None)


async def _save_limited_package_once(
    context: Context, viewer: Viewer, sku: str, changes: Mapping[str, Any]
) -> SaveLimitedPackageOutcome:
    services = context.services
    values = {**changes, "sku": sku}
    async with services.unit_of_work() as uow:
        session = uow.session
        if await products.get_any(session, sku) is not None:
            return _sku_taken()
        stocked = await packages.get(session, sku)
        before = None if stocked is None else stocked.package
        package = merge(shop.LimitedPackage, before, values, nullable=())
        if isinstance(package, ValidationFailed):
            return package
        unknown = {item for item, _ in package.items} - await gacha_store.known_items(
            session, [item for item, _ in package.items]
        )
        if unknown:
            return ValidationFailed.single(
                "items", "UNKNOWN_ITEM", f"no such item: {', '.join(sorted(unknown))}"
            )
        if before is None:
            await packages.add(session, package)
        elif not await packages.replace_package(session, package):
            return ValidationFailed.single(
                "totalStock", "STOCK_BELOW_SOLD", "below the units already sold or held"
            )
        await audit_change(
            services, session, viewer, "LIMITED_PACKAGE", f"package:{package.sku}", before, package
        )
        saved = await packages.counted(session, package.sku)
        await uow.commit()
    assert saved is not None
    return LimitedPackageSaved(
        package=AdminLimitedPackage.of(saved.package, saved.sold, saved.reserved),
        created=before is None,
    )


async def _save_promo_code_once(
    context: Context, viewer: Viewer, code: str, changes: Mapping[str, Any]
) -> SavePromoCodeOutcome:
    services = context.services
    values = dict(changes)
    code = promos.normalize(code)
    if not 1 <= len(code) <= promos.MAX_CODE_LENGTH or not code.isascii() or not code.isprintable():
        return ValidationFailed.single("code", "INVALID_CODE", "1-64 printable ASCII characters")
    values["code"] = code
    if values.get("applies_to") is not None:
        skus = values["applies_to"]
        if len(skus) > MAX_APPLIES_TO or not all(shop.SKU_PATTERN.fullmatch(s) for s in skus):
            return ValidationFailed.single(
                "appliesTo", "INVALID_SKUS", f"at most {MAX_APPLIES_TO} skus"
            )
        values["applies_to"] = frozenset(skus)
    async with services.unit_of_work() as uow:
        session = uow.session
        before = await promo_store.get(session, code)
        promo = merge(promos.PromoCode, before, values, nullable={"currency", "max_uses"})
        if isinstance(promo, ValidationFailed):
            return promo
        if before is None:
            await promo_store.add(session, promo)
        elif not await promo_store.replace_code(session, promo):
            return ValidationFailed.single("maxUses", "BELOW_USES", "below the uses already taken")
        await audit_change(
            services, session, viewer, "PROMO_CODE", f"promo:{promo.code}", before, promo
        )
        uses = await promo_store.uses_of(session, promo.code)
        await uow.commit()
    return PromoCodeSaved(promo_code=AdminPromoCode.of(promo, uses), created=before is None)


async def save_product(
    context: Context, viewer: Viewer, sku: str, changes: Mapping[str, Any]
) -> SaveProductOutcome:
    """Create or edit the product `sku`: `changes` holds the fields the operator sent, by
    the domain's names (left out: kept)."""
    return await retrying_a_race(lambda: _save_product_once(context, viewer, sku, changes))


async def save_limited_package(
    context: Context, viewer: Viewer, sku: str, changes: Mapping[str, Any]
) -> SaveLimitedPackageOutcome:
    """Create or edit the package `sku` (`items`: (item id, quantity) pairs)."""
    return await retrying_a_race(lambda: _save_limited_package_once(context, viewer, sku, changes))


async def save_promo_code(
    context: Context, viewer: Viewer, code: str, changes: Mapping[str, Any]
) -> SavePromoCodeOutcome:
    """Create or edit the promo code `code` (compared normalized)."""
    return await retrying_a_race(lambda: _save_promo_code_once(context, viewer, code, changes))


def _sku_taken() -> ValidationFailed:
    return ValidationFailed.single(
        "sku", "SKU_TAKEN", "a product and a limited package cannot share a sku"
    )


async def admin_products(services: Services) -> list[shop.Product]:
    async with services.sessionmaker() as session:
        return await products.every(session)


async def admin_packages(services: Services) -> list[AdminLimitedPackage]:
    async with services.sessionmaker() as session:
        rows = await packages.every(session)
    return [AdminLimitedPackage.of(row.package, row.sold, row.reserved) for row in rows]


async def admin_promo_codes(services: Services) -> list[AdminPromoCode]:
    async with services.sessionmaker() as session:
        rows = await promo_store.every(session)
    return [AdminPromoCode.of(promo, uses) for promo, uses in rows]
