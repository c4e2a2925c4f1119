"""kornews pipeline: Prefect flows and tasks over :mod:`models`, and the ``kornews`` CLI."""
