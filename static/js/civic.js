// civic – small progressive enhancements. No inline scripts (CSP); data comes via data-attributes.
(function () {
    "use strict";
    document.documentElement.classList.add("js");

    function initMenu() {
        var toggle = document.querySelector(".menu-toggle");
        var nav = document.getElementById("main-nav");
        if (!toggle || !nav) return;
        var mq = window.matchMedia("(max-width: 47.99rem)");
        function apply() {
            if (mq.matches) {
                toggle.hidden = false;
                if (!nav.hasAttribute("data-collapsed")) nav.setAttribute("data-collapsed", "true");
                toggle.setAttribute("aria-expanded", nav.getAttribute("data-collapsed") === "true" ? "false" : "true");
            } else {
                toggle.hidden = true;
                nav.removeAttribute("data-collapsed");
            }
        }
        toggle.addEventListener("click", function () {
            var collapsed = nav.getAttribute("data-collapsed") === "true";
            nav.setAttribute("data-collapsed", collapsed ? "false" : "true");
            toggle.setAttribute("aria-expanded", collapsed ? "true" : "false");
        });
        mq.addEventListener("change", apply);
        apply();
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", initMenu);
    } else {
        initMenu();
    }
})();
