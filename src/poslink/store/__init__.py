"""The decision store: decisions reused across runs, overrides, review (SQLite or PostgreSQL).

``db.DecisionStore`` is the store; ``run.run_with_store`` a run that uses it. The submodules
are imported where used: SQLAlchemy loads only when a store is.
"""
