// The portal's own behaviour, loaded on every page by base.html. Templates carry data attributes
// and no inline script or event handler attributes, so this file is the one place for it.
(function () {
  "use strict";

  // A "Print" button (data-print) prints the page; it stays hidden where this script does not run.
  function showPrintButtons(root) {
    if (root.matches && root.matches("[data-print]")) {
      root.hidden = false;
    }
    root.querySelectorAll("[data-print]").forEach(function (button) {
      button.hidden = false;
    });
  }
  showPrintButtons(document);
  // Content htmx swaps in (a page restored from history, say) is shown the same way.
  document.addEventListener("htmx:load", function (event) {
    showPrintButtons(event.detail.elt);
  });
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) {
      event.preventDefault();
      window.print();
    }
  });

  // A select marked data-autosubmit sends its form as soon as its value changes.
  document.addEventListener("change", function (event) {
    const select = event.target.closest("select[data-autosubmit]");
    if (select && select.form) {
      select.form.requestSubmit();
    }
  });

  // The language menu returns to the page as it is now: a live search may have changed the
  // address (hx-push-url) since the page was rendered.
  document.addEventListener("submit", function (event) {
    const form = event.target.closest("form[data-language-form]");
    const next = form && form.querySelector("input[name=next]");
    if (next) {
      next.value = window.location.pathname + window.location.search;
    }
  });

  // An export link downloads what the list shows now: a live search may have changed the filters
  // in the address (hx-push-url) since the link was drawn.
  document.addEventListener("click", function (event) {
    const link = event.target.closest("a[data-export]");
    if (link) {
      const url = new URL(link.href, window.location.href);
      url.search = window.location.search;
      link.href = url.toString();
    }
  });

  // While an input method composes a word (pinyin, say), the field holds letters that are not
  // the search yet: keep those input events from the live search (htmx listens on the form), and
  // tell it once the word is committed. Chromium fires the last input event before
  // compositionend, Firefox after it; htmx's "changed" drops the duplicate.
  document.addEventListener(
    "input",
    function (event) {
      if (event.isComposing && event.target.closest("form[data-live-search]")) {
        event.stopPropagation();
      }
    },
    true,
  );
  document.addEventListener("compositionend", function (event) {
    if (event.target.closest("form[data-live-search]")) {
      event.target.dispatchEvent(new Event("input", { bubbles: true }));
    }
  });
})();
