# Production image for the OHCHR Technical Cooperation Programme app.
#
# One image runs every role; docker-compose.yml picks the command:
#   web     gunicorn tcp.wsgi:application (the default CMD below)
#   worker  celery -A tcp worker
#   beat    celery -A tcp beat
#   migrate python manage.py migrate --noinput
#
# Build:  docker build -t ohchr-tcp .
#         docker build --build-arg INSTALL_CJK_FONTS=false -t ohchr-tcp .   (no Chinese PDFs, 90 MB smaller)

FROM python:3.12-slim-bookworm

# fonts-noto-cjk (about 90 MB) gives the PDF reports their Chinese text; Chinese
# is one of the six UN languages, so it is installed unless
# --build-arg INSTALL_CJK_FONTS=false leaves it out (Chinese then shows as boxes).
ARG INSTALL_CJK_FONTS=true

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore \
    DJANGO_SETTINGS_MODULE=tcp.settings_production \
    STATIC_ROOT=/app/staticfiles \
    MEDIA_ROOT=/app/var/media

# WeasyPrint's native libraries and fonts. fontconfig provides fc-cache, so the
# font cache is built once here instead of in every process at run time.
RUN set -eux; \
    packages="libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig fonts-dejavu-core fonts-noto-core"; \
    if [ "$INSTALL_CJK_FONTS" = "true" ]; then packages="$packages fonts-noto-cjk"; fi; \
    apt-get update; \
    apt-get install -y --no-install-recommends $packages; \
    rm -rf /var/lib/apt/lists/*; \
    fc-cache -f

RUN groupadd --system --gid 10001 tcp \
 && useradd --system --uid 10001 --gid tcp --create-home --home-dir /home/tcp \
        --shell /usr/sbin/nologin tcp

WORKDIR /app

# Dependencies first, read from pyproject.toml alone, so this layer is rebuilt
# only when the dependency list changes (and the project itself, which has no
# installable packages, is not built here).
COPY pyproject.toml ./
RUN python -c "import tomllib; deps = tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']; open('/tmp/requirements.txt', 'w').write(chr(10).join(deps) + chr(10))" \
 && pip install --no-cache-dir -r /tmp/requirements.txt \
 && rm /tmp/requirements.txt

# The source stays owned by root: the app user can read it, not change it.
COPY . .

# Static files are collected (and compressed, with a manifest) at build time.
# The key below exists only for this command; it is not kept in the image.
RUN SECRET_KEY=build-only-key-for-collectstatic-never-used-at-run-time-0123456789 \
    python manage.py collectstatic --noinput \
 && mkdir -p /app/var/media /app/var/celerybeat \
 && chown -R tcp:tcp /app/var
# A named volume mounted on /app/var/media or /app/var/celerybeat starts out
# with this ownership, so the app user can write uploads and the beat schedule.

USER 10001:10001

EXPOSE 8000

# For the web role (docker-compose.yml replaces it for worker, beat and migrate).
# /healthz/ answers 200 "ok" without authentication. The request carries a host
# from ALLOWED_HOSTS and X-Forwarded-Proto: https so that neither the host check
# nor SECURE_SSL_REDIRECT turns it into a 400 or a redirect.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request as r; h = os.environ.get('ALLOWED_HOSTS', 'localhost').split(',')[0].strip().lstrip('.'); h = 'localhost' if h in ('', '*') else h; r.urlopen(r.Request('http://127.0.0.1:8000/healthz/', headers={'Host': h, 'X-Forwarded-Proto': 'https'}), timeout=4)"]

CMD ["gunicorn", "tcp.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
