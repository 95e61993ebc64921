"""Use cases, one module per feature: authorize → load → decide (domain) → persist → commit → publish."""
