"""Project-wide pytest fixtures (apps add their own in their tests/ folders)."""
