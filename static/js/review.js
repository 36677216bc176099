/* The moderators' review page (admin, a pending action): keys for the decisions, and the
   claim on the action renewed while the page is open. Without it, the buttons and the
   browser's access keys do the same, and the claim lasts ACTIONS_CLAIM_SECONDS. */
(function () {
  "use strict";
  var desk = document.getElementById("review-desk");
  if (!desk) {
    return;
  }
  var form = desk.closest("form");

  function press(id) {
    var button = document.getElementById(id);
    if (button) {
      button.click();
    }
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) {
      return;
    }
    var target = event.target;
    var typing = target.closest && target.closest("input[type=text], textarea, select");
    if (typing) {
      if (event.key === "Enter" && (target.id === "id__canned" || target.id === "id__reason")) {
        event.preventDefault();
        press("review-reject");
      } else if (event.key === "Escape") {
        target.blur();
      }
      return;
    }
    var key = event.key.toLowerCase();
    if (key === "a") {
      press("review-approve");
    } else if (key === "r") {
      document.getElementById("id__canned").focus();
    } else if (key === "d") {
      press("review-duplicate");
    } else if (key === "c") {
      var box = document.querySelector("#id_checklist input");
      if (box) {
        box.focus();
      }
    } else if (key === "n") {
      window.location.assign(desk.dataset.next);
    } else {
      return;
    }
    event.preventDefault();
  });

  var token = form && form.querySelector("input[name=csrfmiddlewaretoken]");
  if (token && desk.dataset.claimUrl) {
    window.setInterval(function () {
      if (document.visibilityState !== "visible") {
        return;
      }
      window.fetch(desk.dataset.claimUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": token.value },
      });
    }, 60000);
  }
})();
