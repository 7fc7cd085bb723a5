// A table wider than a phone scrolls inside its `.table-responsive` box. Keyboard users can
// scroll such a box only when it can take the focus (WCAG 2.1.1; axe "scrollable-region-
// focusable"), so a box that really scrolls becomes a named, focusable region; one that fits
// stays out of the tab order. Without JavaScript the tables still scroll with a pointer.
(function () {
  "use strict";
  function update() {
    document.querySelectorAll(".table-responsive").forEach(function (box) {
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      if (scrolls && !box.hasAttribute("tabindex")) {
        var caption = box.querySelector("caption");
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", caption ? caption.textContent.trim() : box.textContent.trim().slice(0, 80));
        box.dataset.scrollRegion = "1";
      } else if (!scrolls && box.dataset.scrollRegion) {
        ["tabindex", "role", "aria-label", "data-scroll-region"].forEach(function (name) {
          box.removeAttribute(name);
        });
      }
    });
  }
  var timer;
  window.addEventListener("resize", function () {
    clearTimeout(timer);
    timer = setTimeout(update, 150);
  });
  update();
})();
