// The plan grid as a WAI-ARIA grid (APG "data grid"): one tab stop for all the plan's tables
// (roving tabindex), arrow keys, Home/End (Ctrl: first/last cell), Page Up/Down (ten rows).
// Enter or F2 (or typing) opens an editor's cell in the editor dialog (htmx fetches its form),
// Escape closes it and the focus returns to the cell; Enter in the text saves and moves down.
// Space, Shift+arrows and Ctrl/Shift+click mark cells for "Sett status" (one form, one save).
(function () {
  "use strict";
  var ITEM = "td.cell > a, td.cell[tabindex], .row-actions > summary";
  var FOCUSABLE = "a[href], button, summary, input, select, textarea, td[tabindex]";
  var PAGE = 10;
  var grids = Array.prototype.slice.call(document.querySelectorAll("table.plan-grid"));
  if (!grids.length) return;
  var editor = document.getElementById("cell-editor");
  var editorBody = document.getElementById("cell-editor-body");
  var bulkForm = document.getElementById("bulk-status");
  var active = null;
  var column = 0;
  var anchor = null;
  var openCell = null;
  var moveDown = false;
  var typedText = null;
  var selected = {};

  function inGrid(element) {
    return element && element.closest && element.closest("table.plan-grid");
  }
  function demote(root) {
    root.querySelectorAll(FOCUSABLE).forEach(function (el) { el.setAttribute("tabindex", "-1"); });
  }
  function rows() {
    var found = [];
    grids.forEach(function (grid) {
      grid.querySelectorAll("tr").forEach(function (tr) {
        var items = tr.querySelectorAll(ITEM);
        if (items.length) found.push(Array.prototype.slice.call(items));
      });
    });
    return found;
  }
  function position(all, item) {
    for (var r = 0; r < all.length; r++) {
      var c = all[r].indexOf(item);
      if (c >= 0) return { row: r, col: c };
    }
    return null;
  }
  function itemOf(cell) {
    return cell && (cell.matches("[tabindex]") ? cell : cell.querySelector("a"));
  }
  function makeActive(item) {
    if (active && active !== item) active.setAttribute("tabindex", "-1");
    item.setAttribute("tabindex", "0");
    active = item;
  }
  function focusItem(item) {
    makeActive(item);
    item.focus();
  }

  // Selection (editors only: the grid is aria-multiselectable).
  function cellOf(item) {
    return item && item.closest("td.cell");
  }
  function select(cell, on) {
    if (!cell || !bulkForm) return;
    cell.setAttribute("aria-selected", on ? "true" : "false");
    if (on) selected[cell.id] = true; else delete selected[cell.id];
  }
  function showSelection() {
    if (!bulkForm) return;
    var count = Object.keys(selected).length;
    bulkForm.hidden = count === 0;
    document.getElementById("bulk-count").textContent = count === 0 ? "Ingen celler er merket."
      : count + (count === 1 ? " celle er merket." : " celler er merket.");
  }
  function clearSelection() {
    Object.keys(selected).forEach(function (id) { select(document.getElementById(id), false); });
    anchor = null;
    showSelection();
  }
  function selectRange(all, from, to) {
    Object.keys(selected).forEach(function (id) { select(document.getElementById(id), false); });
    for (var r = Math.min(from.row, to.row); r <= Math.max(from.row, to.row); r++) {
      for (var c = Math.min(from.col, to.col); c <= Math.max(from.col, to.col); c++) {
        select(cellOf(all[r][c]), true);
      }
    }
    showSelection();
  }

  function move(event, item) {
    var all = rows();
    var at = position(all, item);
    if (!at) return false;
    var row = at.row;
    var col = at.col;
    var keys = {
      ArrowRight: function () { col += 1; },
      ArrowLeft: function () { col -= 1; },
      ArrowDown: function () { row += 1; col = column; },
      ArrowUp: function () { row -= 1; col = column; },
      PageDown: function () { row += PAGE; col = column; },
      PageUp: function () { row -= PAGE; col = column; },
      Home: function () { col = 0; if (event.ctrlKey) row = 0; },
      End: function () { col = Infinity; if (event.ctrlKey) row = all.length - 1; },
    };
    if (!keys[event.key]) return false;
    keys[event.key]();
    row = Math.max(0, Math.min(all.length - 1, row));
    col = Math.max(0, Math.min(all[row].length - 1, col));
    if (["ArrowRight", "ArrowLeft", "Home", "End"].indexOf(event.key) >= 0) column = col;
    if (event.shiftKey && bulkForm && event.key.indexOf("Arrow") === 0) {
      anchor = anchor || at;
      selectRange(all, anchor, { row: row, col: col });
    } else {
      anchor = null;
    }
    focusItem(all[row][col]);
    return true;
  }

  // Typing a letter in a cell opens it with that letter in place of the text, as in a sheet.
  // The dialog opens once htmx has settled the form (see htmx:afterSettle below).
  function openEditor(link, typed) {
    openCell = cellOf(link).id;
    typedText = typed || null;
    focusItem(link);
    window.htmx.ajax("GET", link.getAttribute("href"), { target: editorBody, swap: "innerHTML" });
  }

  document.addEventListener("keydown", function (event) {
    var item = event.target;
    if (!inGrid(item) || !item.matches(ITEM)) return;
    if (move(event, item)) {
      event.preventDefault();
    } else if ((event.key === "Enter" || event.key === "F2") && item.matches("a.cell-edit")) {
      event.preventDefault();
      openEditor(item);
    } else if (event.key.length === 1 && event.key !== " " && !event.ctrlKey && !event.metaKey
               && !event.altKey && item.matches("a.cell-edit")) {
      event.preventDefault();
      openEditor(item, event.key);
    } else if (event.key === "F2" && item.matches("a")) {
      event.preventDefault();
      item.click();
    } else if (event.key === " " && bulkForm && cellOf(item)) {
      event.preventDefault();
      var cell = cellOf(item);
      select(cell, cell.getAttribute("aria-selected") !== "true");
      anchor = position(rows(), item);
      showSelection();
    } else if (event.key === "Escape" && Object.keys(selected).length) {
      clearSelection();
    }
  });

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a.cell-edit");
    if (!link || !inGrid(link)) return;
    event.preventDefault();
    if (event.shiftKey || event.ctrlKey || event.metaKey) {
      var cell = cellOf(link);
      select(cell, cell.getAttribute("aria-selected") !== "true");
      showSelection();
      focusItem(link);
    } else {
      openEditor(link);
    }
  });

  document.addEventListener("focusin", function (event) {
    var item = event.target;
    if (inGrid(item) && item.matches(ITEM)) {
      makeActive(item);
      var at = position(rows(), item);
      if (at) column = at.col;
    }
  });

  // A row's actions menu: its links and buttons are reachable by Tab only while it is open.
  document.addEventListener("toggle", function (event) {
    var details = event.target;
    if (!inGrid(details)) return;
    details.querySelectorAll("ul " + FOCUSABLE.replace(/, /g, ", ul ")).forEach(function (el) {
      if (details.open) el.removeAttribute("tabindex"); else el.setAttribute("tabindex", "-1");
    });
  }, true);

  if (editor) {
    editor.addEventListener("close", function () {
      editorBody.innerHTML = "";
      var cell = document.getElementById(openCell);
      if (!cell) return;
      var target = itemOf(cell);
      if (moveDown) {
        var all = rows();
        var at = position(all, target);
        var below = at && all[at.row + 1];
        if (below) target = below[Math.min(at.col, below.length - 1)];
      }
      moveDown = false;
      focusItem(target);
    });
    editorBody.addEventListener("click", function (event) {
      if (event.target.closest(".cell-cancel")) editor.close();
    });
    editorBody.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey && event.target.matches("textarea")) {
        event.preventDefault();
        moveDown = true;
        event.target.form.requestSubmit();
      }
    });
  }

  // Not when htmx.ajax's promise resolves: that is before the settle, when htmx has not yet
  // taken over the form, so a quick Enter would post it as a plain page.
  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail && event.detail.target;
    if (!editor || target !== editorBody) return;
    moveDown = false;  // a refused save shows the form again
    if (!editor.open) editor.showModal();
    var text = editorBody.querySelector("textarea");
    if (!text) return;
    if (typedText !== null) text.value = typedText;
    typedText = null;
    text.focus();
  });

  document.body.addEventListener("cellSaved", function (event) {
    // The saved cell has replaced the old one (HX-Retarget; the event comes after the settle).
    var cell = document.getElementById(openCell);
    if (cell) {
      demote(cell);
      if (bulkForm) select(cell, !!selected[cell.id]);
    }
    if (editor.open) editor.close();
    var announcer = document.getElementById("grid-announcer");
    if (!announcer) return;
    // Empty the region first, so that the same message after the next save is read again.
    announcer.textContent = "";
    window.setTimeout(function () { announcer.textContent = event.detail.value; }, 100);
  });

  if (bulkForm) {
    document.getElementById("bulk-clear").addEventListener("click", clearSelection);
    bulkForm.addEventListener("submit", function () {
      bulkForm.querySelectorAll("input[name=celle]").forEach(function (el) { el.remove(); });
      Object.keys(selected).forEach(function (id) {
        var input = document.createElement("input");
        input.type = "hidden";
        input.name = "celle";
        input.value = document.getElementById(id).getAttribute("data-cell");
        bulkForm.appendChild(input);
      });
    });
  }

  grids.forEach(function (grid) {
    demote(grid);
    if (bulkForm) {
      grid.querySelectorAll("td.cell").forEach(function (cell) {
        cell.setAttribute("aria-selected", "false");
      });
    }
  });
  var start = location.hash && document.getElementById(location.hash.slice(1));
  var first = itemOf(start && start.matches("td.cell") ? start : null);
  makeActive(first || document.querySelector(".plan-grid td.cell > a, .plan-grid td.cell[tabindex]")
    || grids[0].querySelector(ITEM) || grids[0]);
  if (first) {
    first.focus();
    // The browser's own move to the #celle-… target comes after this script and, the cell
    // itself not being focusable, moves the focus to the page: take it back once loaded.
    window.addEventListener("load", function () { first.focus(); });
  }
})();
