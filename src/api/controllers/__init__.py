"""Thin HTTP handlers: parse, call a use case, shape the answer."""
