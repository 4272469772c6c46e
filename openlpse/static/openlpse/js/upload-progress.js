/* OpenLPSE: upload progress. Every form works without this file.
 *
 * A POST form with data-upload-progress is sent with XMLHttpRequest so that the element
 * [data-upload-status] inside it (a <progress> and a [data-upload-percent] text) shows how much
 * of the file has been sent. The server's answer (the next page after a redirect, or the same
 * form with its error messages) then replaces the page, exactly as a normal submit would.
 * Load it on the pages that need it: <script src=".../upload-progress.js" defer></script>.
 */
(function () {
  "use strict";

  function buttons(form) {
    return Array.prototype.slice.call(form.querySelectorAll("button, input[type=submit]"));
  }

  function setBusy(form, busy) {
    if (busy) {
      form.setAttribute("data-submitting", "true");
      form.setAttribute("aria-busy", "true");
    } else {
      form.removeAttribute("data-submitting");
      form.removeAttribute("aria-busy");
    }
    buttons(form).forEach(function (button) { button.disabled = busy; });
  }

  function showPage(xhr, hash) {
    // The answer is a whole page: show it as the browser would have, at its address (the
    // fragment of a redirect is not passed to XMLHttpRequest: the form's own is used).
    if (xhr.responseURL && window.history && window.history.replaceState) {
      window.history.replaceState(null, "", xhr.responseURL.split("#")[0]);
    }
    document.open();
    document.write(xhr.responseText);
    document.close();
    if (hash) window.location.hash = hash;
  }

  function enhance(form) {
    var status = form.querySelector("[data-upload-status]");
    var bar = status ? status.querySelector("progress") : null;
    var percent = status ? status.querySelector("[data-upload-percent]") : null;

    form.addEventListener("submit", function (event) {
      if (event.defaultPrevented || !window.FormData || !window.XMLHttpRequest) return;
      event.preventDefault();
      if (form.getAttribute("data-submitting") === "true") return; // a second click
      var data = new FormData(form);
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action || window.location.href);
      xhr.upload.addEventListener("progress", function (progress) {
        if (!progress.lengthComputable || !bar) return;
        var value = Math.round((progress.loaded * 100) / progress.total);
        bar.value = value;
        if (percent) percent.textContent = value + " %";
      });
      var hash = (form.getAttribute("action") || "").split("#")[1] || "";
      xhr.addEventListener("load", function () { showPage(xhr, hash); });
      xhr.addEventListener("error", function () {
        setBusy(form, false);
        if (status) status.hidden = true;
        form.submit(); // let the browser try and report the problem itself
      });
      if (status) {
        status.hidden = false;
        if (bar) bar.value = 0;
        if (percent) percent.textContent = "0 %";
      }
      setBusy(form, true);
      xhr.send(data);
    });
  }

  function start() {
    document.querySelectorAll("form[data-upload-progress]").forEach(enhance);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
