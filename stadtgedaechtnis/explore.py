"""Context for the Entdecke (map) and Erforsche (timeline) pages."""


def map_page_context(page, request):
    return {}


def timeline_context(page, request):
    return {}
