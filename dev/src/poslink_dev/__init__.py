"""poslink's development tools, kept out of poslink's wheel: the workload generator
(``poslink_dev.synth``) and the benchmark (``poslink_dev.bench``, the ``poslink bench``
command).

The generator imports nothing of poslink: it renders from its own vocabulary, so the matcher
is measured on names it was not built from. The benchmark runs poslink as a user does.
"""
