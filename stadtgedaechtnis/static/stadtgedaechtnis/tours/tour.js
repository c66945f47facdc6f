// Stadtgedächtnis – the map of a Rundgang (tour).
//
//   [data-tour-map="<json_script id>"]: numbered markers at the stops' public points and the route
//     between them in tour order (a polyline). A marker's popup links to the stop in the list
//     below the map (the map's alternative) and to the memory.
//   [data-tour-print]: a "Drucken" button (hidden without JavaScript) that opens the print dialog;
//     the print stylesheet shows the numbered list and the route without map controls.
//
// No inline scripts (CSP): configuration comes from a json_script element. Titles are inserted as
// text (textContent), never as HTML.
(function () {
    "use strict";

    function readJson(id) {
        var script = id && document.getElementById(id);
        try { return script ? JSON.parse(script.textContent) : {}; } catch (e) { return {}; }
    }

    function format(template, values) {
        return String(template).replace(/%\((\w+)\)s/g, function (_, key) {
            return values[key] === undefined ? "" : String(values[key]);
        });
    }

    function el(tag, className, text) {
        var node = document.createElement(tag);
        if (className) node.className = className;
        if (text !== undefined) node.textContent = text;
        return node;
    }

    function numberIcon(stop, strings) {
        var html = document.createElement("span");
        html.appendChild(el("span", "tour-marker__number", String(stop.number))).setAttribute("aria-hidden", "true");
        html.appendChild(el("span", "visually-hidden", format(strings.marker, stop)));
        return L.divIcon({
            html: html.innerHTML,
            className: "tour-marker",
            iconSize: [34, 34],
            iconAnchor: [17, 17],
            popupAnchor: [0, -16]
        });
    }

    function popupFor(stop, strings) {
        var box = el("div", "tour-popup");
        box.appendChild(el("p", "tour-popup__title", format(strings.marker, stop)));
        var list = el("p", "tour-popup__links");
        var toList = el("a", "tour-popup__link", strings.toList);
        toList.href = "#" + stop.anchor;
        toList.addEventListener("click", function () {
            var target = document.getElementById(stop.anchor);
            if (target) window.setTimeout(function () { target.focus(); }, 0);
        });
        list.appendChild(toList);
        list.appendChild(document.createTextNode(" · "));
        var toMemory = el("a", "tour-popup__link", strings.toMemory);
        toMemory.href = stop.url;
        list.appendChild(toMemory);
        box.appendChild(list);
        return box;
    }

    function initTourMap(container) {
        if (!window.L || !window.civicMap || container.getAttribute("data-map-ready")) return;
        var config = readJson(container.getAttribute("data-tour-map"));
        var stops = config.stops || [];
        var strings = config.strings || {};
        var map = window.civicMap.create(container, {}, config.options || {});
        var latlngs = stops.map(function (stop) { return [stop.lat, stop.lon]; });
        var route = null;
        if (latlngs.length > 1) {
            var colour = getComputedStyle(container).getPropertyValue("--civic-primary").trim() || "#0b5394";
            route = L.polyline(latlngs, { color: colour, weight: 4, opacity: 0.85, dashArray: "8 6", className: "tour-route", interactive: false }).addTo(map);
        }
        stops.forEach(function (stop) {
            var marker = L.marker([stop.lat, stop.lon], { icon: numberIcon(stop, strings), keyboard: true, riseOnHover: true, title: format(strings.marker, stop) });
            marker.bindPopup(popupFor(stop, strings));
            marker.on("add", function () {
                marker.getElement().setAttribute("data-stop-number", String(stop.number));
            });
            marker.addTo(map);
        });
        if (latlngs.length > 1) {
            map.fitBounds(L.latLngBounds(latlngs), { padding: [30, 30], maxZoom: 17 });
        } else if (latlngs.length === 1) {
            map.setView(latlngs[0], Math.max(map.getZoom(), 16));
        }
        container.setAttribute("data-map-ready", "true");
        container.setAttribute("data-marker-count", String(stops.length));
        container.setAttribute("data-route-points", String(route ? latlngs.length : 0));
        container._tourMap = map;
        // Printing changes the map's size: keep the whole route in view.
        window.addEventListener("beforeprint", function () {
            map.invalidateSize();
            if (latlngs.length > 1) map.fitBounds(L.latLngBounds(latlngs), { padding: [20, 20], animate: false });
        });
    }

    function initPrint(button) {
        button.hidden = false;
        button.addEventListener("click", function () { window.print(); });
    }

    function init() {
        document.querySelectorAll("[data-tour-map]").forEach(initTourMap);
        document.querySelectorAll("[data-tour-print]").forEach(initPrint);
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", init);
    } else {
        init();
    }
})();
