// Digitale Agenda – small Leaflet maps: a proposal's point ([data-point-map]) and the point
// picker of the proposal form ([data-point-picker]) writing into two hidden inputs.
// Maps are built by civic-map.js (window.civicMap), which loads before this script.
(function () {
    "use strict";

    function initPointMap(el) {
        var lat = parseFloat(el.getAttribute("data-lat"));
        var lon = parseFloat(el.getAttribute("data-lon"));
        if (isNaN(lat) || isNaN(lon)) return;
        var map = window.civicMap.create(el, { center: [lat, lon], zoom: 16 });
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
        var has = latInput.value && lonInput.value;
        var map = window.civicMap.create(el, has ? { zoom: 16 } : {});
        var picker = window.civicMap.pointPicker(map, latInput, lonInput, function (lat, lon) {
            if (!status) return;
            if (lat === null) {
                status.textContent = status.getAttribute("data-none") || "";
            } else {
                status.textContent = (status.getAttribute("data-chosen") || "{lat}, {lon}")
                    .replace("{lat}", lat.toFixed(5))
                    .replace("{lon}", lon.toFixed(5));
            }
        });
        var centre = fieldset.querySelector("[data-point-center]");
        if (centre) centre.addEventListener("click", function () {
            var c = map.getCenter();
            picker.set(c.lat, c.lng, false);
        });
        var clearButton = fieldset.querySelector("[data-point-clear]");
        if (clearButton) clearButton.addEventListener("click", picker.clear);
        el.setAttribute("data-map-ready", "true");
    }

    function initAll() {
        if (!window.L || !window.civicMap) return;
        document.querySelectorAll("[data-point-map]").forEach(initPointMap);
        document.querySelectorAll("[data-point-picker]").forEach(initPicker);
    }
    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", initAll);
    } else {
        initAll();
    }
})();
