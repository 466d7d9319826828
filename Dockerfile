# The LMS tool (`denchi lms`) as a container image, installed from uv.lock: every school runs
# the versions the project tested. Build from the repository's root:
#   docker build -t denchi-lms .
# Run (the configuration and the data folder on a volume, see book/operators/01_lms_tool.md):
#   docker run -d -p 127.0.0.1:8765:8765 -v denchi-data:/srv/denchi denchi-lms
#   docker run -d -v denchi-data:/srv/denchi denchi-lms worker      # PostgreSQL mode
FROM python:3.12-slim-bookworm

# the same uv as dev.py (UV_VERSION), from its official image
COPY --from=ghcr.io/astral-sh/uv:0.13.9 /uv /bin/uv
ENV UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy UV_PYTHON_DOWNLOADS=never \
    PATH="/app/.venv/bin:$PATH" PYTHONUNBUFFERED=1

WORKDIR /app
# dependencies first (a layer that changes only with the lock file) ...
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --locked --extra lms --no-install-project
# ... then the package and the courseware (catalog, nbgrader course) it grades with
COPY . .
RUN uv sync --locked --extra lms

# the service runs as its own user; /srv/denchi holds denchi-lms.toml and the data folder
RUN useradd --system --home-dir /srv/denchi --shell /usr/sbin/nologin denchi \
    && mkdir -p /srv/denchi && chown denchi:denchi /srv/denchi
USER denchi
WORKDIR /srv/denchi
VOLUME /srv/denchi
EXPOSE 8765

ENTRYPOINT ["denchi", "lms", "--config", "/srv/denchi/denchi-lms.toml"]
CMD ["serve", "--host", "0.0.0.0"]
