/* OpenLPSE: small progressive enhancements. Every page works without this file.
 *
 * - Tables: a header cell with data-sort="text|number|date" becomes a button that sorts the
 *   rows of its table on the client and sets aria-sort. A cell may carry data-sort-value
 *   (an ISO date, a plain number) when its text is formatted for people.
 * - Forms with data-confirm="question" (or a submit button with it) ask before sending.
 * - POST forms are sent once: after the first submit further submits are ignored and the
 *   buttons are disabled; they come back when the page is shown again (back button).
 *   Add data-no-disable to a form whose answer is a download (the page stays).
 */
(function () {
  "use strict";

  // ------------------------------------------------------------------ table sorting

  function sortKey(cell, kind) {
    if (!cell) return null;
    var raw = cell.hasAttribute("data-sort-value") ? cell.getAttribute("data-sort-value") : cell.textContent;
    raw = (raw || "").trim();
    if (raw === "") return null;
    if (kind === "number") {
      var text = raw;
      if (!cell.hasAttribute("data-sort-value")) {
        // Numbers formatted for people: "1.234.567,50" in Indonesian, "1,234,567.50" in English.
        var indonesian = (document.documentElement.lang || "id").toLowerCase().indexOf("id") === 0;
        text = indonesian ? text.replace(/\./g, "").replace(",", ".") : text.replace(/,/g, "");
        text = text.replace(/[^0-9.\-]/g, "");
      }
      var number = parseFloat(text);
      return isNaN(number) ? null : number;
    }
    return raw; // text, and dates given as ISO strings in data-sort-value
  }

  function compareKeys(a, b, kind, collator) {
    if (a === null && b === null) return 0;
    if (a === null) return 1; // empty cells last
    if (b === null) return -1;
    if (kind === "number") return a - b;
    if (kind === "date") return a < b ? -1 : a > b ? 1 : 0;
    return collator.compare(a, b);
  }

  function sortTable(th) {
    var table = th.closest("table");
    if (!table || !table.tBodies.length) return;
    var tbody = table.tBodies[0];
    var index = th.cellIndex;
    var kind = th.getAttribute("data-sort") || "text";
    var direction = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
    var collator = new Intl.Collator(document.documentElement.lang || undefined, { numeric: true, sensitivity: "base" });

    var rows = Array.prototype.map.call(tbody.rows, function (row, position) {
      return { row: row, key: sortKey(row.cells[index], kind), position: position };
    });
    rows.sort(function (a, b) {
      var order = compareKeys(a.key, b.key, kind, collator);
      if (order !== 0 && a.key !== null && b.key !== null && direction === "descending") order = -order;
      return order !== 0 ? order : a.position - b.position; // stable
    });
    rows.forEach(function (item) { tbody.appendChild(item.row); });

    table.querySelectorAll("th[aria-sort]").forEach(function (other) { other.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", direction);
  }

  function initSortableTables(root) {
    root.querySelectorAll("table th[data-sort]").forEach(function (th) {
      if (th.querySelector(".sort-button")) return;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort-button";
      while (th.firstChild) button.appendChild(th.firstChild);
      th.appendChild(button);
      button.addEventListener("click", function () { sortTable(th); });
    });
  }

  // ------------------------------------------------------------------ forms

  function formButtons(form) {
    var buttons = Array.prototype.slice.call(form.querySelectorAll("button, input[type=submit], input[type=image]"));
    if (form.id) {
      buttons = buttons.concat(Array.prototype.slice.call(document.querySelectorAll('[form="' + CSS.escape(form.id) + '"]')));
    }
    return buttons;
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || event.defaultPrevented) return;

    if (form.getAttribute("data-submitting") === "true") {
      event.preventDefault(); // a second click while the first request is on its way
      return;
    }

    var submitter = event.submitter;
    var question = (submitter && submitter.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
      return;
    }

    if ((form.getAttribute("method") || "get").toLowerCase() !== "post" || form.hasAttribute("data-no-disable")) return;
    form.setAttribute("data-submitting", "true");
    form.setAttribute("aria-busy", "true");
    // Disable after the browser has collected the form data, so the clicked button's
    // name and value are still sent.
    window.setTimeout(function () {
      formButtons(form).forEach(function (button) {
        if (!button.disabled) {
          button.disabled = true;
          button.setAttribute("data-openlpse-disabled", "true");
        }
      });
    }, 0);
  });

  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-submitting]").forEach(function (form) {
      form.removeAttribute("data-submitting");
      form.removeAttribute("aria-busy");
    });
    document.querySelectorAll("[data-openlpse-disabled]").forEach(function (button) {
      button.disabled = false;
      button.removeAttribute("data-openlpse-disabled");
    });
  });

  // ------------------------------------------------------------------ start

  function start() { initSortableTables(document); }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
