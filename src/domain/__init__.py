"""Stockline's domain: products, inventory records, their rules, ports and use cases.

Standard library only: nothing here knows about HTTP, SQL, files or frameworks.
"""
