"""Runtime values and evaluation state: collections, element views, temporal and quantity values."""
