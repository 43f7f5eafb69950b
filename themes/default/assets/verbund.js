// Suggestions for the search box: a progressive enhancement. The form
// works without this script; with it, the box offers completions from the
// search endpoint as the user types, announced to screen readers through
// a native datalist.
(function () {
  "use strict";
  var input = document.querySelector("input[data-suggest]");
  if (!input || !window.fetch) {
    return;
  }
  var endpoint = input.getAttribute("data-suggest");
  var list = document.createElement("datalist");
  list.id = "suche-vorschlaege";
  input.setAttribute("list", list.id);
  input.parentNode.appendChild(list);

  var timer = null;
  var controller = null;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    var q = input.value.trim();
    if (q.length < 2) {
      return;
    }
    timer = setTimeout(function () { suggest(q); }, 150);
  });

  function suggest(q) {
    if (controller) {
      controller.abort();
    }
    controller = new AbortController();
    var url = endpoint + "?q=" + encodeURIComponent(q);
    fetch(url, { signal: controller.signal, credentials: "omit" })
      .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
      .then(function (data) {
        while (list.firstChild) {
          list.removeChild(list.firstChild);
        }
        (data.suggestions || []).slice(0, 8).forEach(function (s) {
          var option = document.createElement("option");
          option.value = typeof s === "string" ? s : s.text;
          list.appendChild(option);
        });
      })
      .catch(function () {});
  }
})();
