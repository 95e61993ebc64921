"""Operators manage the shop (SPEC §7, §11): products, limited packages and promo codes
are created and edited by one `save` each (resolvers/saving.py) — enabling, disabling (a
package's kill switch) and repricing included."""

from __future__ import annotations

from casino_club.context import Context, Viewer
from casino_club.domain import promos, shop
from casino_club.domain.refusals import ValidationFailed
from casino_club.persistence import gacha as gacha_store
from casino_club.persistence import packages, products
from casino_club.persistence import promos as promo_store
from casino_club.resolvers.saving import audit_change, given, merge, retrying_a_race
from casino_club.schema.shop_admin import (
    AdminLimitedPackage,
    AdminProduct,
    AdminPromoCode,
    LimitedPackageSaved,
    ProductSaved,
    PromoCodeSaved,
    SaveLimitedPackageInput,
    SaveLimitedPackageResult,
    SaveProductInput,
    SaveProductResult,
    SavePromoCodeInput,
    SavePromoCodeResult,
)
from casino_club.services import Services

MAX_APPLIES_TO = 100


async def _save_product_once(
    context: Context, viewer: Viewer, data: SaveProductInput
) -> SaveProductResult:
    services = context.services
    values = given(data)
    async with services.unit_of_work() as uow:
        session = uow.session
        if await packages.get(session, data.sku) is not None:
            return _sku_taken()
        before = await products.get_any(session, data.sku)
        product = merge(shop.Product, before, values, nullable={"discount_ends_at"})
        if isinstance(product, ValidationFailed):
            return product
        await products.save(session, product, new=before is None)
        await audit_change(
            services, uow.session, viewer, "PRODUCT", f"product:{product.sku}", before, product
        )
        await uow.commit()
    return ProductSaved(product=AdminProduct.of(product), created=before is None)


async def _save_limited_package_once(
    context: Context, viewer: Viewer, data: SaveLimitedPackageInput
) -> SaveLimitedPackageResult:
    services = context.services
    values = given(data)
    if values.get("items") is not None:
        values["items"] = tuple((item.item_id, item.quantity) for item in values["items"])
    async with services.unit_of_work() as uow:
        session = uow.session
        if await products.get_any(session, data.sku) is not None:
            return _sku_taken()
        stocked = await packages.get(session, data.sku)
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
    context: Context, viewer: Viewer, data: SavePromoCodeInput
) -> SavePromoCodeResult:
    services = context.services
    values = given(data)
    code = promos.normalize(data.code)
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
    context: Context, viewer: Viewer, data: SaveProductInput
) -> SaveProductResult:
    return await retrying_a_race(lambda: _save_product_once(context, viewer, data))


async def save_limited_package(
    context: Context, viewer: Viewer, data: SaveLimitedPackageInput
) -> SaveLimitedPackageResult:
    return await retrying_a_race(lambda: _save_limited_package_once(context, viewer, data))


async def save_promo_code(
    context: Context, viewer: Viewer, data: SavePromoCodeInput
) -> SavePromoCodeResult:
    return await retrying_a_race(lambda: _save_promo_code_once(context, viewer, data))


def _sku_taken() -> ValidationFailed:
    return ValidationFailed.single(
        "sku", "SKU_TAKEN", "a product and a limited package cannot share a sku"
    )


async def admin_products(services: Services) -> list[AdminProduct]:
    async with services.sessionmaker() as session:
        return [AdminProduct.of(p) for p in await products.every(session)]


async def admin_packages(services: Services) -> list[AdminLimitedPackage]:
    async with services.sessionmaker() as session:
        rows = await packages.every(session)
    return [AdminLimitedPackage.of(row.package, row.sold, row.reserved) for row in rows]


async def admin_promo_codes(services: Services) -> list[AdminPromoCode]:
    async with services.sessionmaker() as session:
        rows = await promo_store.every(session)
    return [AdminPromoCode.of(promo, uses) for promo, uses in rows]
