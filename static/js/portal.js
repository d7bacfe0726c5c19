/* The portal's few scripts: focus where a keyboard or screen-reader user needs it.
   Every page works without them. */
(function () {
  "use strict";

  // After a refused submission, the error summary takes the focus: it is read
  // first, and its entries link to the fields.
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.getElementById("erreurs-formulaire");
    if (summary) {
      summary.focus();
    }
  });

  // A table's scrolling region is a tab stop (for the arrows) only while it
  // scrolls: on a wide screen it is none.
  function tabStopsForScrollingTables() {
    document.querySelectorAll(".table-responsive[role=region]").forEach(function (region) {
      if (region.scrollWidth > region.clientWidth) {
        region.setAttribute("tabindex", "0");
      } else {
        region.removeAttribute("tabindex");
      }
    });
  }
  document.addEventListener("DOMContentLoaded", tabStopsForScrollingTables);
  window.addEventListener("resize", tabStopsForScrollingTables);

  // A skip link to the error summary's field puts the focus in the field itself.
  document.addEventListener("click", function (event) {
    var link = event.target.closest("#erreurs-formulaire a[href^='#']");
    if (!link) {
      return;
    }
    var field = document.getElementById(link.getAttribute("href").slice(1));
    if (field) {
      event.preventDefault();
      field.focus();
    }
  });

  // htmx replaces a region (a PDF being generated): if the focus was inside it,
  // it stays in the new region, on its first control, instead of falling back
  // to the top of the page. The region is found again through the nearest
  // ancestor with an id, which the swap keeps.
  var focusHolder = null;
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    focusHolder = null;
    if (target && target.contains(document.activeElement)) {
      var holder = target.parentElement && target.parentElement.closest("[id]");
      focusHolder = holder ? holder.id : null;
    }
  });
  document.addEventListener("htmx:afterSettle", function () {
    if (!focusHolder) {
      return;
    }
    var region = document.getElementById(focusHolder);
    focusHolder = null;
    if (!region || region.contains(document.activeElement)) {
      return;
    }
    var control = region.querySelector("a[href], button, input, select, textarea");
    if (control) {
      control.focus();
    } else {
      region.setAttribute("tabindex", "-1");
      region.focus();
    }
  });
})();
