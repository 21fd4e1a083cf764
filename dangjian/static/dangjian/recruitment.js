// The step form shows the fields the chosen step needs (its meeting, vote, people, training, end date, result);
// the rest stay in the form, hidden, and the server checks every field whatever is shown.
document.addEventListener("DOMContentLoaded", function () {
  var select = document.getElementById("id_step");
  var source = document.getElementById("step-fields");
  if (!select || !source) return;
  var needs = JSON.parse(source.textContent);
  var always = ["step", "done_on", "note", "attachment"];
  function show() {
    var wanted = always.concat(needs[select.value] || []);
    select.form.querySelectorAll(".field").forEach(function (field) {
      var input = field.querySelector("[name]");
      if (!input) return;
      var keep = wanted.indexOf(input.name) >= 0 || field.classList.contains("has-error");
      field.hidden = !keep;
    });
  }
  select.addEventListener("change", show);
  show();
});
