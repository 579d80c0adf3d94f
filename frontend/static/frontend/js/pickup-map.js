/* Pickup point maps. Data comes from a <script type="application/json" id="map-data"> block
   written by json_script: markers are drawn from it, so they show even when tiles don't load.
   Leaflet (its script and stylesheet) is fetched once the page has loaded: the page, its text
   and its photos paint first; everything the map shows is also in the page's text. */
(function () {
  "use strict";

  function withLeaflet(data, then) {
    if (typeof L !== "undefined") { then(); return; }
    var css = document.createElement("link");
    css.rel = "stylesheet";
    css.href = data.leaflet.css;
    document.head.appendChild(css);
    var script = document.createElement("script");
    script.src = data.leaflet.js;
    script.onload = then;
    document.head.appendChild(script);
  }

  function drawMap() {
    var holder = document.getElementById("map");
    var source = document.getElementById("map-data");
    if (!holder || !source) { return; }
    var data = JSON.parse(source.textContent);
    if (!data.points.length && !data.origin) { holder.hidden = true; return; }
    withLeaflet(data, function () { render(holder, data); });
  }

  function render(holder, data) {
    L.Icon.Default.imagePath = data.iconPath;
    var map = L.map(holder, { scrollWheelZoom: false });
    L.tileLayer(data.tileUrl, { attribution: data.attribution, maxZoom: 18 }).addTo(map);

    var bounds = [];
    data.points.forEach(function (point, index) {
      var marker = L.marker([point.lat, point.lng], {
        title: point.name,
        alt: point.name,
        keyboard: true
      }).addTo(map);
      var link = document.createElement("a");
      link.href = point.url;
      link.textContent = (data.points.length > 1 ? (index + 1) + ". " : "") + point.name;
      marker.bindPopup(link);
      bounds.push([point.lat, point.lng]);
    });
    if (data.origin) {
      L.circleMarker([data.origin.lat, data.origin.lng], {
        radius: 8, color: "#1a5fb4", fillColor: "#1a5fb4", fillOpacity: 0.6,
        className: "map-origin"
      }).addTo(map).bindPopup(document.createTextNode(data.origin.label || ""));
      bounds.push([data.origin.lat, data.origin.lng]);
    }
    if (bounds.length === 1) {
      map.setView(bounds[0], 14);
    } else {
      map.fitBounds(bounds, { padding: [30, 30], maxZoom: 15 });
    }
  }

  function positionButton() {
    var button = document.getElementById("use-my-position");
    if (!button) { return; }
    if (!("geolocation" in navigator)) { button.hidden = true; return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      var form = button.form;
      var status = document.getElementById("position-status");
      status.textContent = button.dataset.locating;
      navigator.geolocation.getCurrentPosition(function (position) {
        form.elements.near.value = position.coords.latitude.toFixed(5) + "," +
          position.coords.longitude.toFixed(5);
        form.elements.q.value = "";
        form.submit();
      }, function () {
        status.textContent = button.dataset.failed;
      }, { enableHighAccuracy: false, timeout: 10000, maximumAge: 600000 });
    });
  }

  document.addEventListener("DOMContentLoaded", positionButton);
  if (document.readyState === "complete") { drawMap(); } else { window.addEventListener("load", drawMap); }
})();
