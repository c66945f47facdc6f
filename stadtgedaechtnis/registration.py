"""Registrations of the stadtgedaechtnis app: the page type below home and the demo seed step.

(The "Mein Bereich" panel and the admin live in ``wagtail_hooks.py``; the comment registration
in ``explore_registration.py``.)
"""

from civic.registry import register_home_child, register_seed_step


def _seed(context):
    from stadtgedaechtnis.demo import seed

    seed(context)


register_home_child("stadtgedaechtnis.MemoryMapPage")
register_seed_step(100, "Stadtgedächtnis", _seed)
