"""Redis commands issued in the same turn of the event loop, sent as one pipeline.

Under load many requests want Redis at once (a rate-limit check each, a publish each),
and redis-py spends more CPU per command on its connection pool, retries and bookkeeping
than on the command. Collected per loop turn, they cost one connection checkout and one
round trip, and go in the order they were issued (batches may overtake each other on
separate connections, as separate commands could). A lone command waits a loop turn or
two. A failed connection fails every command of its batch with the same exception.

On a Redis Cluster the pipeline goes to each node owning some of its commands' slots, at
once; a script whose keys span slots would fail the whole batch before anything is sent,
which is why every script here keeps its keys under one hash tag.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Sequence
from typing import Any

from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import NoScriptError, RedisClusterException
from redis.typing import EncodableT

from casino_club.persistence.redis_client import RedisClient

Pending = list[tuple[tuple[EncodableT, ...], asyncio.Future[Any]]]


class CommandBatcher:
    def __init__(self, redis: RedisClient) -> None:
        self._redis = redis
        self._pending: Pending = []
        self._sending: set[asyncio.Task[None]] = set()

    async def execute(self, *command: EncodableT) -> Any:
        """The command's reply; its error (RedisError, OSError, timeout) is raised here."""
        loop = asyncio.get_running_loop()
        reply: asyncio.Future[Any] = loop.create_future()
        self._pending.append((command, reply))
        if len(self._pending) == 1:
            loop.call_soon(self._flush)
        return await reply

    def _flush(self) -> None:
        batch, self._pending = self._pending, []
        task = asyncio.create_task(self._send(batch))
        # Held until done: the loop keeps only weak references to tasks.
        self._sending.add(task)
        task.add_done_callback(self._sending.discard)

    async def _send(self, batch: Pending) -> None:
        try:
            async with self._redis.pipeline(transaction=False) as pipe:
                for command, _ in batch:
                    pipe.execute_command(*command)
                replies = await pipe.execute(raise_on_error=False)
        except Exception as error:  # the connection failed: every command did
            if isinstance(error, RedisClusterException):
                # Not a RedisError (redis-py's Cluster client raises it when no node
                # answers, or a slot has none): to callers it is Redis unavailable.
                error = RedisConnectionError(str(error))
            for _, reply in batch:
                if not reply.done():
                    reply.set_exception(error)
            return
        except BaseException:  # cancelled (shutting down): so are the callers
            for _, reply in batch:
                reply.cancel()
            raise
        for (_, reply), value in zip(batch, replies, strict=True):
            if reply.done():  # its caller was cancelled meanwhile
                continue
            if isinstance(value, Exception):
                reply.set_exception(value)
            else:
                reply.set_result(value)


class Script:
    """A Lua script run by its SHA-1 (EVALSHA), sent in full (EVAL) only when Redis has
    forgotten it (a restart): the source crosses the network once per Redis, not per
    call."""

    def __init__(self, source: str) -> None:
        self.source = source
        # Redis names a script by its SHA-1; nothing here relies on SHA-1 being secure.
        self.sha = hashlib.sha1(source.encode(), usedforsecurity=False).hexdigest()

    async def run(
        self, commands: CommandBatcher, keys: Sequence[str], arguments: Sequence[EncodableT]
    ) -> Any:
        try:
            return await commands.execute("EVALSHA", self.sha, len(keys), *keys, *arguments)
        except NoScriptError:
            return await commands.execute("EVAL", self.source, len(keys), *keys, *arguments)


def text(value: bytes | str) -> str:
    """A reply's string: redis-py hands back bytes unless the client decodes."""
    return value.decode() if isinstance(value, bytes) else value
