"""Deterministic demo organisation for Headway (Faker + a seeded random generator)."""
