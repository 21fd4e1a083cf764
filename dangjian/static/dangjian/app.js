// Small progressive enhancements; every page works without them.
document.addEventListener("click", function (e) {
  var t = e.target.closest("[data-toggle=nav]");
  if (t) { document.getElementById("mainnav").classList.toggle("open"); }
  var c = e.target.closest("[data-confirm]");
  if (c && !window.confirm(c.getAttribute("data-confirm"))) { e.preventDefault(); }
});
