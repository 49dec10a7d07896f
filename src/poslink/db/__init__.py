"""The databases behind catalogs and the decision store: how poslink connects to them (every
wait bounded), their errors as poslink's, SQLite's locks waited for in turns, many rows
written in chunks.

SQLAlchemy is imported where a database is used, not when this package is.
"""
