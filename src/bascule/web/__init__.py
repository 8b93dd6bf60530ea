"""The war room: a FastAPI web dashboard over the same library functions as the CLI."""
