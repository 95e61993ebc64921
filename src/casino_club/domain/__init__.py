"""Pure game and economy rules: no I/O, no database, no GraphQL.

Everything here is plain Python over plain values, so it can be tested exhaustively and
its numbers published as they are.
"""
