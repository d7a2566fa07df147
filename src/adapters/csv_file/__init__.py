"""The brief's flat file as a store: read from an in-memory index, written atomically."""
