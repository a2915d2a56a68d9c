# syntax=docker/dockerfile:1
# The marketplace image: gunicorn serving marketplace.wsgi on port 8000, with
# static files collected at build time and served by whitenoise. The same image
# runs the Celery worker and beat (see docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH

# Dependencies first, so a code change does not reinstall them. Every package,
# direct or transitive, is pinned with its hashes; pip refuses anything else.
RUN python -m venv /opt/venv
WORKDIR /app
COPY requirements/base.txt requirements/base.txt
RUN pip install --require-hashes --no-deps -r requirements/base.txt

COPY . .

# The production settings refuse to load without real secrets, and without
# DATABASE_URL they would start the embedded PostgreSQL. collectstatic needs
# neither a secret nor a database, so this one step gets throwaway values; they
# are not kept in the image's environment.
RUN DJANGO_SETTINGS_MODULE=marketplace.settings.prod \
    SECRET_KEY=build-time-placeholder-used-only-by-collectstatic-0123456789 \
    ALLOWED_HOSTS=build.invalid \
    DATABASE_URL=postgres://build@127.0.0.1:9/not-used-at-build-time \
    python manage.py collectstatic --no-input --verbosity 1

# Run as an unprivileged user; uploaded media go to a volume it owns.
RUN useradd --system --user-group --uid 10001 --home-dir /app --no-create-home app \
    && mkdir -p /srv/media \
    && chown app:app /srv/media

ENV DJANGO_SETTINGS_MODULE=marketplace.settings.prod \
    MEDIA_ROOT=/srv/media

USER app
EXPOSE 8000

# Workers: gunicorn reads WEB_CONCURRENCY (default 1); compose sets it. The access log is the
# app's own (one JSON line a request, with its request id; docs/operations.md), so gunicorn's is off.
CMD ["gunicorn", "marketplace.wsgi", "--bind", "0.0.0.0:8000"]
