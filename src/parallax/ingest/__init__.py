"""Ingest: read news in its many formats into the store, accounting for every input."""

from parallax.ingest.pipeline import DEFAULT_MAX_BYTES, IngestOptions, Ingestor, ingest, ingest_bytes

__all__ = ["DEFAULT_MAX_BYTES", "IngestOptions", "Ingestor", "ingest", "ingest_bytes"]
