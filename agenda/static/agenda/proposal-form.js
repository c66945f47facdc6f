// Digitale Agenda – the proposal form: a character counter for the title, and the similar
// proposals hint: after typing pauses, ask agenda:similar and list what looks alike in an
// aria-live region, each with a link to support it instead of writing a duplicate.
(function () {
    "use strict";

    function debounce(fn, wait) {
        var timer = null;
        return function () {
            clearTimeout(timer);
            timer = setTimeout(fn, wait);
        };
    }

    function initCounter(input) {
        var counter = document.getElementById(input.getAttribute("data-counter"));
        if (!counter) return;
        var max = parseInt(input.getAttribute("maxlength"), 10) || 120;
        var template = counter.getAttribute("data-template") || "{left} / {max}";
        function update() {
            var left = max - input.value.length;
            counter.textContent = template.replace("{left}", String(left)).replace("{max}", String(max));
            counter.classList.toggle("agenda-counter--low", left <= 10);
        }
        // Announce only after a pause, not on every keystroke.
        input.addEventListener("input", debounce(update, 600));
        update();
    }

    function initSimilar(form) {
        var url = form.getAttribute("data-similar-url");
        var region = document.getElementById("similar-proposals");
        var title = form.querySelector("[name=title]");
        var description = form.querySelector("[name=description]");
        if (!url || !region || !title) return;
        var exclude = form.getAttribute("data-exclude") || "";
        var lastQuery = null;
        var controller = null;

        function render(data) {
            region.textContent = "";
            var box = document.getElementById("similar-box");
            if (!data.results.length) {
                var none = document.createElement("p");
                none.textContent = region.getAttribute("data-none") || "";
                region.appendChild(none);
                if (box) box.setAttribute("data-empty", "true");
                return;
            }
            if (box) box.removeAttribute("data-empty");
            var intro = document.createElement("p");
            intro.textContent = (region.getAttribute("data-found") || "{count}")
                .replace("{count}", String(data.results.length));
            region.appendChild(intro);
            var list = document.createElement("ul");
            list.className = "agenda-similar__list";
            data.results.forEach(function (item) {
                var li = document.createElement("li");
                var link = document.createElement("a");
                link.href = item.url;
                link.textContent = item.title;
                var ref = document.createElement("span");
                ref.className = "agenda-ref";
                ref.textContent = " (" + item.reference + ") – ";
                var support = document.createElement("a");
                support.href = item.support_url;
                support.textContent = region.getAttribute("data-support") || "";
                li.appendChild(link);
                li.appendChild(ref);
                li.appendChild(support);
                list.appendChild(li);
            });
            region.appendChild(list);
        }

        function lookUp() {
            var text = title.value.trim();
            var more = description ? description.value.trim().slice(0, 2000) : "";
            if (text.length < 4 && more.length < 12) return;
            var query = "title=" + encodeURIComponent(text) + "&description=" + encodeURIComponent(more) +
                (exclude ? "&ausser=" + encodeURIComponent(exclude) : "");
            if (query === lastQuery) return;
            lastQuery = query;
            if (controller) controller.abort();
            controller = window.AbortController ? new AbortController() : null;
            fetch(url + "?" + query, {
                headers: { Accept: "application/json" },
                credentials: "same-origin",
                signal: controller ? controller.signal : undefined
            })
                .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
                .then(render)
                .catch(function () { /* the hint is optional: the server shows it on preview */ });
        }

        var later = debounce(lookUp, 500);
        title.addEventListener("input", later);
        if (description) description.addEventListener("input", later);
    }

    function init() {
        document.querySelectorAll("[data-counter]").forEach(initCounter);
        document.querySelectorAll("form[data-similar-url]").forEach(initSimilar);
    }
    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", init);
    } else {
        init();
    }
})();
