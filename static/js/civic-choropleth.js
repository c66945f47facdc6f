// civic – choropleth maps: district polygons coloured by a value (see civic/charts.py).
//
// Markup (from {% choropleth_map c %}): an element with data-civic-choropleth,
// data-geojson-id (the id of a json_script element holding a FeatureCollection whose properties
// carry colour, label and class), data-map-options (the site's map settings) and data-border.
// Load after leaflet.js and civic-map.js. Tiles may not load (or none are configured): the
// polygons are drawn as vector paths and show either way. Each polygon shows its label as a
// tooltip on hover and on keyboard focus; the table beside the map holds the same figures.
(function () {
    "use strict";

    function readJSON(id) {
        var script = id && document.getElementById(id);
        try { return script ? JSON.parse(script.textContent) : null; } catch (e) { return null; }
    }

    function initChoropleth(el) {
        if (!window.L || !window.civicMap || el.getAttribute("data-map-ready")) return;
        var data = readJSON(el.getAttribute("data-geojson-id"));
        if (!data) { el.setAttribute("data-load-error", "true"); return; }
        var border = el.getAttribute("data-border") || "#333333";
        var map = window.civicMap.create(el, { zoomSnap: 0.25 });
        var layer = L.geoJSON(data, {
            style: function (feature) {
                return {
                    color: border,
                    weight: 1.5,
                    opacity: 1,
                    fillColor: (feature.properties && feature.properties.colour) || "#bdbdbd",
                    fillOpacity: 0.85
                };
            },
            onEachFeature: function (feature, lyr) {
                var label = (feature.properties && feature.properties.label) || "";
                if (label) lyr.bindTooltip(label, { sticky: true });
                lyr.on("mouseover", function () { lyr.setStyle({ weight: 3 }); });
                lyr.on("mouseout", function () { lyr.setStyle({ weight: 1.5 }); });
            }
        }).addTo(map);

        // Keyboard: every polygon can take focus and then shows its tooltip.
        layer.eachLayer(function (lyr) {
            var path = lyr.getElement && lyr.getElement();
            var label = lyr.feature && lyr.feature.properties && lyr.feature.properties.label;
            if (!path || !label) return;
            path.setAttribute("tabindex", "0");
            path.setAttribute("role", "img");
            path.setAttribute("aria-label", label);
            path.addEventListener("focus", function () {
                lyr.setStyle({ weight: 3 });
                lyr.openTooltip(lyr.getBounds().getCenter());
            });
            path.addEventListener("blur", function () {
                lyr.setStyle({ weight: 1.5 });
                lyr.closeTooltip();
            });
        });

        var count = layer.getLayers().length;
        if (count) map.fitBounds(layer.getBounds(), { padding: [8, 8] });
        el.setAttribute("data-feature-count", String(count));
        el.setAttribute("data-map-ready", "true");
        el._civicMap = map;
    }

    function initAll() {
        document.querySelectorAll("[data-civic-choropleth]").forEach(initChoropleth);
    }
    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", initAll);
    } else {
        initAll();
    }
    window.civicChoropleth = { init: initChoropleth };
})();
