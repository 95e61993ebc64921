"""Use cases, one module per feature.

Each reads as a short story: authorize → load → decide (domain) → persist → commit → publish.
"""
