"""Grids in and out of the site in bulk: the export and import of JSON lines (export.py), and
the move from an ipythonblocks.org database (legacy.py). Both imports go through loading.py,
which checks each grid by the rules of a post and never overwrites a grid the site holds."""
