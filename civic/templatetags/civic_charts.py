"""Template tags for the charts of civic.charts: ``{% chart c %}``, ``{% choropleth_map c %}``.

``{% chart_assets %}`` adds the stylesheet; ``{% choropleth_assets %}`` adds Leaflet, the site's
map module and the choropleth script (all served locally, loaded with ``defer``).
"""

from django import template
from django.templatetags.static import static
from django.utils.html import format_html

register = template.Library()


@register.inclusion_tag("civic/charts/chart.html")
def chart(chart):
    """A chart as ``<figure>``: caption, the SVG and its data table in ``<details>``."""
    return {"chart": chart, "table": chart.table}


@register.inclusion_tag("civic/charts/choropleth.html", takes_context=True)
def choropleth_map(context, choropleth):
    """A choropleth map container, its legend and its table (the list alternative) beside it."""
    request = context.get("request")
    map_options = {}
    if request is not None:
        from civic.models import CitySettings

        map_options = CitySettings.for_request(request).map_options
    return {
        "c": choropleth,
        "table": choropleth.table,
        "map_options": map_options,
        "data_id": f"{choropleth.uid}-data",
        "options_id": f"{choropleth.uid}-options",
    }


@register.inclusion_tag("civic/charts/table.html")
def chart_table(table, collapsible=True):
    """The data table of a chart or choropleth (``collapsible``: inside ``<details>``)."""
    return {"table": table, "collapsible": collapsible}


@register.simple_tag
def chart_assets():
    return format_html('<link rel="stylesheet" href="{}">', static("css/civic-charts.css"))


@register.simple_tag
def choropleth_assets():
    return format_html(
        '<link rel="stylesheet" href="{}"><link rel="stylesheet" href="{}">'
        '<script src="{}" defer></script><script src="{}" defer></script>'
        '<script src="{}" defer></script>',
        static("leaflet/leaflet.css"),
        static("css/civic-charts.css"),
        static("leaflet/leaflet.js"),
        static("js/civic-map.js"),
        static("js/civic-choropleth.js"),
    )
