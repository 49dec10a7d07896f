"""What one run is made of, for the orchestrator (``pipeline.py``) and the decision store's
layer around it: the configured parts, the paths a run may read and write, its summary."""
