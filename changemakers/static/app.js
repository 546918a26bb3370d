// Progressive enhancement only: every page works without this file.
(function () {
  // GSM-7, as messages/segments.py counts it: 160 a text (153 a part); anything else, 70 (67).
  var GSM = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
  var GSM_EXTENDED = "^{}\\[~]|€\f";

  function smsLength(text) {
    var forcedBy = null, units = 0, i, ch;
    var chars = Array.from(text);
    for (i = 0; i < chars.length; i++) {
      ch = chars[i];
      if (GSM.indexOf(ch) < 0 && GSM_EXTENDED.indexOf(ch) < 0) { forcedBy = ch; break; }
    }
    if (forcedBy === null) {
      chars.forEach(function (c) { units += GSM_EXTENDED.indexOf(c) >= 0 ? 2 : 1; });
      return describe(chars.length, units, 160, 153, "GSM-7", null);
    }
    return describe(chars.length, text.length, 70, 67, "UCS-2", forcedBy);
  }

  function describe(characters, units, single, part, encoding, forcedBy) {
    var segments = units === 0 ? 0 : units <= single ? 1 : Math.ceil(units / part);
    return characters + " characters: " + segments + " text" + (segments === 1 ? "" : "s") +
      " (" + encoding + (forcedBy ? ", because of “" + forcedBy + "”" : "") + ").";
  }

  // A table too wide for the screen scrolls sideways inside its .table-wrap. Keyboard users must
  // be able to reach it to scroll it (WCAG 2.1.1), and screen reader users hear which table the
  // region holds. A table that fits gets no extra stop in the tab order.
  function scrollableTables() {
    document.querySelectorAll(".table-wrap").forEach(function (wrap) {
      var caption = wrap.querySelector("caption");
      if (wrap.scrollWidth > wrap.clientWidth) {
        wrap.setAttribute("tabindex", "0");
        wrap.setAttribute("role", "region");
        wrap.setAttribute("aria-label",
          (caption ? caption.textContent.trim() : "Table") + " (scrolls sideways)");
      } else {
        wrap.removeAttribute("tabindex");
        wrap.removeAttribute("role");
        wrap.removeAttribute("aria-label");
      }
    });
  }

  window.addEventListener("load", scrollableTables);
  window.addEventListener("resize", scrollableTables);

  document.addEventListener("DOMContentLoaded", function () {
    scrollableTables();
    // Move focus to the error summary so screen reader and keyboard users hear what went wrong.
    var summary = document.querySelector("[data-error-summary]");
    if (summary) {
      summary.focus();
    }
    // A live count of characters and texts under a message being written, of the message as
    // the phone gets it: with each {name} replaced by the signposting directory's words.
    var counter = document.querySelector("[data-sms-length]");
    var message = counter && document.getElementById("text");
    var readAs = document.querySelector("[data-read-as]");
    var signposts = readAs ? JSON.parse(readAs.getAttribute("data-signposts")) : {};
    if (message) {
      message.addEventListener("input", function () {
        var rendered = message.value.replace(/\{([a-z0-9_]+)\}/g, function (whole, name) {
          return Object.prototype.hasOwnProperty.call(signposts, name) ? signposts[name] : whole;
        });
        counter.textContent = smsLength(rendered);
        if (readAs) {
          readAs.textContent = rendered;
        }
      });
    }
    stepKinds();
  });

  // A step's form shows only the fields its kind uses; they change as the kind does (without
  // this, a button shows the fields of the kind chosen).
  function stepKinds() {
    var form = document.querySelector("[data-step-form]");
    var kind = form && form.querySelector("select[name=kind]");
    if (!kind) {
      return;
    }
    form.querySelectorAll("[data-kind-refresh]").forEach(function (button) {
      button.hidden = true;
    });
    // The fields change here as the kind does: saving need not show them again.
    form.querySelectorAll("[data-fields-shown]").forEach(function (input) {
      input.value = "1";
    });
    function show() {
      form.querySelectorAll("[data-for-kinds]").forEach(function (group) {
        group.hidden = group.getAttribute("data-for-kinds").split(" ").indexOf(kind.value) < 0;
      });
    }
    kind.addEventListener("change", show);
    show();
  }
})();
