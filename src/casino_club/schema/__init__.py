"""The GraphQL layer: types, inputs, errors and the root operations. No business logic,
no I/O: root fields call use cases (resolvers/) and publish the values they answer.

The assembled schema lives in `root`, so that importing one type module does not import
every use case through the root operations.
"""
