"""Territories: areas of the map with their reps; an account's territory follows its location."""
