"""Evaluation: readers for labelled corpora and scorers that measure each stage against them."""
