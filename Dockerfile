# The web app and its worker: a slim Python image running as a non-root user.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# OpenCV (face detection) needs these shared libraries.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libgl1 libglib2.0-0 \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.lock ./
RUN pip install --require-hashes -r requirements.lock

RUN useradd --system --create-home --uid 1000 soliday \
    && mkdir -p /data/media /data/private /srv/static /app/var \
    && chown -R soliday /data /srv/static /app/var
COPY --chown=soliday . .

USER soliday
# Static files in /srv/static: docker-compose mounts a volume there that nginx serves (web's
# collectstatic refreshes it on start); without nginx, whitenoise serves the same files.
ENV DEBUG=false \
    MEDIA_ROOT=/data/media \
    PRIVATE_MEDIA_ROOT=/data/private \
    STATIC_ROOT=/srv/static
# collectstatic needs a key to import the settings; the running container gets its own.
RUN SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput

EXPOSE 8000
# gunicorn.conf.py: bind, workers, and the logs (no query string, client address, user agent
# or referer). Every way of running the portal uses that one file.
CMD ["gunicorn", "--config", "gunicorn.conf.py", "soliday.wsgi:application"]
