// The item form's measure picker (templates/meetings/_measure_picker.html): a focus area
// select and a search field hide the measures that do not match; checked measures always
// stay in view, and a status line says how many are shown. Without this file every focus
// area's measures are listed.
(function () {
  "use strict";

  function setUp(picker) {
    var controls = picker.querySelector("[data-measure-filter]");
    var areaSelect = picker.querySelector("[data-filter-area]");
    var search = picker.querySelector("[data-filter-text]");
    var status = picker.querySelector("[data-filter-status]");
    var rows = Array.prototype.slice.call(picker.querySelectorAll(".field-checkbox[data-area]"));
    var groups = Array.prototype.slice.call(picker.querySelectorAll("fieldset[data-area]"));

    function filter() {
      var area = areaSelect.value;
      var words = search.value.toLocaleLowerCase("nb").split(/\s+/).filter(Boolean);
      var shown = 0;
      rows.forEach(function (row) {
        var text = row.textContent.toLocaleLowerCase("nb");
        var match = (!area || row.dataset.area === area) &&
          words.every(function (word) { return text.indexOf(word) !== -1; });
        var visible = match || row.querySelector("input").checked;
        row.hidden = !visible;
        if (visible) { shown += 1; }
      });
      groups.forEach(function (group) {
        group.hidden = !group.querySelector(".field-checkbox:not([hidden])");
      });
      status.textContent = shown === rows.length ? "Alle " + shown + " tiltak vises." :
        shown + " av " + rows.length + " tiltak vises.";
    }

    controls.hidden = false;
    areaSelect.addEventListener("change", filter);
    search.addEventListener("input", filter);
    // Enter in the search field filters; it does not send the form.
    search.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); filter(); }
    });
  }

  document.querySelectorAll("[data-measure-picker]").forEach(setUp);
}());
