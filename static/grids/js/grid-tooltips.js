/* Block tooltips for grid tables (grids.rendering.html), filled in on first hover.

   The notebook writes a title on every cell ("Index: [row, col]" and the colour); 12,500 of
   them would quadruple a big grid's page, so we compute the same text from the cell's place
   and its bgcolor. An ImageGrid numbers blocks as the notebook's Pixel._td does with the
   default origin='lower-left': [x, y], with y counted from the bottom row.

   One listener on the document serves every table.blockgrid, including tables added later. */
(function () {
  "use strict";

  function channels(hex) {
    var digits = hex.replace(/^#/, "");
    return [0, 2, 4].map(function (start) {
      return parseInt(digits.slice(start, start + 2), 16);
    });
  }

  function titleFor(cell, table) {
    var row = cell.parentElement.rowIndex;
    var col = cell.cellIndex;
    var index = [row, col];
    if (table.getAttribute("data-ipb-class") === "ImageGrid") {
      index = [col, table.rows.length - 1 - row];
    }
    var rgb = channels(cell.getAttribute("bgcolor") || "");
    return "Index: [" + index.join(", ") + "]\nColor: (" + rgb.join(", ") + ")";
  }

  document.addEventListener("mouseover", function (event) {
    var target = event.target;
    if (!(target instanceof Element)) {
      return;
    }
    var cell = target.closest("table.blockgrid td");
    if (cell === null || cell.hasAttribute("title")) {
      return;
    }
    cell.setAttribute("title", titleFor(cell, cell.closest("table.blockgrid")));
  });
})();
