// Loaded between require.js and the widget manager (embed-amd.js) on pages with stored
// widget state (myst-nb's nb_ipywidgets_js in _config.yml).
(function () {
  // 1. The manager's bundled modules find their icon fonts relative to their own module
  //    path: point those paths at the site's copy in _static/vendor/.
  var staticRoot = document.currentScript.src.replace(/[^/]*$/, "");  // .../_static/
  var manager = staticRoot + "vendor/html-manager-1.0.15";
  require.config({
    paths: {"@jupyter-widgets/html-manager/dist": manager, "@jupyter-widgets": manager}
  });
  // 2. Widgets typeset their labels with MathJax 2's MathJax.Hub.Queue; the site runs
  //    MathJax 3, so translate that one call (else every label throws a TypeError).
  window.addEventListener("load", function () {
    var mathjax = window.MathJax;
    if (mathjax && !mathjax.Hub && mathjax.typesetPromise) {
      mathjax.Hub = {Queue: function (call) { return mathjax.typesetPromise([call[2]]); }};
    }
  });
})();
