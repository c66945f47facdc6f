// Digitale Agenda – small Leaflet maps: a proposal's point ([data-point-map]) and the point
// picker of the proposal form ([data-point-picker]) writing into two hidden inputs.
// Map options come from a json_script element named in data-map-options (CSP: no inline JS).
(function () {
    "use strict";

    function readOptions(el) {
        var id = el.getAttribute("data-map-options");
        var script = id && document.getElementById(id);
        try { return script ? JSON.parse(script.textContent) : {}; } catch (e) { return {}; }
    }

    function baseMap(el, center, zoom) {
        var opts = readOptions(el);
        var map = L.map(el, {
            center: center || opts.center || [51.1657, 10.4515],
            zoom: zoom || opts.zoom || 13,
            minZoom: opts.minZoom,
            maxZoom: opts.maxZoom,
            maxBounds: opts.bounds || undefined,
            scrollWheelZoom: false
        });
        if (opts.tileUrl) {
            L.tileLayer(opts.tileUrl, { attribution: opts.attribution || "", maxZoom: opts.maxZoom || 19 }).addTo(map);
        }
        return map;
    }

    function initPointMap(el) {
        var lat = parseFloat(el.getAttribute("data-lat"));
        var lon = parseFloat(el.getAttribute("data-lon"));
        if (isNaN(lat) || isNaN(lon)) return;
        var map = baseMap(el, [lat, lon], 16);
        L.circleMarker([lat, lon], { radius: 9, weight: 3 }).addTo(map)
            .bindTooltip(el.getAttribute("data-label") || "");
        el.setAttribute("data-map-ready", "true");
    }

    function initPicker(el) {
        var latInput = document.getElementById(el.getAttribute("data-lat-input"));
        var lonInput = document.getElementById(el.getAttribute("data-lon-input"));
        if (!latInput || !lonInput) return;
        var status = document.getElementById("point-status");
        var fieldset = el.closest("fieldset") || document;
        var lat = parseFloat(latInput.value);
        var lon = parseFloat(lonInput.value);
        var has = !isNaN(lat) && !isNaN(lon);
        var map = baseMap(el, has ? [lat, lon] : null, has ? 16 : null);
        var marker = null;

        function describe() {
            if (!status) return;
            if (latInput.value && lonInput.value) {
                status.textContent = (status.getAttribute("data-chosen") || "{lat}, {lon}")
                    .replace("{lat}", Number(latInput.value).toFixed(5))
                    .replace("{lon}", Number(lonInput.value).toFixed(5));
            } else {
                status.textContent = status.getAttribute("data-none") || "";
            }
        }

        function set(latlng) {
            latInput.value = latlng.lat.toFixed(6);
            lonInput.value = latlng.lng.toFixed(6);
            if (marker) { marker.setLatLng(latlng); } else { marker = L.marker(latlng, { keyboard: false }).addTo(map); }
            describe();
        }

        function clear() {
            latInput.value = "";
            lonInput.value = "";
            if (marker) { map.removeLayer(marker); marker = null; }
            describe();
        }

        if (has) set(L.latLng(lat, lon));
        map.on("click", function (event) { set(event.latlng); });
        var centre = fieldset.querySelector("[data-point-center]");
        if (centre) centre.addEventListener("click", function () { set(map.getCenter()); });
        var clearButton = fieldset.querySelector("[data-point-clear]");
        if (clearButton) clearButton.addEventListener("click", clear);
        el.setAttribute("data-map-ready", "true");
    }

    function initAll() {
        if (!window.L) return;
        document.querySelectorAll("[data-point-map]").forEach(initPointMap);
        document.querySelectorAll("[data-point-picker]").forEach(initPicker);
    }
    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", initAll);
    } else {
        initAll();
    }
})();
