/* A grid page's grid, fitted to its frame: a wide grid scaled down as a whole to the frame's
   width, a small one scaled up by a whole factor (at most 4x), so its blocks stay crisp. The
   scale is one transform of the whole table, so every block keeps the notebook's proportions.
   "Actual size" shows it as the notebook draws it, a wide grid scrolling inside its frame.

   A frame marked data-fit-window (a grid's embed, templates/grids/embed.html) is fitted to the
   window both ways, and has no "Actual size" button.

   Without this script the grid is shown at actual size, which is also what the notebook shows. */
(function () {
  "use strict";

  var MOST_SCALED_UP = 4;
  // A small grid is scaled up only as far as this share of the window's height.
  var HIGHEST_SHARE_OF_WINDOW = 0.75;

  function scaleToFit(frame, table) {
    var width = table.offsetWidth;
    var height = table.offsetHeight;
    var room = frame.clientWidth;
    var fitsWindow = frame.hasAttribute("data-fit-window");
    if (fitsWindow && (width > room || height > window.innerHeight)) {
      return Math.min(room / width, window.innerHeight / height);
    }
    if (width > room) {
      return room / width;
    }
    var roomAbove = fitsWindow
      ? window.innerHeight
      : Math.max(height, window.innerHeight * HIGHEST_SHARE_OF_WINDOW);
    var factor = Math.min(MOST_SCALED_UP, Math.floor(room / width), Math.floor(roomAbove / height));
    return Math.max(1, factor);
  }

  function fit(frame, scaler, table, toggle) {
    // offsetWidth and offsetHeight are the table's own size, whatever transform it has.
    var fitted = scaleToFit(frame, table);
    var actualSize = toggle !== null && toggle.getAttribute("aria-pressed") === "true";
    var scale = actualSize ? 1 : fitted;
    if (toggle !== null) {
      toggle.hidden = fitted === 1;
    }
    if (scale === 1) {
      table.style.transform = "";
      scaler.style.width = "";
      scaler.style.height = "";
    } else {
      table.style.transform = "scale(" + scale + ")";
      scaler.style.width = table.offsetWidth * scale + "px";
      scaler.style.height = table.offsetHeight * scale + "px";
    }
    // Centred on a whole pixel, as CSS's auto margins may not: at actual size the blocks then
    // fall on the screen's pixels exactly as the notebook's do.
    var spare = frame.clientWidth - table.offsetWidth * scale;
    scaler.style.marginLeft = Math.max(0, Math.floor(spare / 2)) + "px";
    scaler.setAttribute("data-scale", String(scale));
  }

  document.querySelectorAll(".grid-figure").forEach(function (figure) {
    var frame = figure.querySelector(".grid-frame");
    var scaler = figure.querySelector(".grid-scaler");
    var table = figure.querySelector("table.blockgrid");
    var toggle = figure.querySelector(".grid-size-toggle");
    if (!frame || !scaler || !table || (!toggle && !frame.hasAttribute("data-fit-window"))) {
      return;
    }
    var refit = function () { fit(frame, scaler, table, toggle); };
    if (toggle) {
      toggle.addEventListener("click", function () {
        var actualSize = toggle.getAttribute("aria-pressed") !== "true";
        toggle.setAttribute("aria-pressed", String(actualSize));
        refit();
      });
    }
    if (window.ResizeObserver) {
      new ResizeObserver(refit).observe(frame);
    } else {
      window.addEventListener("resize", refit);
    }
    refit();
  });
})();
