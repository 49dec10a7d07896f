"""The decision store's tables (SQLAlchemy Core), the same on SQLite and PostgreSQL.

- ``poslink_decisions``: the matcher's last decision per (source, store, POS id), with the
  fingerprint of the fields matching read and what it depended on: the rules, the catalog's
  brand aliases, the catalog version and the catalog brand the record was read as (when known).
- ``poslink_catalog_blocks``: per catalog version, a hash of each brand's products: a decision
  made against an older version still holds when its brand's hash is unchanged.
- ``poslink_overrides``: curated answers by (source, POS id) or (source, normalized name).
- ``poslink_runs``: one row per run that wrote the store.
- ``poslink_meta``: the schema version.
- ``poslink_api_keys``: the HTTP service's API keys, hashed (``service/keys.py``). A new table
  only: stores made before it get it on first use, with no change of schema version.

Catalog ids are text (``J30962`` as well as ``30962``); version 1 held them as integers and is
migrated on opening (``store/migrate.py``).
"""

from __future__ import annotations

import sqlalchemy as sa

SCHEMA_VERSION = "2"

metadata = sa.MetaData()

decisions = sa.Table(
    "poslink_decisions",
    metadata,
    sa.Column("source", sa.Text, primary_key=True),
    sa.Column("store", sa.Text, primary_key=True),
    sa.Column("pos_id", sa.Text, primary_key=True),
    sa.Column("fingerprint", sa.Text, nullable=False),
    sa.Column("record", sa.Text, nullable=False),  # JSON of the fields matching read
    sa.Column("rules", sa.Text, nullable=False),
    sa.Column("brands", sa.Text, nullable=False),
    sa.Column("catalog_version", sa.Text, nullable=False),
    sa.Column("brand_key", sa.Text, nullable=True),  # NULL: not known (worked out when needed)
    sa.Column("jane_product_id", sa.Text, nullable=True),
    sa.Column("score", sa.Float, nullable=False),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("run_id", sa.Integer, nullable=False),
)

catalog_blocks = sa.Table(
    "poslink_catalog_blocks",
    metadata,
    sa.Column("catalog_version", sa.Text, primary_key=True),
    sa.Column("brand_key", sa.Text, primary_key=True),
    sa.Column("hash", sa.Text, nullable=False),
)

# key_kind is "pos_id" or "name"; jane_product_id NULL means "none": no catalog product.
overrides = sa.Table(
    "poslink_overrides",
    metadata,
    sa.Column("source", sa.Text, primary_key=True),
    sa.Column("key_kind", sa.Text, primary_key=True),
    sa.Column("key", sa.Text, primary_key=True),
    sa.Column("jane_product_id", sa.Text, nullable=True),
    sa.Column("note", sa.Text, nullable=False, default=""),
    sa.Column("created_at", sa.Text, nullable=False),
)

runs = sa.Table(
    "poslink_runs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("started_at", sa.Text, nullable=False),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("store", sa.Text, nullable=False),
    sa.Column("catalog_version", sa.Text, nullable=False),
    sa.Column("full", sa.Boolean, nullable=False),
    sa.Column("records", sa.Integer, nullable=False),
    sa.Column("matched_now", sa.Integer, nullable=False),
    sa.Column("reused", sa.Integer, nullable=False),
    sa.Column("counts", sa.Text, nullable=False),  # JSON: status -> records
    # Everything the output depends on, hashed; with the output's digest, once published.
    sa.Column("feed_key", sa.Text, nullable=False),
    sa.Column("output", sa.Text, nullable=True),
    sa.Column("output_digest", sa.Text, nullable=True),
    sa.Column("rejects", sa.Text, nullable=True),
    sa.Column("rejects_digest", sa.Text, nullable=True),
)
# A run looks for the last published output of its feed (``DecisionStore.last_published``): by
# its source and feed key, not by reading every run a store ever recorded. Not part of the
# schema version: a store made without it gets it when next opened, and reads the same.
runs_by_feed = sa.Index("poslink_runs_feed", runs.c.source, runs.c.feed_key)

meta = sa.Table(
    "poslink_meta",
    metadata,
    sa.Column("name", sa.Text, primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

# The review console (#14): its users, their sessions, the audit of every decision, and the
# knowledge reviewers taught (brand aliases, strain nicknames) that the parser loads.

console_users = sa.Table(
    "poslink_console_users",
    metadata,
    sa.Column("name", sa.Text, primary_key=True),
    sa.Column("password_hash", sa.Text, nullable=False),  # argon2id, never the password
    sa.Column("role", sa.Text, nullable=False),  # "reviewer" or "admin"
    sa.Column("created_at", sa.Text, nullable=False),
)

# A session is known by the SHA-256 of its cookie: the store never holds a usable token.
console_sessions = sa.Table(
    "poslink_console_sessions",
    metadata,
    sa.Column("token_hash", sa.Text, primary_key=True),
    sa.Column("user_name", sa.Text, nullable=False),
    sa.Column("csrf", sa.Text, nullable=False),
    sa.Column("expires", sa.Float, nullable=False),  # seconds since the epoch
)

# One row per console action (a decision, an undo, knowledge confirmed, a user added), with
# who and when; a decision's ``detail`` holds the overrides it wrote and what they replaced.
audit = sa.Table(
    "poslink_audit",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.Text, nullable=False),
    sa.Column("user_name", sa.Text, nullable=False),
    sa.Column("action", sa.Text, nullable=False),
    sa.Column("subject", sa.Text, nullable=False),
    sa.Column("answer", sa.Text, nullable=False, default=""),
    sa.Column("detail", sa.Text, nullable=False, default="{}"),  # JSON
    sa.Column("undone", sa.Boolean, nullable=False, default=False),
)

# kind "brand": text (a written brand) -> target (a catalog brand); kind "nickname": text -> target
# (a strain or product name), for one catalog brand (``brand``) or any (""). ``scope`` is
# "global", "source" or "store", ``scope_value`` the source or store it holds for.
knowledge = sa.Table(
    "poslink_knowledge",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("target", sa.Text, nullable=False),
    sa.Column("brand", sa.Text, nullable=False, default=""),
    sa.Column("scope", sa.Text, nullable=False),
    sa.Column("scope_value", sa.Text, nullable=False, default=""),
    sa.Column("created_by", sa.Text, nullable=False),
    sa.Column("created_at", sa.Text, nullable=False),
    sa.Column("example", sa.Text, nullable=False, default=""),
    sa.UniqueConstraint("kind", "text", "brand", "scope", "scope_value"),
)

# `poslink serve`'s API keys, one per integration (``name``): only a SHA-256 of each key is
# kept, with its first characters (``hint``) to tell keys apart; a revoked key keeps its row.
api_keys = sa.Table(
    "poslink_api_keys",
    metadata,
    sa.Column("name", sa.Text, primary_key=True),
    sa.Column("key_hash", sa.Text, nullable=False, unique=True),
    sa.Column("hint", sa.Text, nullable=False),
    sa.Column("created_at", sa.Text, nullable=False),
    sa.Column("revoked_at", sa.Text, nullable=True),
)
