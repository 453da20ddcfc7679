"""Enrich: sentences, entities, voices, sources, times, quantities and vectors for each article."""

from parallax.enrich.pipeline import ENRICHMENT_VERSION, Analysis, Enricher, EnrichReport, enrich_store

__all__ = ["ENRICHMENT_VERSION", "Analysis", "EnrichReport", "Enricher", "enrich_store"]
