// Báo Phú Thọ (demo): the homepage's list of latest stories is built in the browser from the
// news sitemap. A crawler that runs no JavaScript sees no article link on the homepage.
(function () {
  var box = document.getElementById("latest");
  if (!box || !window.fetch || !window.DOMParser) return;
  var NEWS = "http://www.google.com/schemas/sitemap-news/0.9";
  fetch(box.getAttribute("data-source"))
    .then(function (r) { return r.text(); })
    .then(function (xml) {
      var doc = new DOMParser().parseFromString(xml, "application/xml");
      var urls = doc.getElementsByTagName("url");
      var html = "";
      for (var i = 0; i < urls.length; i++) {
        var title = urls[i].getElementsByTagNameNS(NEWS, "title")[0];
        var date = urls[i].getElementsByTagNameNS(NEWS, "publication_date")[0];
        if (!title) continue;
        var loc = urls[i].getElementsByTagName("loc")[0].textContent;
        var path = loc.replace(/^https?:\/\/[^\/]+/, "");
        html += '<article><h3><a href="' + path + '">' + title.textContent + "</a></h3>" +
          "<time>" + (date ? date.textContent.slice(0, 10).split("-").reverse().join("/") : "") + "</time></article>";
      }
      box.innerHTML = html || '<p class="loading">Chưa có tin.</p>';
    })
    .catch(function () { box.innerHTML = '<p class="loading">Không tải được danh sách tin.</p>'; });
})();
