// Erzähle: one step at a time (Weiter/Zurück) and a map to set the place.
// Without JavaScript every step shows on one page and the place is typed.
(function () {
    "use strict";

    function initSteps(form) {
        var steps = Array.prototype.slice.call(form.querySelectorAll("[data-tell-step]"));
        if (steps.length < 2) return;
        var template = document.getElementById("tell-nav-template");
        var progress = form.querySelector("[data-tell-progress]");
        var progressText = document.querySelector("[data-tell-progress-text]");
        var pattern = progressText ? progressText.getAttribute("data-tell-progress-text") : "%(n)s / %(total)s";
        var current = 0;

        function show(index, focus) {
            current = Math.max(0, Math.min(index, steps.length - 1));
            steps.forEach(function (step, i) { step.hidden = i !== current; });
            if (progress) {
                progress.hidden = false;
                progress.textContent = pattern.replace("%(n)s", current + 1).replace("%(total)s", steps.length);
            }
            if (focus) {
                var heading = steps[current].querySelector("h2");
                if (heading) heading.focus();
                steps[current].scrollIntoView({ block: "start" });
            }
            var map = form.querySelector("[data-tell-map]");
            if (map && map._tellMap && steps[current].contains(map)) map._tellMap.invalidateSize();
        }

        steps.forEach(function (step, i) {
            if (!template) return;
            var nav = template.content.firstElementChild.cloneNode(true);
            var prev = nav.querySelector("[data-tell-prev]");
            var next = nav.querySelector("[data-tell-next]");
            if (i === 0) prev.remove(); else prev.addEventListener("click", function () { show(i - 1, true); });
            if (i === steps.length - 1) next.remove(); else next.addEventListener("click", function () { show(i + 1, true); });
            step.appendChild(nav);
        });
        form.classList.add("tell-form--stepped");

        var start = 0;
        var wanted = form.getAttribute("data-start-step");
        steps.forEach(function (step, i) {
            if (wanted && step.getAttribute("data-tell-step") === wanted) start = i;
        });
        if (!wanted) {
            for (var i = 0; i < steps.length; i++) {
                if (steps[i].querySelector(".field--error, .errorlist")) { start = i; break; }
            }
        }
        show(start, false);
        // Error links in the summary open the step that holds the field.
        document.querySelectorAll("#tell-errors a[href^='#']").forEach(function (link) {
            link.addEventListener("click", function (event) {
                var target = document.getElementById(link.getAttribute("href").slice(1));
                if (!target) return;
                for (var j = 0; j < steps.length; j++) {
                    if (steps[j].contains(target)) {
                        event.preventDefault();
                        show(j, false);
                        target.focus();
                        return;
                    }
                }
            });
        });
    }

    function initPhotoRows(form) {
        var rows = Array.prototype.slice.call(form.querySelectorAll("[data-tell-photo]"));
        var button = form.querySelector("[data-tell-add-photo]");
        if (!rows.length || !button) return;
        var visible = 0;
        rows.forEach(function (row, i) {
            var filled = row.hasAttribute("data-filled") || row.querySelector(".field--error");
            if (filled || i === visible) { visible = i + 1; row.hidden = false; } else { row.hidden = true; }
        });
        function update() { button.hidden = !rows.some(function (row) { return row.hidden; }); }
        button.addEventListener("click", function () {
            for (var i = 0; i < rows.length; i++) {
                if (rows[i].hidden) {
                    rows[i].hidden = false;
                    var input = rows[i].querySelector("input[type=file]");
                    if (input) input.focus();
                    break;
                }
            }
            update();
        });
        update();
    }

    function initMap(form) {
        var wrap = form.querySelector("[data-tell-map-wrap]");
        var el = form.querySelector("[data-tell-map]");
        if (!wrap || !el || !window.L || !window.civicMap) return;
        var latInput = form.querySelector("input[name=lat]");
        var lonInput = form.querySelector("input[name=lon]");
        var status = wrap.querySelector("[data-tell-point-status]");
        wrap.hidden = false;
        var map = window.civicMap.create(el);
        var picker = window.civicMap.pointPicker(map, latInput, lonInput, function (lat, lon) {
            if (lat === null) {
                status.textContent = status.getAttribute("data-text-none");
                el.removeAttribute("data-point");
            } else {
                status.textContent = status.getAttribute("data-text-set") + " " + lat.toFixed(5) + ", " + lon.toFixed(5);
                el.setAttribute("data-point", lat + "," + lon);
            }
        });
        wrap.querySelector("[data-tell-center]").addEventListener("click", function () {
            var c = map.getCenter();
            picker.set(c.lat, c.lng, false);
        });
        wrap.querySelector("[data-tell-clear]").addEventListener("click", picker.clear);
        el.setAttribute("data-map-ready", "true");
        el._tellMap = map;
    }

    function init() {
        document.querySelectorAll("[data-tell-form]").forEach(function (form) {
            initMap(form);
            initPhotoRows(form);
            initSteps(form);
        });
    }
    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", init);
    } else {
        init();
    }
})();
