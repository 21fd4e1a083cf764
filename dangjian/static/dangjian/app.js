// Small progressive enhancements; every page works without them.
document.addEventListener("click", function (e) {
  var t = e.target.closest("[data-toggle=nav]");
  if (t) { document.getElementById("mainnav").classList.toggle("open"); }
  var c = e.target.closest("[data-confirm]");
  if (c && !window.confirm(c.getAttribute("data-confirm"))) { e.preventDefault(); }
});

// Member form: a valid 18-character 身份证号 fills the birth date and gender when they are still empty
// (GB 11643: digits 7–14 are the birth date, the 17th is odd for men). The server does the same if JS is off.
document.addEventListener("input", function (e) {
  if (e.target.id !== "id_id_number") return;
  var v = e.target.value.trim().toUpperCase().replace(/[\uFF10-\uFF19]/g, function (c) {
    return String.fromCharCode(c.charCodeAt(0) - 0xFEE0);
  });
  if (!/^\d{17}[\dX]$/.test(v)) return;
  var birth = document.getElementById("id_birth_date"), gender = document.getElementById("id_gender");
  if (birth && !birth.value) birth.value = v.slice(6, 10) + "-" + v.slice(10, 12) + "-" + v.slice(12, 14);
  if (gender && !gender.value) gender.value = parseInt(v[16], 10) % 2 ? "M" : "F";
});
