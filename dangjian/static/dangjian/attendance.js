// Attendance form: "everyone present" in one tap, and a compact view of the exceptions only.
(function () {
  var card = document.querySelector(".attendance-card");
  if (!card) return;
  function refresh() {
    card.querySelectorAll("[data-row]").forEach(function (li) {
      var checked = li.querySelector("input[type=radio]:checked");
      li.classList.toggle("exception", !checked || checked.value !== "present");
    });
  }
  card.addEventListener("change", refresh);
  var all = card.querySelector("[data-all]");
  if (all) all.addEventListener("click", function () {
    card.querySelectorAll("input[type=radio][value=present]").forEach(function (r) { r.checked = true; });
    refresh();
  });
  var only = card.querySelector("[data-only-exceptions]");
  if (only) only.addEventListener("change", function () { card.classList.toggle("only-exceptions", only.checked); });
})();
