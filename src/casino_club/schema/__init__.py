"""The GraphQL layer: types, inputs, errors and the root operations. No business logic.

The assembled schema lives in `root`, so that importing one type module (as resolvers
do) does not import every resolver through the root operations.
"""
