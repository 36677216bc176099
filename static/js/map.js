/* The map of approved actions (templates/includes/action_map.html).
 *
 * The server clusters: on every move the map asks the cluster endpoint for the current
 * zoom, bounding box and filters, and draws what comes back: clusters as circles sized
 * by count (select one to zoom in), single actions as points with a photo card.
 * The base layer is the portal's own country outlines unless a tile server is configured.
 * No inline code or style (the Content-Security-Policy forbids it); Leaflet sets
 * positions through the DOM, which the policy allows.
 */
(function () {
  "use strict";

  var SIZES = [[10, "s", 32], [100, "m", 40], [1000, "l", 48], [Infinity, "xl", 56]];

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }

  function formatCount(count) {
    var lang = document.documentElement.lang || undefined;
    try { return count.toLocaleString(lang); } catch (e) { return String(count); }
  }

  // "City, Country", or the country alone while the city is not shown (fewer than K actions).
  function place(point) {
    return [point.city, point.country_name].filter(Boolean).join(", ");
  }

  function card(point, strings) {
    var item = el("article", "map-card");
    if (point.thumbnail) {
      var img = el("img", "map-card__photo");
      img.src = point.thumbnail;
      img.alt = point.alt || "";
      if (point.thumbnail_width) { img.width = point.thumbnail_width; }
      if (point.thumbnail_height) { img.height = point.thumbnail_height; }
      item.appendChild(img);
    } else {
      item.appendChild(el("p", "map-card__no-photo", strings.noPhoto));
    }
    var title = el("p", "map-card__title");
    var link = el("a", null, place(point) || point.type);
    link.href = point.url;
    title.appendChild(link);
    item.appendChild(title);
    item.appendChild(el("p", "map-card__meta", point.type));
    return item;
  }

  function setUp(element) {
    if (element.dataset.ready || !window.L) { return; }
    element.dataset.ready = "true";
    element.hidden = false;
    var strings = element.dataset;
    var wrapper = element.parentNode;
    var status = wrapper.querySelector(".action-map__status");

    function say(text) { if (status) { status.textContent = text || ""; } }

    var map = L.map(element, {
      zoomControl: false, // added below with the page's own words
      minZoom: 1,
      maxZoom: 18,
      worldCopyJump: false,
      maxBounds: [[-90, -270], [90, 270]],
      maxBoundsViscosity: 0.8
    });
    map.attributionControl.setPrefix(false);
    L.control.zoom({ zoomInTitle: strings.zoomInTitle, zoomOutTitle: strings.zoomOutTitle }).addTo(map);

    if (strings.tileUrl) {
      L.tileLayer(strings.tileUrl, { attribution: strings.tileAttribution, maxZoom: 18 }).addTo(map);
    } else {
      map.attributionControl.addAttribution("Natural Earth, GeoNames");
      if (window.SolidayPlaces) { window.SolidayPlaces.attach(map, strings.placesUrl); }
      fetch(strings.outlines)
        .then(function (response) { return response.json(); })
        .then(function (data) {
          L.geoJSON(data, {
            interactive: false,
            style: { color: "#8a7f76", weight: 1, fillColor: "#f7f4ef", fillOpacity: 1 }
          }).addTo(map).bringToBack();
        })
        .catch(function () {});
    }

    var layer = L.layerGroup().addTo(map);
    var request = 0;
    var controller = null;

    // The server answers within -180..180; near the antimeridian the view may be 170..190.
    function inView(lon, bounds) {
      while (lon < bounds.getWest()) { lon += 360; }
      while (lon > bounds.getEast()) { lon -= 360; }
      return lon;
    }

    function bbox(bounds) {
      var south = Math.max(-90, bounds.getSouth());
      var north = Math.min(90, bounds.getNorth());
      var west = bounds.getWest();
      var east = bounds.getEast();
      if (east - west >= 360) { west = -180; east = 180; }
      return [west, south, east, north].map(function (n) { return n.toFixed(5); }).join(",");
    }

    function label(marker, text) {
      var node = marker.getElement();
      if (node) { node.setAttribute("aria-label", text); }
    }

    function addCluster(item, bounds) {
      var size = SIZES.filter(function (s) { return item.count < s[0]; })[0];
      var inner = el("span", null, formatCount(item.count));
      var marker = L.marker([item.lat, inView(item.lon, bounds)], {
        icon: L.divIcon({ className: "map-cluster map-cluster--" + size[1], html: inner, iconSize: [size[2], size[2]] }),
        title: item.label + " · " + strings.zoomIn,
        keyboard: true,
        riseOnHover: true
      }).addTo(layer);
      label(marker, item.label + " · " + strings.zoomIn);
      function zoomIn() {
        map.setView(marker.getLatLng(), Math.min(map.getZoom() + 2, map.getMaxZoom()));
      }
      marker.on("click", zoomIn);
      marker.on("keypress", function (event) {
        if (event.originalEvent.key === "Enter" || event.originalEvent.key === " ") { zoomIn(); }
      });
    }

    function addPoints(points, bounds) {
      // Actions at one place (a city centre, say) share a marker and a popup.
      var places = {};
      var order = [];
      points.forEach(function (point) {
        var key = point.lat + "," + point.lon;
        if (!places[key]) { places[key] = []; order.push(key); }
        places[key].push(point);
      });
      order.forEach(function (key) {
        var group = places[key];
        var first = group[0];
        var many = group.length > 1;
        var inner = el("span", null, many ? formatCount(group.length) : "");
        var title = place(first) + (many ? " (" + group.length + ")" : ": " + first.type);
        var marker = L.marker([first.lat, inView(first.lon, bounds)], {
          icon: L.divIcon({ className: "map-point" + (many ? " map-point--many" : ""), html: inner, iconSize: many ? [32, 32] : [26, 26] }),
          title: title,
          keyboard: true,
          riseOnHover: true
        }).addTo(layer);
        label(marker, title);
        var content = el("div", "map-popup" + (many ? " map-popup--many" : ""));
        group.forEach(function (point) { content.appendChild(card(point, strings)); });
        marker.bindPopup(content, { maxWidth: 260, minWidth: 200, autoPanPadding: [16, 16] });
        marker.on("popupopen", function () {
          var link = content.querySelector("a");
          if (link) { link.focus({ preventScroll: true }); }
        });
        marker.on("popupclose", function () {
          var node = marker.getElement();
          if (node && content.contains(document.activeElement)) { node.focus({ preventScroll: true }); }
        });
      });
    }

    function load() {
      var bounds = map.getBounds();
      var url = strings.clustersUrl + (strings.clustersUrl.indexOf("?") === -1 ? "?" : "&") +
        "zoom=" + Math.round(map.getZoom()) + "&bbox=" + bbox(bounds);
      var mine = ++request;
      if (controller) { controller.abort(); }
      controller = window.AbortController ? new AbortController() : null;
      element.setAttribute("aria-busy", "true");
      fetch(url, { headers: { Accept: "application/json" }, signal: controller ? controller.signal : undefined })
        .then(function (response) {
          if (!response.ok) { throw new Error(response.status); }
          return response.json();
        })
        .then(function (data) {
          if (mine !== request) { return; } // a later move has asked again
          if (popupOpen) {
            // Keep the open card (the map pans to show it); redraw once it closes.
            stale = true;
            element.removeAttribute("aria-busy");
            return;
          }
          layer.clearLayers();
          data.clusters.forEach(function (item) { addCluster(item, bounds); });
          addPoints(data.points, bounds);
          element.removeAttribute("aria-busy");
          if (data.truncated) { say(strings.truncated); }
          else if (!data.clusters.length && !data.points.length) { say(strings.empty); }
          else { say(""); }
        })
        .catch(function (error) {
          if (error && error.name === "AbortError") { return; }
          element.removeAttribute("aria-busy");
          say(strings.failed);
        });
    }

    var popupOpen = false;
    var stale = false;
    map.on("popupopen", function () { popupOpen = true; });
    map.on("popupclose", function () {
      popupOpen = false;
      if (stale) { stale = false; load(); }
    });
    map.on("moveend", load);
    var phone = element.clientWidth < 600;
    map.fitBounds([[-40, -130], [65, 150]], { maxZoom: phone ? 1 : 2 });
  }

  function start() {
    document.querySelectorAll(".action-map__canvas[data-clusters-url]").forEach(setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
