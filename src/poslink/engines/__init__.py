"""Engines run the flow Source -> parse -> Matcher -> Sink; registered under ``poslink.engines``.

The extension point is ``base.Engine`` (also ``poslink.Engine``); this package imports nothing
itself, so that what the engines share (``forks.py``) can be imported on its own.
"""
