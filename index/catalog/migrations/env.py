"""Alembic environment: runs the catalog's migrations on the connection newsdesk hands over.

newsdesk runs these itself when a server starts (``index/catalog/migrate.py``); there is no
alembic.ini and no model metadata, the migrations are plain SQL.
"""

from alembic import context

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=None)
with context.begin_transaction():
    context.run_migrations()
