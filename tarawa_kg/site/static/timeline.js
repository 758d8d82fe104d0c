// Timeline filters: show the form (hidden without JavaScript, when the list is plain) and hide the
// events that are not at the chosen place or on the chosen side.
(function () {
  "use strict";
  var form = document.getElementById("timeline-filters");
  var list = document.getElementById("timeline");
  if (!form || !list) { return; }
  var place = document.getElementById("filter-place");
  var side = document.getElementById("filter-side");
  var count = document.getElementById("filter-count");
  function has(item, attr, key) {
    return !key || (" " + item.getAttribute(attr) + " ").indexOf(" " + key + " ") >= 0;
  }
  function apply() {
    var shown = 0;
    var items = list.children;
    for (var i = 0; i < items.length; i++) {
      var ok = has(items[i], "data-places", place.value) && has(items[i], "data-sides", side.value);
      items[i].hidden = !ok;
      if (ok) { shown++; }
    }
    count.textContent = shown + " of " + items.length + " events";
  }
  form.hidden = false;
  place.addEventListener("change", apply);
  side.addEventListener("change", apply);
  apply();
}());
