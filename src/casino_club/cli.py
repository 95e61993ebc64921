"""`casino-club serve | migrate | seed | reconcile | rebuild-leaderboards | run-job |
segment-users | export-schema | verify-fairness | create-admin | promote`."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, TypeVar

import typer
import uvicorn

from casino_club import jobs
from casino_club.bootstrap import create_account, promote_account, seed
from casino_club.config import ConfigurationError, get_settings
from casino_club.domain import crash, verification, wheel
from casino_club.domain.accounts import Role, SignupRequest, validate_signup
from casino_club.domain.fairness import FairnessInput, as_float, parse_seed, seed_hash
from casino_club.domain.games import Game
from casino_club.domain.segments import RunReport
from casino_club.live.ws_handlers import ShutdownReasonProtocol
from casino_club.observability import configure_logging
from casino_club.persistence import migrations
from casino_club.resolvers import leaderboards, reconciliation, segments
from casino_club.services import Services, gacha_rules, slot_paytable
from casino_club.slow_clients import HeaderDeadlineProtocol

# No locals in tracebacks: a frame's locals may hold a secret or a password.
app = typer.Typer(
    help="Casino-Club F2P GraphQL server.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)


@app.callback()
def check_settings() -> None:
    """Every command starts by reading the settings: refused ones stop it with their reasons."""
    try:
        get_settings()
    except ConfigurationError as exc:
        typer.echo(f"configuration refused: {exc}", err=True)
        raise typer.Exit(2) from None


T = TypeVar("T")


def _with_services(action: Callable[[Services], Awaitable[T]]) -> T:
    async def run() -> T:
        services = Services.create(get_settings())
        try:
            return await action(services)
        finally:
            await services.close()

    return asyncio.run(run())


@app.command()
def migrate() -> None:
    """Apply every database migration (alembic upgrade head). On PostgreSQL, instances
    migrating at once take turns (an advisory lock): one applies, the others find
    nothing to do."""
    applied = migrations.upgrade(get_settings().database_url)
    if applied:
        typer.echo(f"database migrated to head: applied {len(applied)} ({', '.join(applied)})")
    else:
        typer.echo("database already at head: nothing to apply")


@app.command("seed")
def seed_command() -> None:
    """Create the first admin, the catalog and missions, and outside production the
    development invite code and a demo player (idempotent)."""
    report = _with_services(seed)
    for line in report.created:
        typer.echo(f"created {line}")
    if not report.created:
        typer.echo("seed: nothing to do, everything exists")
    for site_id, password in report.passwords.items():
        typer.echo(f"password for {site_id} (shown only this once): {password}")
    for notice in report.notices:
        typer.echo(notice)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Default: HOST setting")] = None,
    port: Annotated[int | None, typer.Option(help="Default: PORT setting")] = None,
    workers: Annotated[
        int | None,
        typer.Option(min=1, help="Worker processes (default: WORKERS setting, 1)"),
    ] = None,
) -> None:
    """Serve the API with uvicorn (uvloop, httptools, WebSocket keep-alive pings)."""
    settings = get_settings()
    configure_logging(settings.log_level)
    bind_host, bind_port = host or settings.host, port or settings.port
    processes = workers or settings.workers
    if processes > 1 and not settings.shares_state_across_processes:
        # Each process would keep its own rate limits and deliver only its own events.
        raise typer.BadParameter(
            "several workers need REDIS_URL and a redis:// BROADCAST_URL", param_hint="--workers"
        )
    typer.echo(f"GraphiQL: http://{bind_host}:{bind_port}/graphql ({processes} worker(s))")
    uvicorn.run(
        "casino_club.app:create_app",
        factory=True,
        host=bind_host,
        port=bind_port,
        loop="uvloop",
        # httptools, with a deadline for each request's headers (slow clients, SPEC §13).
        http=HeaderDeadlineProtocol,
        timeout_keep_alive=settings.http_keep_alive_seconds,
        # Connections open at shutdown are told why they close (live/ws_handlers).
        ws=ShutdownReasonProtocol,
        ws_ping_interval=settings.ws_ping_interval_seconds,
        ws_ping_timeout=settings.ws_ping_interval_seconds,
        ws_per_message_deflate=settings.ws_per_message_deflate,
        log_config=None,
        # X-Forwarded-For is honoured by the app itself, only from TRUSTED_PROXIES.
        proxy_headers=False,
        # WebSocket messages are bounded like HTTP bodies (SPEC §13).
        ws_max_size=settings.max_request_bytes,
        workers=processes,
    )


@app.command()
def reconcile() -> None:
    """Check every wallet against the sum of its ledger; exit 1 if any disagrees."""
    found = _with_services(reconciliation.reconcile)
    for mismatch in found:
        typer.echo(
            f"user {mismatch.user_id}: wallet {mismatch.wallet_gold}, ledger {mismatch.ledger_sum}"
        )
    typer.echo(f"{len(found)} wallet(s) do not match their ledger" if found else "books balance")
    if found:
        raise typer.Exit(1)


@app.command("rebuild-leaderboards")
def rebuild_leaderboards() -> None:
    """Write the current leaderboards from SQL into Redis (production mode): after Redis
    lost them, or to repair plays whose feed failed. Plays fed meanwhile may be missed."""
    written = _with_services(leaderboards.rebuild)
    typer.echo(
        f"{written} boards written"
        if written
        else "nothing written: embedded mode "
        "(the boards are SQL), or another process is writing them"
    )


@app.command("run-job")
def run_job(
    name: Annotated[str, typer.Argument(help=f"One of: {', '.join(jobs.BY_NAME)}")],
) -> None:
    """Run one background job once, as every server does on its interval (after an
    outage, or from a scheduler); prints what it did."""
    job = jobs.BY_NAME.get(name)
    if job is None:
        raise typer.BadParameter(f"one of: {', '.join(jobs.BY_NAME)}", param_hint="NAME")

    async def run(services: Services) -> int:
        await services.start()  # some jobs publish events
        return await job.work(services)

    typer.echo(f"{job.counts}: {_with_services(run)}")


@app.command("segment-users")
def segment_users(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print the changes a run would make; write nothing")
    ] = False,
) -> None:
    """Segment every player now (lifecycle and RFM), as the daily job does: writes the
    players whose segments changed and their history; prints each change."""

    async def run(services: Services) -> RunReport | None:
        return await segments.run(services, dry_run=dry_run)

    report = _with_services(run)
    if report is None:
        typer.echo("another process is segmenting the players now; nothing done", err=True)
        raise typer.Exit(1)
    for change in report.changes:
        before = change.before.value if change.before is not None else "-"
        typer.echo(f"user {change.user_id}: {change.kind.value} {before} -> {change.after.value}")
    summary = (
        f"{report.players} players on {report.game_day.isoformat()}: "
        f"{len(report.changes)} segment changes, {report.rows_written} players' segments changed"
    )
    if report.run_id is None:
        typer.echo(f"dry run, nothing written: {summary}")
    else:
        typer.echo(f"run {report.run_id}: {summary}")


@app.command("export-schema")
def export_schema(
    output: Annotated[Path, typer.Option("--output", "-o")] = Path("schema.graphql"),
) -> None:
    """Write the GraphQL SDL and, beside it, `possibleTypes.json` (the fragment matcher
    normalized caches need): the contract a test keeps in sync."""
    from casino_club.schema.contract import possible_types_text
    from casino_club.schema.root import schema

    sdl = schema.as_str() + "\n"
    matcher = output.with_name("possibleTypes.json")
    output.write_text(sdl, encoding="utf-8")
    matcher.write_text(possible_types_text(sdl), encoding="utf-8")
    typer.echo(f"wrote {output} and {matcher}")


@app.command("verify-fairness")
def verify_fairness(
    server_seed: Annotated[str, typer.Option(help="The revealed server seed, 64 hex characters")],
    client_seed: Annotated[str, typer.Option()],
    nonce: Annotated[int, typer.Option(min=0)],
    game: Annotated[Game, typer.Option(case_sensitive=False)] = Game.SLOTS,
) -> None:
    """Recompute a round offline from its seeds (the same code the server runs)."""
    try:
        seed = parse_seed(server_seed.strip().lower())
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--server-seed") from None
    settings = get_settings()
    found = verification.recompute(
        game,
        FairnessInput(seed, client_seed, nonce),
        paytable=slot_paytable(settings),
        gacha_rules=gacha_rules(settings),
    )
    typer.echo(f"game: {game.value}")
    typer.echo(f"server seed hash: {seed_hash(seed)}")
    typer.echo(f"floats: {', '.join(f'{as_float(u):.10f}' for u in found.uints)}")
    typer.echo(_describe(found))


def _describe(found: verification.Recomputed) -> str:
    """The outcome line, worded as each game shows it to players."""
    if found.reels is not None:
        emoji = "".join(symbol.emoji for symbol in found.reels)
        return f"reels: {' '.join(symbol.value for symbol in found.reels)} ({emoji})"
    if found.rps_server_move is not None:
        return f"server move: {found.rps_server_move.value}"
    if found.dice_roll is not None:
        return f"roll: {_hundredths(found.dice_roll)}"
    if found.gacha_rolls is not None:
        return f"rarities without pity: {' '.join(r.value for r in found.gacha_rolls)}"
    if found.wheel_segment is not None:
        segment = wheel.DEFAULT_SEGMENTS[found.wheel_segment]
        return f"wheel segment: {found.wheel_segment} ({segment.label})"
    assert found.crash_point is not None
    point = found.crash_point
    return f"crash point: {_hundredths(point)} (crashes at {crash.reach_ms(point)} ms)"


def _hundredths(value: int) -> str:
    """Integer hundredths as two-decimal text, with no binary float in between."""
    return f"{value // 100}.{value % 100:02d}"


def _read_password() -> str:
    """From a hidden prompt on a terminal, else the first line of stdin — never from an
    argument, which would land in shell history and process listings."""
    if sys.stdin.isatty():
        return str(typer.prompt("Password", hide_input=True, confirmation_prompt=True))
    return sys.stdin.readline().rstrip("\r\n")


@app.command("create-admin")
def create_admin(
    site_id: Annotated[str, typer.Option(prompt=True)],
    nickname: Annotated[str, typer.Option(prompt=True)],
) -> None:
    """Create an operator account; the password is read from a prompt or stdin."""
    password = _read_password()
    problems = validate_signup(
        SignupRequest(site_id=site_id, nickname=nickname, password=password, phone=None)
    )
    if problems:
        for problem in problems:
            typer.echo(f"{problem.field}: {problem.message}", err=True)
        raise typer.Exit(2)

    async def create(services: Services) -> bool:
        return await create_account(
            services,
            site_id=site_id,
            nickname=nickname,
            password=password,
            role=Role.ADMIN,
            bonus=0,
        )

    if not _with_services(create):
        typer.echo("an account with this siteId or nickname exists", err=True)
        raise typer.Exit(1)
    typer.echo(f"created admin {site_id}")


@app.command()
def promote(site_id: Annotated[str, typer.Option(help="The player to make an operator")]) -> None:
    """Make an existing player an operator (audited; running servers see it within
    SESSION_CACHE_SECONDS, or at once after the player logs in again)."""

    async def run(services: Services) -> bool:
        return await promote_account(services, site_id)

    if not _with_services(run):
        typer.echo(f"no account {site_id}", err=True)
        raise typer.Exit(1)
    typer.echo(f"{site_id} is an operator")
