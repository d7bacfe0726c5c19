// Live totals of the budget and financing grids: the page works without this script
// (the server computes the saved totals); with it, totals and balance follow the typing.
// Amounts are read like the server reads them (ccr_portal.forms.parse_amount): spaces and
// « € » ignored, a comma for the decimals; what could mean two things is not counted.
(function () {
  "use strict";
  var THOUSANDS_ONLY = /^-?\d{1,3}([.,]\d{3})+$/;
  var euros = new Intl.NumberFormat("fr-FR", { style: "currency", currency: "EUR" });

  function parse(text) {
    var value = text.replace(/[\s\u00a0\u202f€]/g, "").replace("\u2212", "-");
    if (value === "") return 0;
    if (value.indexOf(",") >= 0 && value.indexOf(".") >= 0) return NaN;
    if ((value.match(/,/g) || []).length > 1 || (value.match(/\./g) || []).length > 1) return NaN;
    if (THOUSANDS_ONLY.test(value)) return NaN;
    value = value.replace(",", ".");
    if (!/^-?\d+(\.\d{1,2})?$/.test(value)) return NaN;
    return Math.round(parseFloat(value) * 100);
  }

  function show(cents) {
    return isNaN(cents) ? "montant à corriger" : euros.format(cents / 100).replace("-", "\u2212");
  }

  function recompute(grid) {
    var years = [0, 1, 2];
    years.forEach(function (year) {
      var totals = { inflow: 0, outflow: 0 };
      ["inflow", "outflow"].forEach(function (side) {
        grid.querySelectorAll('tbody[data-side="' + side + '"] input[data-year="' + year + '"]')
          .forEach(function (input) { totals[side] += parse(input.value); });
        // Lines computed by the server (the granted loans' repayments) count as they are or,
        // counted beyond a typed line (the forecast), for what exceeds what is typed there.
        grid.querySelectorAll('tbody[data-side="' + side + '"] [data-computed-cents][data-year="' + year + '"]')
          .forEach(function (cell) {
            var counted = parseInt(cell.dataset.computedCents, 10);
            if (cell.dataset.beyond) {
              var typed = grid.querySelector('input[name="' + cell.dataset.beyond + '"]');
              var forecast = typed ? parse(typed.value) : 0;
              counted = isNaN(forecast)
                ? NaN
                : Math.max(0, parseInt(cell.dataset.fullCents, 10) - Math.max(0, forecast));
              cell.textContent = show(counted);
            }
            totals[side] += counted;
          });
        var cell = grid.querySelector('[data-total="' + side + '"][data-year="' + year + '"]');
        if (cell) cell.textContent = show(totals[side]);
      });
      var difference = totals.inflow - totals.outflow;
      var cell = grid.querySelector('[data-difference][data-year="' + year + '"]');
      if (!cell) return;
      cell.querySelector("[data-amount]").textContent = show(difference);
      var label = cell.querySelector("[data-balance-label]");
      if (label) {
        label.textContent = isNaN(difference) ? "" : difference === 0 ? "équilibré" : "non équilibré";
        cell.classList.toggle("text-success", difference === 0);
        cell.classList.toggle("text-danger", difference !== 0);
      }
    });
  }

  document.querySelectorAll("[data-amounts-grid]").forEach(function (grid) {
    grid.addEventListener("input", function () { recompute(grid); });
    recompute(grid);
  });
})();
