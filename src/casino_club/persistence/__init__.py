"""Durable and hot state: SQLAlchemy models, repositories, the unit of work, Redis."""
