# The bot as an image: the locked dependencies and the built wheel in a virtual environment,
# run as a non-root user. `docker compose up` runs it beside PostgreSQL (compose.yaml).
# tests/test_packaging.py runs this file's install steps (uv sync, uv build, uv pip install)
# and the commands below in a fresh virtual environment on every `make test`.

ARG PYTHON_VERSION=3.11

FROM ghcr.io/astral-sh/uv:0.13.9 AS uv

FROM python:${PYTHON_VERSION}-slim-bookworm AS build
COPY --from=uv /uv /usr/local/bin/uv
ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/opt/clinic-bot
WORKDIR /src
# Dependencies first, from the lock alone, so changing code does not reinstall them.
COPY pyproject.toml uv.lock ./
RUN uv sync --locked --no-dev --no-install-project
COPY README.md ./
COPY bot ./bot
COPY scheduler ./scheduler
COPY content ./content
RUN uv build --wheel --out-dir /tmp/dist \
    && uv pip install --python /opt/clinic-bot/bin/python --no-deps /tmp/dist/*.whl

FROM python:${PYTHON_VERSION}-slim-bookworm
RUN groupadd --system --gid 10001 clinic \
    && useradd --system --create-home --no-log-init --uid 10001 --gid clinic clinic \
    && mkdir /var/lib/clinic-bot \
    && chown clinic:clinic /var/lib/clinic-bot
COPY --from=build /opt/clinic-bot /opt/clinic-bot
# With no DATABASE_URL the SQLite file goes to $XDG_DATA_HOME/fuji-wellness-bot: the volume.
ENV PATH=/opt/clinic-bot/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    XDG_DATA_HOME=/var/lib/clinic-bot
VOLUME ["/var/lib/clinic-bot"]
USER 10001:10001
WORKDIR /home/clinic
# Webhook mode listens here (WEBHOOK_LISTEN); long polling needs no port.
EXPOSE 8080
# Webhook mode: /healthz must answer. Long polling has nothing to probe and reports healthy.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-m", "bot.healthcheck"]
CMD ["clinic-bot", "run"]
