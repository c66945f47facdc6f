"""Wagtail hooks of the Stadtgedächtnis: "Mein Bereich" panel and the editors' admin."""

from wagtail import hooks

from stadtgedaechtnis.components import MyMemoriesPanel


@hooks.register("civic_my_area_panels")
def my_memories_panel(request):
    return [MyMemoriesPanel(request)]
