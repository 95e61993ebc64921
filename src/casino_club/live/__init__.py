"""Live delivery: the events players and operators subscribe to, the journal that keeps
them for replay, the outbox that publishes them after commit, Redis pub/sub as their
transport, the WebSocket protocol handlers, and the per-player and per-address limits
on live connections and subscriptions."""
