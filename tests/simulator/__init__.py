"""Tests of the simulated clouds themselves."""
