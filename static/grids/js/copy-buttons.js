/* Copy buttons: a grid page's link and its remix snippet, one click to the clipboard.

   The buttons are in the page hidden and shown here, so without scripts nobody meets a button
   that does nothing. navigator.clipboard exists only in secure contexts (https://, localhost),
   and many schools serve the site over plain http:// on their network: there the text is
   copied from a selected, off-screen textarea instead. Whatever happens, the button's status
   says so, and where nothing could be copied the text is left selected for Ctrl+C. */
(function () {
  "use strict";

  function textFor(button) {
    var target = button.getAttribute("data-copy-target");
    if (target) {
      return document.getElementById(target).textContent;
    }
    return button.getAttribute("data-copy-text");
  }

  function copiedBySelection(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "copy-source";
    document.body.appendChild(area);
    area.select();
    var copied = false;
    try {
      copied = document.execCommand("copy");
    } catch (error) {
      copied = false;
    }
    document.body.removeChild(area);
    return copied;
  }

  function copy(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).then(
        function () { return true; },
        function () { return copiedBySelection(text); }
      );
    }
    return Promise.resolve(copiedBySelection(text));
  }

  function selectForCtrlC(button) {
    var target = button.getAttribute("data-copy-target");
    if (!target) {
      return;
    }
    var range = document.createRange();
    range.selectNodeContents(document.getElementById(target));
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function say(button, message) {
    var status = button.parentElement.querySelector(".copy-status");
    if (status) {
      status.textContent = message;
    }
  }

  document.querySelectorAll("button.copy-button").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var text = textFor(button);
      copy(text).then(function (copied) {
        if (copied) {
          say(button, "Copied");
        } else {
          selectForCtrlC(button);
          say(button, button.hasAttribute("data-copy-target")
            ? "Selected: press Ctrl+C (or ⌘C) to copy"
            : "Copy this link: " + text);
        }
      });
    });
  });
})();
