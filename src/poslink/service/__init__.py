"""``poslink serve``: matching over HTTP, as a JSON API on FastAPI and uvicorn.

- ``app.py``: the routes and what a worker process serves from;
- ``models.py``: request and response bodies (and so the OpenAPI document);
- ``errors.py``: refusals as JSON 4xx, the body limit;
- ``auth.py`` / ``keys.py``: API keys, hashed in the decision store, checked in front of
  every route but ``/health``;
- ``settings.py``: what the service runs with; ``server.py``: starting uvicorn.

Its load test (``make bench``) is in the development package: ``poslink_dev.bench.service``.

Importing this package needs nothing beyond poslink's own dependencies; the app needs the
``serve`` extra (``pip install 'poslink[serve]'``).
"""
