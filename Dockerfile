# The image the docker-compose.yml services run: Airflow 3.3.2 with the project's pins and package.
FROM apache/airflow:3.3.2-python3.12

USER root
COPY --chown=airflow:0 . /opt/asxh
USER airflow
# The same lock file as `make`: every version pinned, wheels only. Airflow itself is already in
# the image at the pinned version; Postgres metadata needs its provider. The Celery provider of the
# compose file's scale-out profile is in the lock.
RUN pip install --no-cache-dir --only-binary :all: -r /opt/asxh/requirements.lock \
        apache-airflow-providers-postgres==7.1.1 \
    && pip install --no-cache-dir --no-deps --no-build-isolation -e /opt/asxh
