/* The submission form, improved: photo preview, upload progress, city suggestions, a map pin,
 * and only the place fields the chosen location precision uses.
 * The form works fully without this file; each part below only adds to it. No inline code:
 * the page's Content-Security-Policy allows scripts and styles from the portal's files alone.
 */
(function () {
  "use strict";

  var strings = {};
  var keptFile = null; // the photo chosen before the form came back with errors

  function $(id) { return document.getElementById(id); }

  function readStrings() {
    var template = $("submit-strings");
    strings = template ? template.dataset : {};
  }

  /* Photo preview: drawn on a canvas from the file itself (no blob: URL, which the CSP forbids). */
  function setUpPreview() {
    var input = $("id_photo");
    var figure = $("photo-preview");
    var canvas = $("photo-preview-canvas");
    var caption = $("photo-preview-caption");
    if (!input || !figure || !canvas) { return; }

    function show() {
      var file = input.files && input.files[0];
      if (!file) { figure.hidden = true; return; }
      var size = file.size < 1048576 ? Math.ceil(file.size / 1024) + " KB" : (file.size / 1048576).toFixed(1) + " MB";
      caption.textContent = file.name + " · " + size;
      figure.hidden = false;
      canvas.hidden = true;
      if (!window.createImageBitmap) { return; }
      createImageBitmap(file).then(function (bitmap) {
        var scale = Math.min(1, 640 / Math.max(bitmap.width, bitmap.height));
        canvas.width = Math.round(bitmap.width * scale);
        canvas.height = Math.round(bitmap.height * scale);
        canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
        if (bitmap.close) { bitmap.close(); }
        canvas.hidden = false;
      }).catch(function () {
        // HEIC in most browsers: the server reads it, the browser cannot.
        caption.textContent += " · " + (strings.noPreview || "");
      });
    }
    input.addEventListener("change", function () {
      // A new file: the server's word on the previous one no longer applies.
      var error = $("id_photo_error");
      if (error) { error.remove(); input.removeAttribute("aria-invalid"); input.setAttribute("aria-describedby", "id_photo_helptext"); }
      show();
    });
    show();
  }

  /* City suggestions: a listbox under the city field (ARIA combobox pattern). */
  function setUpCities(onChoose) {
    var box = $("city-combobox");
    var input = $("id_city");
    var list = $("city-suggestions");
    var country = $("id_country");
    if (!box || !input || !list) { return; }
    var url = box.dataset.url;
    var results = [];
    var active = -1;
    var timer = null;
    var request = 0;

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);

    function close() {
      list.hidden = true;
      list.textContent = "";
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      var items = list.querySelectorAll("[role=option]");
      items.forEach(function (item, i) { item.setAttribute("aria-selected", i === index ? "true" : "false"); });
      active = index;
      if (index >= 0 && items[index]) {
        input.setAttribute("aria-activedescendant", items[index].id);
        items[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function choose(index) {
      var city = results[index];
      if (!city) { return; }
      input.value = city.name;
      if (country) { country.value = city.country; }
      close();
      onChoose(city);
    }

    function render(query) {
      list.textContent = "";
      if (!results.length) {
        if (query.length >= 3) {
          var empty = document.createElement("li");
          empty.className = "empty";
          empty.textContent = strings.noResults || "";
          list.appendChild(empty);
          list.hidden = false;
        } else {
          close();
        }
        return;
      }
      results.forEach(function (city, i) {
        var item = document.createElement("li");
        item.id = "city-option-" + i;
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", "false");
        item.appendChild(document.createTextNode(city.name + " "));
        var where = document.createElement("span");
        where.className = "country";
        where.textContent = city.country_name;
        item.appendChild(where);
        // mousedown, not click: it comes before the input loses focus.
        item.addEventListener("mousedown", function (event) { event.preventDefault(); choose(i); });
        list.appendChild(item);
      });
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      active = -1;
    }

    function fetchSuggestions() {
      var query = input.value.trim();
      if (query.length < 2) { results = []; close(); return; }
      var mine = ++request;
      fetch(url + "?q=" + encodeURIComponent(query), { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (data) {
          if (mine !== request) { return; } // an older answer arriving late
          results = data.results || [];
          render(query);
        })
        .catch(function () { results = []; close(); });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(fetchSuggestions, 200);
    });
    input.addEventListener("keydown", function (event) {
      if (list.hidden || !results.length) { return; }
      if (event.key === "ArrowDown") { event.preventDefault(); highlight((active + 1) % results.length); }
      else if (event.key === "ArrowUp") { event.preventDefault(); highlight(active <= 0 ? results.length - 1 : active - 1); }
      else if (event.key === "Enter" && active >= 0) { event.preventDefault(); choose(active); }
      else if (event.key === "Escape") { close(); }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
  }

  /* The map: Leaflet over country outlines served by the portal. No request leaves the site. */
  function setUpMap() {
    var picker = $("map-picker");
    var element = $("map");
    var latitude = $("id_latitude");
    var longitude = $("id_longitude");
    var clear = $("map-clear");
    var none = { showCity: function () {}, refresh: function () {} };
    if (!picker || !element || !latitude || !longitude || !window.L) { return none; }
    picker.hidden = false;

    var map = L.map(element, { zoomControl: false, worldCopyJump: true, minZoom: 1, maxZoom: 16, zoomSnap: 0.5 });
    // Leaflet's own control says "Zoom in" in English: the page's words instead.
    L.control.zoom({
      zoomInTitle: element.dataset.zoomInTitle,
      zoomOutTitle: element.dataset.zoomOutTitle
    }).addTo(map);
    map.attributionControl.addAttribution("Natural Earth, GeoNames");
    map.setView([50, 20], 2);
    if (window.SolidayPlaces) { window.SolidayPlaces.attach(map, element.dataset.placesUrl); }
    fetch(element.dataset.countries)
      .then(function (response) { return response.json(); })
      .then(function (data) {
        L.geoJSON(data, {
          interactive: false,
          style: { color: "#8a7f76", weight: 1, fillColor: "#f7f4ef", fillOpacity: 1 }
        }).addTo(map).bringToBack(); // under the city's dot, even when it comes after it
      })
      .catch(function () {});

    var icon = L.icon({
      iconUrl: element.dataset.marker,
      iconRetinaUrl: element.dataset.marker2x,
      shadowUrl: element.dataset.shadow,
      iconSize: [25, 41], iconAnchor: [12, 41], shadowSize: [41, 41]
    });
    var marker = null;

    function round(value) { return Math.round(value * 1e5) / 1e5; }

    function place(latlng, pan) {
      var wrapped = latlng.wrap();
      if (!marker) {
        marker = L.marker(wrapped, { icon: icon, draggable: true, keyboard: false }).addTo(map);
        marker.on("dragend", function () { place(marker.getLatLng(), false); });
      } else {
        marker.setLatLng(wrapped);
      }
      latitude.value = round(wrapped.lat);
      longitude.value = round(wrapped.lng);
      if (clear) { clear.hidden = false; }
      if (pan) { map.panTo(wrapped); }
    }

    function remove() {
      if (marker) { map.removeLayer(marker); marker = null; }
      latitude.value = "";
      longitude.value = "";
      if (clear) { clear.hidden = true; }
    }

    function fromInputs() {
      var lat = parseFloat(latitude.value);
      var lng = parseFloat(longitude.value);
      if (isFinite(lat) && isFinite(lng) && Math.abs(lat) <= 90 && Math.abs(lng) <= 180) {
        place(L.latLng(lat, lng), false);
        map.setView([lat, lng], Math.max(map.getZoom(), 10));
      }
    }

    map.on("click", function (event) { place(event.latlng, false); });
    if (clear) { clear.addEventListener("click", remove); }
    latitude.addEventListener("change", fromInputs);
    longitude.addEventListener("change", fromInputs);
    fromInputs();

    // Choosing a suggested city shows where it is (a dot, not a pin: without a pin the
    // server uses the city centre anyway); the pin stays the participant's choice.
    var cityDot = null;
    return {
      showCity: function (city) {
        var centre = L.latLng(city.latitude, city.longitude);
        if (cityDot) { cityDot.setLatLng(centre); } else {
          cityDot = L.circleMarker(centre, {
            radius: 6, color: "#8a0c21", weight: 2, fillColor: "#b3102b", fillOpacity: 0.6, interactive: false
          }).addTo(map);
        }
        if (!marker) { map.setView(centre, 6); }
      },
      // A map drawn while hidden has no size: measure again once it is shown.
      refresh: function () { map.invalidateSize(); }
    };
  }

  /* Location precision: show only the place fields the chosen precision uses. The hidden
   * ones are disabled too, so the browser neither checks nor sends them (the server would
   * ignore them anyway); what was typed stays for a change of mind. */
  function setUpPrecision(onShown) {
    var radios = document.querySelectorAll("input[name=location_precision]");
    var groups = document.querySelectorAll("[data-precisions]");
    if (!radios.length || !groups.length) { return; }

    function update() {
      var checked = document.querySelector("input[name=location_precision]:checked");
      if (!checked) { return; } // nothing chosen: everything stays, as without JavaScript
      groups.forEach(function (group) {
        var show = group.dataset.precisions.split(" ").indexOf(checked.value) !== -1;
        var wasHidden = group.hidden;
        group.hidden = !show;
        group.querySelectorAll("input, select, textarea, button").forEach(function (control) {
          control.disabled = !show;
        });
        if (show && wasHidden) { onShown(group); }
      });
    }
    radios.forEach(function (radio) { radio.addEventListener("change", update); });
    update();
  }

  /* Hashtags: show the chosen campaign's hashtags as the default. */
  function setUpCampaign() {
    var select = $("id_campaign");
    var hashtags = $("id_hashtags");
    if (!select || !hashtags || select.tagName !== "SELECT") { return; }
    function update() {
      var option = select.options[select.selectedIndex];
      var tags = option && option.dataset.hashtags;
      if (tags) { hashtags.placeholder = tags; } else { hashtags.removeAttribute("placeholder"); }
    }
    select.addEventListener("change", update);
    update();
  }

  /* Sending with a progress bar; a failed connection falls back to the ordinary POST. */
  function setUpUpload() {
    var form = $("submit-form");
    var status = $("upload-status");
    var progress = $("upload-progress");
    var text = $("upload-status-text");
    var button = $("submit-button");
    if (!form || !status || !window.FormData || !window.XMLHttpRequest) { return; }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var input = $("id_photo");
      var file = input && input.files && input.files[0];
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
      status.hidden = false;
      progress.value = 0;
      text.textContent = strings.sending || "";
      button.disabled = true;

      xhr.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) {
          progress.value = Math.round((e.loaded / e.total) * 100);
          text.textContent = (strings.sending || "") + " " + progress.value + "%";
        }
      });
      xhr.upload.addEventListener("load", function () {
        progress.removeAttribute("value"); // indeterminate while the server checks
        text.textContent = strings.processing || "";
      });
      xhr.addEventListener("load", function () {
        var finalUrl = xhr.responseURL || "";
        if (xhr.status === 200 && finalUrl && finalUrl.split("#")[0] !== form.action) {
          window.location.assign(finalUrl); // redirected: the thanks page
          return;
        }
        replacePage(xhr.responseText, file);
      });
      xhr.addEventListener("error", function () {
        text.textContent = strings.failed || "";
        HTMLFormElement.prototype.submit.call(form);
      });
      xhr.send(new FormData(form));
    });
  }

  /* The form came back (errors, or the rate limit): show it as the server rendered it. */
  function replacePage(html, file) {
    var parsed = new DOMParser().parseFromString(html, "text/html");
    var main = parsed.querySelector("main");
    if (!main) { document.open(); document.write(html); document.close(); return; }
    document.querySelector("main").innerHTML = main.innerHTML;
    document.title = parsed.title;
    keptFile = file || null;
    start();
    var summary = $("error-summary");
    if (summary) { summary.focus(); } else { window.scrollTo(0, 0); }
  }

  /* The photo survives a round trip through XHR, unless the photo itself was the problem. */
  function restoreFile() {
    var input = $("id_photo");
    if (!keptFile || !input || $("id_photo_error") || !window.DataTransfer) { keptFile = null; return; }
    try {
      var transfer = new DataTransfer();
      transfer.items.add(keptFile);
      input.files = transfer.files;
      input.removeAttribute("aria-invalid");
      var again = $("photo-again");
      if (again) { again.textContent = strings.kept || ""; }
    } catch (e) { /* the participant chooses it again, as the page says */ }
    keptFile = null;
  }

  function start() {
    readStrings();
    restoreFile();
    setUpPreview();
    setUpCampaign();
    var map = setUpMap();
    setUpCities(map.showCity);
    setUpPrecision(function (group) { if (group.contains($("map"))) { map.refresh(); } });
    setUpUpload();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
