"""Model fields of our own."""

import orjson
from django.db import models

from ipbsite.collector import collector_paused


class JSONTextField(models.TextField):
    """JSON data stored as its compact text, read back as Python data.

    For a grid's blocks, not JSONField: PostgreSQL's jsonb parses every number on the way in
    and rebuilds the text on the way out, which made storing and reading a big grid many
    times slower than as text (bench/RESULTS.md). Nothing ever queries inside the blocks, so
    jsonb bought nothing.
    orjson does the encoding both ways, several times faster than the json module.
    """

    description = "JSON stored as text"

    def from_db_value(self, value, expression, connection):
        if value is None:
            return None
        with collector_paused():  # ipbsite/collector.py says why
            return orjson.loads(value)

    def to_python(self, value):
        return orjson.loads(value) if isinstance(value, str) else value

    def get_prep_value(self, value):
        return None if value is None else orjson.dumps(value).decode()

    def value_to_string(self, obj):
        return self.get_prep_value(self.value_from_object(obj))
