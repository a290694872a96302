"""Scale and cost measurements, printed as numbers."""
