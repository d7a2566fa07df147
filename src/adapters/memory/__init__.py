"""The store kept in process memory; also the read index under the CSV file store."""
