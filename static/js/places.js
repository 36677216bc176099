/*
 * Populated places on the portal's maps: the largest cities in view, from the portal's own
 * gazetteer (GET <data-places-url>?zoom=&bbox=), named in the page's language, drawn as
 * small labelled dots above the country outlines and below everything else. No request
 * leaves the site. Used by map.js and submit.js: SolidayPlaces.attach(map, url).
 */
(function () {
  "use strict";

  function bbox(bounds) {
    var west = bounds.getWest();
    var east = bounds.getEast();
    if (east - west >= 360) { west = -180; east = 180; }
    return [west, Math.max(-90, bounds.getSouth()), east, Math.min(90, bounds.getNorth())]
      .map(function (n) { return n.toFixed(3); }).join(",");
  }

  function attach(map, url) {
    if (!url || !window.L) { return; }
    map.createPane("places");
    map.getPane("places").style.zIndex = 350; // above the outlines (overlay 400 is above)
    map.getPane("places").style.pointerEvents = "none";
    var layer = L.layerGroup().addTo(map);
    var request = 0;

    function label(place) {
      var text = document.createElement("span");
      text.className = "map-place__name";
      text.textContent = place.name;
      return L.marker([place.lat, place.lon], {
        pane: "places",
        interactive: false,
        keyboard: false,
        icon: L.divIcon({ className: "map-place", html: text, iconSize: null })
      });
    }

    function load() {
      var mine = ++request;
      var query = "zoom=" + Math.round(map.getZoom()) + "&bbox=" + bbox(map.getBounds());
      fetch(url + (url.indexOf("?") === -1 ? "?" : "&") + query, { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { places: [] }; })
        .then(function (data) {
          if (mine !== request) { return; }
          layer.clearLayers();
          // Largest first; a name that would overlap one already drawn is left out.
          var taken = [];
          data.places.forEach(function (place) {
            var at = map.latLngToContainerPoint([place.lat, place.lon]);
            var box = { left: at.x - 4, top: at.y - 9, right: at.x + 12 + place.name.length * 8, bottom: at.y + 9 };
            var clash = taken.some(function (other) {
              return box.left < other.right && other.left < box.right &&
                box.top < other.bottom && other.top < box.bottom;
            });
            if (!clash) {
              taken.push(box);
              label(place).addTo(layer);
            }
          });
        })
        .catch(function () {});
    }

    map.on("moveend", load);
    if (map._loaded) { load(); }
  }

  window.SolidayPlaces = { attach: attach };
})();
