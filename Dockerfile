# Production image of the CCR portal: gunicorn (web), Celery worker and beat.

FROM node:20-bookworm-slim AS assets
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund --loglevel=error

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
    postgresql-client \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.lock ./
RUN pip install --no-cache-dir -r requirements.lock
COPY . .
COPY --from=assets /build/node_modules/bootstrap/dist ./node_modules/bootstrap/dist
RUN useradd --create-home --uid 1000 ccr \
 && mkdir -p /app/var/media /app/var/quarantine /app/var/backups /app/staticfiles \
 && chown -R ccr:ccr /app/var /app/staticfiles
USER ccr
EXPOSE 8000
CMD ["gunicorn", "ccr_portal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60"]
