"""Models: to be written."""
