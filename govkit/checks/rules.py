"""Imports every rule module so that the rules register themselves."""
