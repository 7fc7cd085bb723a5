"""Site-wide search (`/suche/?q=`): the query engine (engine.py) over the sources the apps
contribute, and safe snippets (snippets.py)."""
