/* A class's wall fills in by itself: every few seconds it asks the site for its cards, sending
   the ETag of those it shows. Nothing new is a 304 from the site's cache; anything new (a post,
   a teacher's decision) replaces the cards. A poll that fails is tried again at the next tick,
   so a wall left open through a network blip or a restart catches up on its own. */
(function () {
  "use strict";

  var region = document.getElementById("wall-cards");
  var status = document.getElementById("wall-status");
  if (!region || !window.fetch) {
    return;
  }
  var url = region.getAttribute("data-poll-url");
  var etag = region.getAttribute("data-etag");
  var seconds = Number(region.getAttribute("data-poll-seconds")) || 3;

  function poll() {
    fetch(url, {
      headers: { "If-None-Match": etag },
      cache: "no-store",
      credentials: "same-origin"
    }).then(function (response) {
      if (response.status === 200) {
        etag = response.headers.get("ETag") || etag;
        return response.text().then(function (html) {
          region.innerHTML = html;
          var now = new Date();
          status.textContent = "Updated at " + now.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }) + ".";
        });
      }
      return null;
    }).catch(function () {
      return null;
    }).then(function () {
      window.setTimeout(poll, seconds * 1000);
    });
  }

  window.setTimeout(poll, seconds * 1000);
})();
