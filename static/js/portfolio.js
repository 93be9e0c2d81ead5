// Keyboard editing of the portfolio grid (htmx swaps each cell between view and form):
// Escape cancels an open cell form, and after a save or cancel the focus returns to the cell
// and the outcome is announced to screen readers.
(function () {
  "use strict";
  var returnFocusTo = null;

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var form = event.target.closest && event.target.closest(".cell-form");
    if (!form) return;
    event.preventDefault();
    var cancel = form.querySelector(".cell-cancel");
    if (cancel) cancel.click();
  });

  document.addEventListener("htmx:beforeRequest", function (event) {
    var cell = event.target.closest && event.target.closest("td.cell");
    returnFocusTo = cell ? cell.id : null;
  });

  document.addEventListener("htmx:afterSettle", function () {
    if (!returnFocusTo) return;
    var cell = document.getElementById(returnFocusTo);
    if (!cell) return;
    var target = cell.querySelector("textarea, .cell-edit");
    if (target) target.focus();
  });

  document.body.addEventListener("cellSaved", function (event) {
    var announcer = document.getElementById("grid-announcer");
    if (!announcer) return;
    // Empty the region first, so that the same message after the next save is read again.
    announcer.textContent = "";
    window.setTimeout(function () { announcer.textContent = event.detail.value; }, 100);
  });
})();
