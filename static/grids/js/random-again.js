/* A grid page reached from /random (which adds ?from=random) offers another random grid. The
   page itself is cached whole and the same for everyone, so the offer is shown here. */
(function () {
  "use strict";
  if (new URLSearchParams(window.location.search).get("from") !== "random") {
    return;
  }
  document.querySelectorAll(".random-again").forEach(function (offer) {
    offer.hidden = false;
  });
})();
