"""Faithful local stand-ins for the vendor clouds Cloud Bridge talks to."""
