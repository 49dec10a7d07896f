# poslink with the local engine (no Java, no Spark): docker build -t poslink .
#   docker run --rm --user "$(id -u):$(id -g)" -v "$PWD:/data" poslink \
#       run --pos /data/pos.json --catalog /data/catalog.db --out /data/matched.csv
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY pyproject.toml README.md ./
COPY src ./src
# --build-arg EXTRAS=serve adds the HTTP service, `poslink serve` (docs/service.md).
ARG EXTRAS=""
RUN pip install ".${EXTRAS:+[${EXTRAS}]}" && rm -rf /src

# Not root: the catalog is only read, and outputs go to the mounted folder.
RUN useradd --create-home --uid 10001 poslink
USER poslink
WORKDIR /data
ENTRYPOINT ["poslink"]
CMD ["--help"]
