"""The catalog team's review console: the grouped queue, decisions that teach, catalog gaps.

``poslink console`` serves it (``app.py``); the pieces under it work without a web server:
``queue.py`` (groups to review), ``learn.py`` (what a decision teaches), ``actions.py``
(overrides, lessons and the audit), ``gaps.py`` (proposed products), ``search.py`` (catalog
type-ahead), ``auth.py`` (users, sessions, CSRF).
"""
