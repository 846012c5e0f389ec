"""Pure functions that turn a stored grid into what a browser shows.

grid -> HTML table and per-grid CSS (html.py), grid -> PNG thumbnail (png.py), code cells ->
Pygments HTML (code.py). Nothing here imports Django models or reads settings at import time,
so renderers are testable without a database and their output is safe to cache.
"""
