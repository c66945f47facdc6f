// civic – the one place that builds Leaflet maps from the site's map settings.
//
// window.civicMap (used by the apps' own scripts, which load after this one):
//   civicMap.options(el)            the site's map settings, from the json_script element named in
//                                   el's data-map-options (or data-options-id)
//   civicMap.create(el, extra, siteOptions)
//                                   an L.map with those settings (or the siteOptions object given)
//                                   and the tile layer; `extra` overrides Leaflet options (center, zoom)
//   civicMap.pointPicker(map, latInput, lonInput, onChange)
//                                   click (or set()) places one point and writes it into the two
//                                   inputs; returns {set(lat, lon, pan), clear()}; onChange(lat, lon)
//                                   is called with nulls when cleared
//
// Elements with data-civic-map are initialised here directly; data-geojson-url adds GeoJSON
// (polygons outlined, points as markers).
(function () {
    "use strict";

    function options(el) {
        var id = el.getAttribute("data-map-options") || el.getAttribute("data-options-id");
        var script = id && document.getElementById(id);
        try { return script ? JSON.parse(script.textContent) : {}; } catch (e) { return {}; }
    }

    function create(el, extra, siteOptions) {
        var opts = siteOptions || options(el);
        var settings = {
            center: opts.center || [51.1657, 10.4515],
            zoom: opts.zoom || 13,
            minZoom: opts.minZoom,
            maxZoom: opts.maxZoom || 19,
            maxBounds: opts.bounds || undefined,
            scrollWheelZoom: false
        };
        Object.keys(extra || {}).forEach(function (key) {
            if (extra[key] !== null && extra[key] !== undefined) settings[key] = extra[key];
        });
        var map = L.map(el, settings);
        if (opts.tileUrl) {
            L.tileLayer(opts.tileUrl, { attribution: opts.attribution || "", maxZoom: opts.maxZoom || 19 }).addTo(map);
        }
        return map;
    }

    function pointPicker(map, latInput, lonInput, onChange) {
        var marker = null;
        function set(lat, lon, pan) {
            lat = Math.round(lat * 1e6) / 1e6;
            lon = Math.round(lon * 1e6) / 1e6;
            latInput.value = String(lat);
            lonInput.value = String(lon);
            if (marker) {
                marker.setLatLng([lat, lon]);
            } else {
                marker = L.circleMarker([lat, lon], { radius: 9, weight: 3 }).addTo(map);
            }
            if (pan) map.panTo([lat, lon]);
            if (onChange) onChange(lat, lon);
        }
        function clear() {
            latInput.value = "";
            lonInput.value = "";
            if (marker) { map.removeLayer(marker); marker = null; }
            if (onChange) onChange(null, null);
        }
        map.on("click", function (event) { set(event.latlng.lat, event.latlng.lng, false); });
        var lat = parseFloat(latInput.value);
        var lon = parseFloat(lonInput.value);
        if (!isNaN(lat) && !isNaN(lon)) { set(lat, lon, true); } else { clear(); }
        return { set: set, clear: clear };
    }

    window.civicMap = { options: options, create: create, pointPicker: pointPicker };

    function initMap(el) {
        if (!window.L || el.getAttribute("data-map-ready")) return;
        var map = create(el);
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
        document.querySelectorAll("[data-civic-map]").forEach(initMap);
    }
    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", initAll);
    } else {
        initAll();
    }
})();
