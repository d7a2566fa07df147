"""The HTTP face of Stockline: Litestar app, controllers, schemas, settings and CLI."""
