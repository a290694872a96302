"""Tests of Cloud Bridge."""
