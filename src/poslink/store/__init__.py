"""The decision store: decisions reused across runs, overrides, review (SQLite or PostgreSQL).

``db.DecisionStore`` is the store; ``layer.DecisionLayer`` puts it around a run's source and
sink. The submodules are imported where used: SQLAlchemy loads only when a store is.
"""
