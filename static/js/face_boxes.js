/* The moderator's face boxes, drawn on the unblurred photo in the admin.
 *
 * The textarea (one "x, y, width, height" a line, in pixels of the photo) stays the
 * source of truth: it is what the form sends and checks, and all there is without
 * JavaScript. This file only adds a canvas over the photo that reads and writes it:
 * drag to add a box, select one to remove it (button or Delete key) or to move it
 * with the arrow keys (Shift + arrows: resize). No inline code or style attribute:
 * the admin runs under the portal's Content-Security-Policy.
 */
(function () {
  "use strict";

  var MAX_WIDTH = 720; // CSS pixels of the drawing, at most
  var MIN_DRAG = 4; // a shorter drag is a click, not a box
  var LINE = /^\s*(-?\d+)[\s,;]+(-?\d+)[\s,;]+(-?\d+)[\s,;]+(-?\d+)\s*$/;

  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (match, name) {
      return name in values ? values[name] : match;
    });
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text) { node.textContent = text; }
    return node;
  }

  function FaceBoxes(textarea) {
    this.textarea = textarea;
    this.text = textarea.dataset;
    this.width = parseInt(textarea.dataset.photoWidth, 10);
    this.height = parseInt(textarea.dataset.photoHeight, 10);
    this.boxes = [];
    this.selected = -1;
    this.drag = null;
    this.build();
    this.read();
    this.load();
  }

  FaceBoxes.prototype.build = function () {
    var self = this;
    var id = this.textarea.id || "face-boxes";
    this.root = element("div", "face-boxes");
    this.root.setAttribute("role", "group");
    var title = element("p", "face-boxes-title", this.text.textTool);
    title.id = id + "-tool-title";
    this.root.setAttribute("aria-labelledby", title.id);
    var hint = element("p", "face-boxes-hint", this.text.textHint);
    hint.id = id + "-tool-hint";

    this.canvas = element("canvas", "face-boxes-canvas");
    this.canvas.tabIndex = 0;
    this.canvas.setAttribute("role", "img");
    this.canvas.setAttribute("aria-label", this.text.textCanvas);
    this.canvas.setAttribute("aria-describedby", hint.id);
    this.canvas.hidden = true;

    var buttons = element("div", "face-boxes-buttons");
    this.addButton = element("button", "button face-boxes-add", this.text.textAdd);
    this.addButton.type = "button";
    this.removeButton = element("button", "button face-boxes-remove", this.text.textRemove);
    this.removeButton.type = "button";
    this.removeButton.disabled = true;
    buttons.appendChild(this.addButton);
    buttons.appendChild(this.removeButton);

    this.list = element("ul", "face-boxes-list");
    this.status = element("p", "face-boxes-status");
    this.status.setAttribute("role", "status");

    [title, hint, this.canvas, buttons, this.list, this.status].forEach(function (node) {
      self.root.appendChild(node);
    });
    // After the label and the textarea's row, so the text stays where the form has it.
    var row = this.textarea.closest(".flex-container") || this.textarea;
    row.insertAdjacentElement("afterend", this.root);

    this.textarea.addEventListener("input", function () { self.read(); self.draw(); });
    this.addButton.addEventListener("click", function () { self.addCentred(); });
    this.removeButton.addEventListener("click", function () { self.remove(); });
    this.canvas.addEventListener("pointerdown", function (event) { self.pointerDown(event); });
    this.canvas.addEventListener("pointermove", function (event) { self.pointerMove(event); });
    this.canvas.addEventListener("pointerup", function (event) { self.pointerUp(event); });
    this.canvas.addEventListener("pointercancel", function () { self.drag = null; self.draw(); });
    this.canvas.addEventListener("keydown", function (event) { self.key(event); });
  };

  FaceBoxes.prototype.load = function () {
    var self = this;
    this.image = new Image();
    this.image.addEventListener("load", function () {
      var scale = Math.min(1, MAX_WIDTH / self.width);
      self.canvas.width = Math.round(self.width * scale);
      self.canvas.height = Math.round(self.height * scale);
      self.canvas.hidden = false;
      self.draw();
    });
    this.image.addEventListener("error", function () {
      self.status.textContent = self.text.textFailed;
      self.addButton.disabled = true;
    });
    this.image.src = this.textarea.dataset.photoUrl;
  };

  // The textarea and the boxes

  FaceBoxes.prototype.read = function () {
    var self = this;
    this.boxes = [];
    this.textarea.value.split(/\r?\n/).forEach(function (line) {
      var match = LINE.exec(line);
      if (match) {
        self.boxes.push({ x: +match[1], y: +match[2], width: +match[3], height: +match[4] });
      }
      // Anything else is left for the form to point out when saved.
    });
    if (this.selected >= this.boxes.length) { this.selected = -1; }
    this.renderList();
  };

  FaceBoxes.prototype.write = function (message) {
    this.textarea.value = this.boxes.map(function (b) {
      return b.x + ", " + b.y + ", " + b.width + ", " + b.height;
    }).join("\n");
    this.renderList();
    this.draw();
    this.status.textContent = message || "";
  };

  FaceBoxes.prototype.label = function (box, index) {
    return format(this.text.textBox, {
      number: index + 1, x: box.x, y: box.y, width: box.width, height: box.height
    });
  };

  FaceBoxes.prototype.renderList = function () {
    var self = this;
    this.list.textContent = "";
    if (!this.boxes.length) {
      this.list.appendChild(element("li", "face-boxes-empty", this.text.textNone));
    }
    this.boxes.forEach(function (box, index) {
      var item = element("li");
      var button = element("button", "face-boxes-pick", self.label(box, index));
      button.type = "button";
      button.setAttribute("aria-pressed", index === self.selected ? "true" : "false");
      button.addEventListener("click", function () { self.select(index); self.canvas.focus({ preventScroll: true }); });
      item.appendChild(button);
      self.list.appendChild(item);
    });
    this.removeButton.disabled = this.selected < 0;
  };

  FaceBoxes.prototype.select = function (index) {
    this.selected = index;
    this.renderList();
    this.draw();
    if (index >= 0) { this.status.textContent = this.label(this.boxes[index], index); }
  };

  FaceBoxes.prototype.clamp = function (box) {
    var width = Math.max(1, Math.min(Math.round(box.width), this.width));
    var height = Math.max(1, Math.min(Math.round(box.height), this.height));
    return {
      x: Math.max(0, Math.min(Math.round(box.x), this.width - width)),
      y: Math.max(0, Math.min(Math.round(box.y), this.height - height)),
      width: width,
      height: height
    };
  };

  FaceBoxes.prototype.add = function (box) {
    this.boxes.push(this.clamp(box));
    this.selected = this.boxes.length - 1;
    this.write(this.text.textAdded + " " + this.label(this.boxes[this.selected], this.selected));
  };

  FaceBoxes.prototype.addCentred = function () {
    var side = Math.max(1, Math.round(Math.min(this.width, this.height) / 5));
    this.add({ x: (this.width - side) / 2, y: (this.height - side) / 2, width: side, height: side });
    this.canvas.focus({ preventScroll: true });
  };

  FaceBoxes.prototype.remove = function () {
    if (this.selected < 0) { return; }
    this.boxes.splice(this.selected, 1);
    this.selected = -1;
    this.write(this.text.textRemoved);
  };

  // Drawing

  FaceBoxes.prototype.scale = function () {
    return this.canvas.width / this.width;
  };

  FaceBoxes.prototype.draw = function () {
    if (this.canvas.hidden) { return; }
    var context = this.canvas.getContext("2d");
    var scale = this.scale();
    var self = this;
    context.drawImage(this.image, 0, 0, this.canvas.width, this.canvas.height);
    context.lineWidth = 2;
    this.boxes.forEach(function (box, index) {
      var selected = index === self.selected;
      context.fillStyle = selected ? "rgba(255, 200, 0, 0.25)" : "rgba(0, 0, 0, 0.25)";
      context.strokeStyle = selected ? "#ffc800" : "#ffffff";
      context.fillRect(box.x * scale, box.y * scale, box.width * scale, box.height * scale);
      context.strokeRect(box.x * scale, box.y * scale, box.width * scale, box.height * scale);
    });
    if (this.drag && this.drag.box) {
      var b = this.drag.box;
      context.setLineDash([6, 4]);
      context.strokeStyle = "#ffc800";
      context.strokeRect(b.x * scale, b.y * scale, b.width * scale, b.height * scale);
      context.setLineDash([]);
    }
  };

  // The pointer: drag to add, click to select

  FaceBoxes.prototype.point = function (event) {
    var rect = this.canvas.getBoundingClientRect();
    var x = (event.clientX - rect.left) / rect.width * this.width;
    var y = (event.clientY - rect.top) / rect.height * this.height;
    return {
      x: Math.max(0, Math.min(this.width, x)),
      y: Math.max(0, Math.min(this.height, y)),
      screenX: event.clientX,
      screenY: event.clientY
    };
  };

  FaceBoxes.prototype.pointerDown = function (event) {
    if (event.button !== 0) { return; }
    this.canvas.setPointerCapture(event.pointerId);
    this.drag = { start: this.point(event), box: null };
    event.preventDefault();
    this.canvas.focus({ preventScroll: true });
  };

  FaceBoxes.prototype.pointerMove = function (event) {
    if (!this.drag) { return; }
    var start = this.drag.start;
    var end = this.point(event);
    if (Math.abs(end.screenX - start.screenX) < MIN_DRAG && Math.abs(end.screenY - start.screenY) < MIN_DRAG) {
      this.drag.box = null;
    } else {
      this.drag.box = {
        x: Math.min(start.x, end.x),
        y: Math.min(start.y, end.y),
        width: Math.abs(end.x - start.x),
        height: Math.abs(end.y - start.y)
      };
    }
    this.draw();
  };

  FaceBoxes.prototype.pointerUp = function (event) {
    if (!this.drag) { return; }
    this.pointerMove(event);
    var drag = this.drag;
    this.drag = null;
    if (drag.box) {
      this.add(drag.box);
      return;
    }
    // A click: the last-drawn box under it, or none.
    var hit = -1;
    this.boxes.forEach(function (box, index) {
      if (drag.start.x >= box.x && drag.start.x <= box.x + box.width &&
          drag.start.y >= box.y && drag.start.y <= box.y + box.height) {
        hit = index;
      }
    });
    this.select(hit);
  };

  // The keyboard, on the canvas

  FaceBoxes.prototype.key = function (event) {
    if (event.key === "Delete" || event.key === "Backspace") {
      if (this.selected >= 0) { this.remove(); event.preventDefault(); }
      return;
    }
    if (event.key === "Escape") { this.select(-1); return; }
    var moves = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    var move = moves[event.key];
    if (!move || this.selected < 0) { return; }
    event.preventDefault();
    var box = this.boxes[this.selected];
    var step = Math.max(1, Math.round(Math.min(this.width, this.height) / 100));
    var changed = event.shiftKey
      ? { x: box.x, y: box.y, width: box.width + move[0] * step, height: box.height + move[1] * step }
      : { x: box.x + move[0] * step, y: box.y + move[1] * step, width: box.width, height: box.height };
    this.boxes[this.selected] = this.clamp(changed);
    this.write(this.label(this.boxes[this.selected], this.selected));
  };

  function start() {
    var areas = document.querySelectorAll("textarea[data-face-boxes]");
    Array.prototype.forEach.call(areas, function (textarea) {
      if (textarea.dataset.photoUrl && textarea.dataset.photoWidth && textarea.dataset.photoHeight) {
        new FaceBoxes(textarea);
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
