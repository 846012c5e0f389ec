/* Reading a grid's blocks without a mouse: focus the grid (Tab) and move with the arrow keys
   (Home and End for a row's ends, Page Up and Page Down ten rows at a time), or tap or click a
   block. The block's place and colour are written under the grid, in a live region that
   screen readers announce, and the block is outlined.

   Places are the notebook's: grid[row, column] for a BlockGrid; for an ImageGrid, [x, y] with
   y counted from the bottom row, as its Pixel indexes and the hover tooltips
   (grid-tooltips.js) say. Colours are named from the same list, and the same way, as the
   grid's description on the server (grids/rendering/description.py). */
(function () {
  "use strict";

  var PAGE_ROWS = 10;
  var colourNames = null; // loaded on first use

  function loadColourNames(url) {
    if (colourNames === null) {
      colourNames = fetch(url).then(function (response) { return response.json(); });
    }
    return colourNames;
  }

  function redmean(red, green, blue, named) {
    var meanRed = (red + named[1]) / 2;
    return (2 + meanRed / 256) * Math.pow(red - named[1], 2) +
      4 * Math.pow(green - named[2], 2) +
      (2 + (255 - meanRed) / 256) * Math.pow(blue - named[3], 2);
  }

  function colourName(names, rgb) {
    // The centre of the colour's 16-level bucket, as the server names colours.
    var centre = rgb.map(function (channel) { return (channel >> 4) * 16 + 8; });
    var best = names[0];
    names.forEach(function (named) {
      if (redmean(centre[0], centre[1], centre[2], named) <
          redmean(centre[0], centre[1], centre[2], best)) {
        best = named;
      }
    });
    return best[0];
  }

  function channels(cell) {
    var hex = (cell.getAttribute("bgcolor") || "#000000").replace(/^#/, "");
    return [0, 2, 4].map(function (start) { return parseInt(hex.slice(start, start + 2), 16); });
  }

  function place(table, row, col) {
    if (table.getAttribute("data-ipb-class") === "ImageGrid") {
      return "x " + col + ", y " + (table.rows.length - 1 - row);
    }
    return "Row " + row + ", column " + col;
  }

  function explore(scaler) {
    var table = scaler.querySelector("table.blockgrid");
    var details = document.getElementById(scaler.getAttribute("aria-describedby"));
    var namesUrl = scaler.getAttribute("data-colour-names");
    var current = null;

    function select(row, col) {
      var rows = table.rows;
      row = Math.max(0, Math.min(rows.length - 1, row));
      col = Math.max(0, Math.min(rows[row].cells.length - 1, col));
      if (current) {
        current.classList.remove("current");
      }
      current = rows[row].cells[col];
      current.classList.add("current");
      var rgb = channels(current);
      var selected = current;
      loadColourNames(namesUrl).then(function (names) {
        if (selected !== current) {
          return; // another block was selected meanwhile
        }
        details.textContent = place(table, row, col) + ": " + colourName(names, rgb) +
          " (" + rgb.join(", ") + ")";
      });
    }

    function position() {
      if (!current) {
        return [0, 0];
      }
      return [current.parentElement.rowIndex, current.cellIndex];
    }

    var moves = {
      ArrowUp: function (at) { return [at[0] - 1, at[1]]; },
      ArrowDown: function (at) { return [at[0] + 1, at[1]]; },
      ArrowLeft: function (at) { return [at[0], at[1] - 1]; },
      ArrowRight: function (at) { return [at[0], at[1] + 1]; },
      Home: function (at) { return [at[0], 0]; },
      End: function (at) { return [at[0], Infinity]; },
      PageUp: function (at) { return [at[0] - PAGE_ROWS, at[1]]; },
      PageDown: function (at) { return [at[0] + PAGE_ROWS, at[1]]; }
    };

    scaler.addEventListener("focus", function () {
      if (!current) {
        select(0, 0);
      }
    });
    scaler.addEventListener("keydown", function (event) {
      var move = moves[event.key];
      if (!move || event.altKey || event.ctrlKey || event.metaKey) {
        return;
      }
      event.preventDefault();
      var to = move(position());
      select(to[0], to[1]);
    });
    table.addEventListener("click", function (event) {
      var cell = event.target instanceof Element ? event.target.closest("td") : null;
      if (cell) {
        select(cell.parentElement.rowIndex, cell.cellIndex);
        scaler.focus({ preventScroll: true });
      }
    });
  }

  document.querySelectorAll(".grid-scaler[role=application]").forEach(explore);
})();
