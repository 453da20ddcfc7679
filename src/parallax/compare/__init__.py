"""Compare: fact-by-fact coverage of one event across outlets."""
