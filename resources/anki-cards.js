/* Rapport's card script for Anki: interactive choice and typed cards.
 *
 * Fixed and ours: it is copied into the templates of the Rapport Choice and Rapport Typed
 * note types, never built from card text. It only moves, labels and marks elements the
 * template and Rapport's own field markup put there; card text is never parsed as HTML.
 * Without it (JavaScript off, or an app without it) the cards are complete static cards.
 *
 * Choice front: the options are shuffled afresh on each review and can be tapped (or
 * chosen with Enter or Space); the pick and the order are kept in sessionStorage for the
 * back, which lists each option once, in the same order, with its rationale, the right
 * one and the picked one marked.
 * Typed back: the answer typed into Anki's box is checked against the answer and every
 * accepted alternative, as Rapport checks it (case, accents, punctuation, spacing and a
 * leading article ignored; a slip or two forgiven in longer answers).
 *
 * No two braces in a row anywhere in this file: Anki would read them as a field.
 */
var rapport = (function () {
  "use strict";
  var LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

  function store(key, value) {
    window["rapport-" + key] = value;
    try {
      window.sessionStorage.setItem("rapport-" + key, JSON.stringify(value));
    } catch (e) {
      /* storage off: the window copy serves apps that keep the page */
    }
  }

  function recall(key) {
    var value = window["rapport-" + key];
    if (value) {
      return value;
    }
    try {
      return JSON.parse(window.sessionStorage.getItem("rapport-" + key) || "null");
    } catch (e) {
      return null;
    }
  }

  function promptText(kind) {
    var prompt = document.querySelector(".rapport." + kind + " .prompt");
    return prompt ? prompt.textContent.trim() : "";
  }

  function relabel(element, index) {
    var letter = element.querySelector(".letter");
    if (letter) {
      letter.textContent = LETTERS.charAt(index) + ".";
    }
  }

  function reveal() {
    window.setTimeout(function () {
      if (typeof window.pycmd === "function") {
        window.pycmd("ans");
      } else if (typeof window.showAnswer === "function") {
        window.showAnswer();
      }
    }, 200);
  }

  function choiceFront() {
    var box = document.getElementById("rapport-options");
    if (!box) {
      return;
    }
    var items = Array.prototype.slice.call(box.querySelectorAll(".option[data-option]"));
    for (var i = items.length - 1; i > 0; i -= 1) {
      var j = Math.floor(Math.random() * (i + 1));
      var swap = items[i];
      items[i] = items[j];
      items[j] = swap;
    }
    var state = { prompt: promptText("choice"), order: [], picked: null };
    items.forEach(function (item, index) {
      box.appendChild(item);
      relabel(item, index);
      state.order.push(item.getAttribute("data-option"));
      item.classList.add("pickable");
      item.setAttribute("role", "button");
      item.setAttribute("aria-pressed", "false");
      item.tabIndex = 0;
      var pick = function () {
        items.forEach(function (other) {
          other.classList.remove("picked");
          other.setAttribute("aria-pressed", "false");
        });
        item.classList.add("picked");
        item.setAttribute("aria-pressed", "true");
        state.picked = item.getAttribute("data-option");
        store("choice", state);
        reveal();
      };
      item.addEventListener("click", pick);
      item.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          pick();
        }
      });
    });
    // Keys: the option's letter picks it (a-f). Anki's reviewer takes Enter and Space
    // (show answer), 1-7 (answer buttons, audio) and e, m, r, o, i, u, v, Shift+A as
    // shortcuts before a card's script sees them (aqt/reviewer.py, _shortcutKeys); the
    // letters are left to the card, and the fifth option is picked with Shift+E.
    if (window.rapportChoiceKeys) {
      document.removeEventListener("keydown", window.rapportChoiceKeys);
    }
    window.rapportChoiceKeys = function (event) {
      if (event.ctrlKey || event.altKey || event.metaKey || !event.key) {
        return;
      }
      var target = event.target;
      if (target && /^(INPUT|TEXTAREA)$/.test(target.tagName || "")) {
        return;
      }
      var index = LETTERS.toLowerCase().indexOf(event.key.toLowerCase());
      if (event.key.length === 1 && index >= 0 && index < items.length) {
        event.preventDefault();
        items[index].click();
      }
    };
    document.addEventListener("keydown", window.rapportChoiceKeys);
    box.classList.add("interactive");
    store("choice", state);
    var hint = document.getElementById("rapport-hint");
    if (hint) {
      hint.hidden = false;
    }
  }

  function choiceBack() {
    var box = document.getElementById("rapport-rationales");
    var state = recall("choice");
    if (!box || !state || state.prompt !== promptText("choice")) {
      return; /* the static back: the deck's fixed order */
    }
    var byOption = {};
    box.querySelectorAll(".rationale[data-option]").forEach(function (element) {
      byOption[element.getAttribute("data-option")] = element;
    });
    var verdict = document.getElementById("rapport-verdict");
    state.order.forEach(function (option, index) {
      var element = byOption[option];
      if (!element) {
        return;
      }
      box.appendChild(element);
      relabel(element, index);
      if (option === state.picked) {
        element.classList.add("picked");
        var mark = document.createElement("span");
        mark.className = "your-pick";
        mark.textContent = "Your answer";
        element.insertBefore(mark, element.firstChild);
        if (verdict) {
          var right = element.classList.contains("right");
          verdict.textContent = right
            ? "Right: you picked " + LETTERS.charAt(index) + "."
            : "Not quite: you picked " + LETTERS.charAt(index) + ".";
          verdict.className = "pick-verdict " + (right ? "right" : "wrong");
          verdict.hidden = false;
        }
      }
    });
  }

  /* The same folding as rapport.content.answers.normalise. */
  function normalise(text) {
    var folded = text.toLowerCase().normalize("NFKD").replace(/[\u0300-\u036f]/g, "");
    folded = folded.replace(/_/g, " ").replace(/[^\p{L}\p{N}]+/gu, " ").trim();
    return folded.replace(/^(?:a|an|the)\s+/, "");
  }

  /* Optimal string alignment distance, as rapport.content.answers.edits. */
  function edits(a, b) {
    var before = [];
    var previous = [];
    for (var k = 0; k <= b.length; k += 1) {
      previous.push(k);
    }
    for (var i = 1; i <= a.length; i += 1) {
      var row = [i];
      for (var j = 1; j <= b.length; j += 1) {
        var cost = a.charAt(i - 1) === b.charAt(j - 1) ? 0 : 1;
        row[j] = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + cost);
        if (i > 1 && j > 1 && a.charAt(i - 1) === b.charAt(j - 2) && a.charAt(i - 2) === b.charAt(j - 1)) {
          row[j] = Math.min(row[j], before[j - 2] + 1);
        }
      }
      before = previous;
      previous = row;
    }
    return previous[b.length];
  }

  function slips(answer) {
    return answer.length >= 12 ? 2 : answer.length >= 5 ? 1 : 0;
  }

  function typedFront() {
    var input = document.getElementById("typeans");
    if (!input) {
      return;
    }
    var save = function () {
      store("typed", { prompt: promptText("typed"), typed: input.value });
    };
    input.addEventListener("input", save);
    input.addEventListener("change", save);
    save();
  }

  function typedBack() {
    var verdict = document.getElementById("rapport-verdict");
    var state = recall("typed");
    if (!verdict || !state || state.prompt !== promptText("typed")) {
      return;
    }
    var typed = normalise(state.typed || "");
    if (!typed) {
      return;
    }
    var accepted = Array.prototype.map.call(
      document.querySelectorAll("#rapport-accepted .alt"),
      function (element) {
        return element.textContent.trim();
      }
    );
    var result = "wrong";
    var matched = "";
    accepted.forEach(function (answer) {
      var folded = normalise(answer);
      if (result !== "right" && folded === typed) {
        result = "right";
        matched = answer;
      } else if (result === "wrong" && folded && edits(typed, folded) <= slips(folded)) {
        result = "close";
        matched = answer;
      }
    });
    var said = "\u201c" + state.typed.trim() + "\u201d";
    if (result === "right") {
      verdict.textContent = "Right: " + said + " is an accepted answer.";
    } else if (result === "close") {
      verdict.textContent = "Right, with a slip: " + said + " is close to \u201c" + matched + "\u201d.";
    } else {
      verdict.textContent = "Not one of the accepted answers: you typed " + said + ".";
    }
    verdict.className = "typed-verdict " + (result === "wrong" ? "wrong" : "right");
    verdict.hidden = false;
    var note = document.getElementById("rapport-compare-note");
    if (note) {
      note.hidden = true;
    }
  }

  return {
    choiceFront: choiceFront,
    choiceBack: choiceBack,
    typedFront: typedFront,
    typedBack: typedBack,
    normalise: normalise,
    edits: edits
  };
})();
