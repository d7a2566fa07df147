"""Implementations of the domain's ports: memory, the CSV flat file, SQL databases."""
