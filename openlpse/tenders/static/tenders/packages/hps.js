/* The HPS editor's live total: each row's quantity times unit price, and their sum next to
 * the pagu. Display only: the server computes and checks the real total (Decimal, rounded to
 * the sen) when the form is saved. */
(function () {
  "use strict";

  function number(input) {
    var value = parseFloat((input && input.value || "").replace(",", "."));
    return isFinite(value) ? value : 0;
  }

  function format(amount) {
    var lang = (document.documentElement.lang || "id").slice(0, 2);
    var text = amount.toLocaleString(lang === "id" ? "id-ID" : "en-US", {
      minimumFractionDigits: 2,
      maximumFractionDigits: 2,
    });
    return (lang === "id" ? "Rp " : "IDR ") + text;
  }

  function update(form) {
    var total = 0;
    form.querySelectorAll("[data-hps-row]").forEach(function (row) {
      var quantity = row.querySelector("input[name$='-quantity']");
      var price = row.querySelector("input[name$='-unit_price']");
      var line = Math.round(number(quantity) * number(price) * 100) / 100;
      var cell = row.querySelector("[data-hps-line]");
      if (cell) cell.textContent = line ? format(line) : "";
      total += line;
    });
    var output = document.getElementById("hps-total");
    if (!output) return;
    output.textContent = format(total);
    var pagu = parseFloat(output.getAttribute("data-pagu"));
    var warning = form.querySelector("[data-hps-over]");
    if (warning) warning.hidden = !(total > pagu);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-hps-form]").forEach(function (form) {
      form.addEventListener("input", function () { update(form); });
      update(form);
    });
  });
})();
