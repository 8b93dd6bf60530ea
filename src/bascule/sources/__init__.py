"""Sources: importers of files and live connectors, each turning payloads into Posts."""
