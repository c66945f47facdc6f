"""Registrations of the stadtgedaechtnis app: page types below home, seed step, comments."""

from civic.registry import register_home_child

register_home_child("stadtgedaechtnis.MemoryMapPage")
