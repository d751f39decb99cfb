/* Báo Nghệ An (demo): tiny site script (no content). */
(function () {
  var widgets = document.querySelectorAll('.share-widget a');
  for (var i = 0; i < widgets.length; i++) {
    widgets[i].addEventListener('click', function (e) { e.preventDefault(); });
  }
})();
