"""Enrich: sentences, entities, voices, sources, times, quantities and vectors for each article."""
