"""The databases behind catalogs and the decision store: how poslink connects to them (every
wait bounded), their errors as poslink's, and SQLite's locks waited for in turns.

SQLAlchemy is imported where a database is used, not when this package is.
"""
