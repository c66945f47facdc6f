// Stadtgedächtnis – the Entdecke map and the small map on a memory page.
//
//   [data-explore-map="<json_script id>"]: the map of memories. Loads the memories in view from
//     the API (bbox + zoom + the page's filters) whenever the map moves; the server clusters
//     them, so a response stays small. Clusters are numbered circles (click: zoom in), single
//     memories are pins with a popup linking to the memory. With "Liste auf den
//     Kartenausschnitt beschränken" ticked, the list under the map follows the map.
//   [data-explore-point="<json_script id>"]: a small map with one (blurred) point.
//
// No inline scripts (CSP): configuration comes from json_script elements. Text from the API is
// always inserted as text (textContent), never as HTML.
(function () {
    "use strict";

    function readJson(id) {
        var script = id && document.getElementById(id);
        return script ? JSON.parse(script.textContent) : {};
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


    function clamp(value, low, high) {
        return Math.min(high, Math.max(low, value));
    }

    function bboxOf(map) {
        var b = map.getBounds();
        var west = clamp(b.getWest(), -180, 180), east = clamp(b.getEast(), -180, 180);
        var south = clamp(b.getSouth(), -90, 90), north = clamp(b.getNorth(), -90, 90);
        if (east <= west) { west = -180; east = 180; }
        if (north <= south) { south = -90; north = 90; }
        return [west, south, east, north].map(function (v) { return v.toFixed(5); }).join(",");
    }

    function query(params) {
        return Object.keys(params).filter(function (k) {
            return params[k] !== null && params[k] !== undefined && params[k] !== "";
        }).map(function (k) {
            return encodeURIComponent(k) + "=" + encodeURIComponent(params[k]);
        }).join("&");
    }

    // ----------------------------------------------------------------------------------------
    // The Entdecke map

    function initExploreMap(container) {
        if (!window.L || container.getAttribute("data-map-ready")) return;
        var config = readJson(container.getAttribute("data-explore-map"));
        var strings = config.strings || {};
        var opts = config.options || {};
        var map = window.civicMap.create(container, {}, opts);
        var layer = L.layerGroup().addTo(map);
        var status = document.getElementById("memory-map-status");
        var form = document.getElementById("memory-filters");
        var toggleBox = form && form.querySelector("[data-explore-bbox-toggle]");
        var toggle = toggleBox && toggleBox.querySelector("input[type=checkbox]");
        var bboxInput = form && form.querySelector("input[name=bbox]");
        var controller = null;
        var listController = null;
        var timer = null;

        if (config.bbox) {
            map.fitBounds([[config.bbox[1], config.bbox[0]], [config.bbox[3], config.bbox[2]]]);
        }
        container.setAttribute("data-map-ready", "true");
        container._exploreMap = map;

        function setStatus(text) {
            if (status) status.textContent = text;
        }

        function memoryUrl(id) {
            return String(config.memoryUrl || "").replace("{id}", String(id));
        }

        function listUrlFor(bbox) {
            var params = Object.assign({}, config.filters || {}, { bbox: bbox, ausschnitt: "1" });
            return window.location.pathname + "?" + query(params) + "#erinnerungsliste";
        }

        function clusterIcon(count) {
            var size = count < 10 ? "s" : count < 100 ? "m" : count < 1000 ? "l" : "xl";
            var html = document.createElement("span");
            html.appendChild(el("span", "memory-cluster__count", String(count))).setAttribute("aria-hidden", "true");
            html.appendChild(el("span", "visually-hidden", format(strings.cluster, { count: count })));
            return L.divIcon({ html: html.innerHTML, className: "memory-cluster memory-cluster--" + size, iconSize: null });
        }

        function pinIcon(title) {
            var html = document.createElement("span");
            html.appendChild(el("span", "memory-pin__dot")).setAttribute("aria-hidden", "true");
            html.appendChild(el("span", "visually-hidden", title || strings.memory));
            return L.divIcon({ html: html.innerHTML, className: "memory-pin", iconSize: [22, 22], iconAnchor: [11, 11], popupAnchor: [0, -10] });
        }

        function popupFor(props) {
            var box = el("div", "memory-popup");
            var link = el("a", "memory-popup__link", props.title || strings.open);
            link.href = memoryUrl(props.id);
            box.appendChild(link);
            return box;
        }

        function stackPopup(props) {
            var box = el("div", "memory-popup");
            box.appendChild(el("p", "memory-popup__title", format(strings.stack, { count: props.count })));
            var b = props.bbox;
            var pad = 0.0002;
            var link = el("a", "memory-popup__link", strings.showList);
            link.href = listUrlFor([b[0] - pad, b[1] - pad, b[2] + pad, b[3] + pad].map(function (v) { return v.toFixed(5); }).join(","));
            box.appendChild(link);
            return box;
        }

        function draw(data) {
            layer.clearLayers();
            var singles = 0, clusters = 0;
            (data.features || []).forEach(function (feature) {
                var props = feature.properties || {};
                var c = feature.geometry.coordinates;
                var latlng = [c[1], c[0]];
                var marker;
                if (props.cluster) {
                    clusters += 1;
                    marker = L.marker(latlng, { icon: clusterIcon(props.count), keyboard: true, riseOnHover: true });
                    var b = props.bbox;
                    var stacked = !b || (b[2] - b[0] < 1e-6 && b[3] - b[1] < 1e-6) || map.getZoom() >= map.getMaxZoom();
                    if (stacked) {
                        marker.bindPopup(stackPopup(props));
                    } else {
                        marker.on("click", function () {
                            var bounds = L.latLngBounds([b[1], b[0]], [b[3], b[2]]);
                            var target = Math.max(map.getBoundsZoom(bounds, false, L.point(40, 40)), map.getZoom() + 1);
                            map.setView(bounds.getCenter(), Math.min(target, map.getMaxZoom()));
                        });
                    }
                    marker.on("add", function () {
                        marker.getElement().setAttribute("data-count", String(props.count));
                    });
                } else {
                    singles += 1;
                    marker = L.marker(latlng, { icon: pinIcon(props.title), keyboard: true, riseOnHover: true });
                    marker.bindPopup(popupFor(props));
                    marker.on("add", function () {
                        marker.getElement().setAttribute("data-memory-id", String(props.id));
                    });
                }
                marker.addTo(layer);
            });
            container.setAttribute("data-feature-count", String((data.features || []).length));
            container.setAttribute("data-cluster-count", String(clusters));
            container.setAttribute("data-single-count", String(singles));
            container.setAttribute("data-number-matched", String(data.numberMatched || 0));
            setStatus(format(strings.loaded, { count: data.numberMatched || 0 }));
        }

        function load() {
            if (controller) controller.abort();
            controller = window.AbortController ? new AbortController() : null;
            var params = Object.assign({}, config.filters || {}, { bbox: bboxOf(map), zoom: map.getZoom() });
            container.setAttribute("aria-busy", "true");
            fetch(config.apiUrl + "?" + query(params), {
                headers: { Accept: "application/geo+json, application/json" },
                signal: controller ? controller.signal : undefined
            })
                .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
                .then(function (data) {
                    container.removeAttribute("aria-busy");
                    container.removeAttribute("data-load-error");
                    draw(data);
                })
                .catch(function (error) {
                    if (error && error.name === "AbortError") return;
                    container.removeAttribute("aria-busy");
                    container.setAttribute("data-load-error", "true");
                    setStatus(strings.error);
                });
        }

        // The list follows the map when the visitor asks for it: fetch this page again with the
        // map's bbox and swap in the server-rendered list.
        function refreshList() {
            if (!form || !toggle) return;
            if (bboxInput) bboxInput.value = toggle.checked ? bboxOf(map) : "";
            var data = new FormData(form);
            var params = {};
            data.forEach(function (value, key) { if (key !== "seite") params[key] = value; });
            if (!toggle.checked) { delete params.bbox; delete params.ausschnitt; }
            var url = window.location.pathname + (query(params) ? "?" + query(params) : "");
            if (listController) listController.abort();
            listController = window.AbortController ? new AbortController() : null;
            fetch(url, { headers: { Accept: "text/html" }, signal: listController ? listController.signal : undefined })
                .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
                .then(function (html) {
                    var doc = new DOMParser().parseFromString(html, "text/html");
                    var fresh = doc.querySelector("[data-explore-results]");
                    var current = document.querySelector("[data-explore-results]");
                    if (!fresh || !current) return;
                    current.replaceWith(document.importNode(fresh, true));
                    if (window.history && window.history.replaceState) {
                        window.history.replaceState(null, "", url);
                    }
                    var counter = document.querySelector("[data-explore-results] [data-result-count]");
                    var count = counter ? counter.getAttribute("data-result-count") : "0";
                    if (toggle.checked) setStatus(format(strings.listUpdated, { count: count }));
                })
                .catch(function () { /* the list keeps what it shows */ });
        }

        if (toggleBox && toggle) {
            toggleBox.hidden = false;
            toggle.addEventListener("change", refreshList);
        }
        if (form && bboxInput) {
            form.addEventListener("submit", function () {
                bboxInput.value = toggle && toggle.checked ? bboxOf(map) : "";
                if (!bboxInput.value) bboxInput.disabled = true;  // no empty bbox= in the URL
            });
        }

        map.on("moveend", function () {
            window.clearTimeout(timer);
            timer = window.setTimeout(function () {
                load();
                if (toggle && toggle.checked) refreshList();
            }, 200);
        });
        setStatus(strings.loading);
        load();
    }

    // ----------------------------------------------------------------------------------------
    // The small map on a memory page

    function initPointMap(container) {
        if (!window.L || container.getAttribute("data-map-ready")) return;
        var config = readJson(container.getAttribute("data-explore-point"));
        if (!config.point) return;
        var opts = config.options || {};
        var zoom = Math.min((opts.maxZoom || 19), 16);
        var map = window.civicMap.create(container, { center: config.point, zoom: zoom }, opts);
        var marker = L.circleMarker(config.point, { radius: 10, weight: 3, color: "#a61c3c", fillOpacity: 0.35 }).addTo(map);
        if (config.label) marker.bindTooltip(config.label);
        container.setAttribute("data-map-ready", "true");
    }

    function initAll() {
        if (!window.civicMap) return;
        document.querySelectorAll("[data-explore-map]").forEach(initExploreMap);
        document.querySelectorAll("[data-explore-point]").forEach(initPointMap);
    }
    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", initAll);
    } else {
        initAll();
    }
})();
