# supportbot: `supportbot run` as a non-root user. Mount your app.yaml at /app/app.yaml and pass
# the environment (.env.example lists it). PORT serves /healthz, /readyz and /metrics in both modes.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PORT=3000
RUN useradd --create-home --uid 10001 supportbot
WORKDIR /app

COPY pyproject.toml README.md app.yaml ./
COPY bot bot
COPY commands commands
COPY jobs jobs
COPY storage storage
COPY standin standin
# as .ci/run installs it, without the test extra
RUN pip install --quiet --upgrade pip && pip install --quiet -e '.[postgres]'

USER supportbot
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s --start-period=30s \
    CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ['PORT'], timeout=2)"
CMD ["supportbot", "run"]
