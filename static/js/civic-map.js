// civic – initialises every Leaflet map on the page from data-attributes.
//   data-map-options: id of a json_script element with the site's map settings
//   data-geojson-url: optional URL of GeoJSON to draw (polygons outlined, points as markers)
(function () {
    "use strict";

    function readOptions(el) {
        var id = el.getAttribute("data-map-options");
        var script = id && document.getElementById(id);
        return script ? JSON.parse(script.textContent) : {};
    }

    function initMap(el) {
        if (!window.L || el.getAttribute("data-map-ready")) return;
        var opts = readOptions(el);
        var map = L.map(el, {
            center: opts.center || [51.1657, 10.4515],
            zoom: opts.zoom || 13,
            minZoom: opts.minZoom,
            maxZoom: opts.maxZoom,
            maxBounds: opts.bounds || undefined,
            scrollWheelZoom: false
        });
        if (opts.tileUrl) {
            L.tileLayer(opts.tileUrl, { attribution: opts.attribution || "", maxZoom: opts.maxZoom || 19 }).addTo(map);
        }
        el.setAttribute("data-map-ready", "true");
        var url = el.getAttribute("data-geojson-url");
        if (url) {
            fetch(url, { headers: { Accept: "application/geo+json, application/json" } })
                .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
                .then(function (data) {
                    var layer = L.geoJSON(data, {
                        style: function () { return { color: getComputedStyle(el).getPropertyValue("--civic-primary") || "#0b5394", weight: 2, fillOpacity: 0.1 }; },
                        onEachFeature: function (feature, lyr) {
                            if (feature.properties && feature.properties.name) {
                                lyr.bindTooltip(feature.properties.name);
                            }
                        }
                    }).addTo(map);
                    if (layer.getLayers().length) map.fitBounds(layer.getBounds(), { padding: [10, 10] });
                    el.setAttribute("data-feature-count", String(layer.getLayers().length));
                })
                .catch(function () { el.setAttribute("data-load-error", "true"); });
        }
        el._civicMap = map;
    }

    function initAll() {
        document.querySelectorAll("[data-map-options]").forEach(initMap);
    }
    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", initAll);
    } else {
        initAll();
    }
})();
