/* The thanks page's "Copy the link" button. Without this file the link is still there to
 * select and copy; the button stays hidden. No inline code (Content-Security-Policy).
 */
(function () {
  "use strict";

  var button = document.getElementById("receipt-copy");
  var input = button && document.getElementById(button.dataset.target);
  var status = document.getElementById("receipt-copy-status");
  if (!button || !input || !status) { return; }

  function done(message) { status.textContent = message || ""; }

  function fallback() {
    input.focus();
    input.select();
    try {
      done(document.execCommand("copy") ? button.dataset.copied : button.dataset.failed);
    } catch (e) {
      done(button.dataset.failed);
    }
  }

  button.hidden = false;
  button.addEventListener("click", function () {
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(input.value).then(function () {
        done(button.dataset.copied);
      }, fallback);
    } else {
      fallback();
    }
  });
  // A click in the field selects the whole link, ready to copy by hand.
  input.addEventListener("focus", function () { input.select(); });
})();
