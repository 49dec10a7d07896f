"""The benchmark behind ``make bench``: ``cli.py`` is the ``poslink bench`` command, each part
of it a module (``generated``, ``real``, ``engines`` with ``spark`` and ``store``, ``service``
with ``loadgen``)."""
