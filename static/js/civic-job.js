// Shows a background job's progress (civic.jobs): polls the job's status URL until it is finished,
// then offers the download link. Without JavaScript the page shows the state at load time.
(function () {
  "use strict";
  var root = document.querySelector("[data-job-status-url]");
  if (!root) return;
  var url = root.getAttribute("data-job-status-url");
  var bar = root.querySelector("progress");
  var label = root.querySelector("[data-job-status-label]");
  var percent = root.querySelector("[data-job-percent]");
  var message = root.querySelector("[data-job-message]");
  var download = root.querySelector("[data-job-download]");
  var link = root.querySelector("[data-job-download-link]");
  var hint = root.querySelector("[data-job-waiting-hint]");
  var delay = 1000;

  function render(state) {
    bar.value = state.progress;
    bar.textContent = state.progress + " %";
    label.textContent = state.status_label;
    message.textContent = state.message || "";
    var finished = state.status === "done" || state.status === "failed";
    percent.textContent = finished ? "" : "(" + state.progress + " %)";
    if (state.download_url) {
      link.href = state.download_url;
      link.textContent = link.textContent.split(":")[0].trim() + ": " + state.filename;
      download.hidden = false;
    }
    if (finished && hint) hint.hidden = true;
    return finished;
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (state) {
        if (!render(state)) {
          delay = Math.min(delay * 1.3, 5000);
          window.setTimeout(poll, delay);
        }
      })
      .catch(function () {
        window.setTimeout(poll, 5000);
      });
  }

  if (root.hasAttribute("data-job-finished")) return;
  poll();
})();
