"""Casino-Club F2P: a GraphQL API server for a free-to-play social-casino game."""

__version__ = "0.1.0"
