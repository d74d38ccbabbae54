// The lstmviz gallery: the style switch (remembered across pages), players sized to their frames,
// wide chains opened at their middle step, the index's search and tags, and the copy button of a spec.
"use strict";
(function () {
  const KEY = "lstmviz-gallery-style";
  const remembered = (() => { try { return localStorage.getItem(KEY); } catch (e) { return null; } })();
  if (remembered) {
    const radio = document.getElementById("style-" + remembered);
    if (radio) radio.checked = true;
  }
  document.querySelectorAll('input[name="style"]').forEach(radio => radio.addEventListener("change", () => {
    try { localStorage.setItem(KEY, radio.value); } catch (e) { /* private mode: the choice is per page */ }
  }));

  // A player in an iframe says how tall it is; its frame takes that height (no inner scroll bar).
  window.addEventListener("message", event => {
    const height = event.data && event.data.lstmvizPlayerHeight;
    if (typeof height !== "number" || !(height > 0)) return;
    document.querySelectorAll(".player iframe").forEach(frame => {
      if (frame.contentWindow !== event.source) return;
      frame.style.height = Math.ceil(height) + 2 + "px";
      frame.style.maxHeight = "none";  // the stylesheet's cap is for a player that cannot say its height
    });
  });

  document.querySelectorAll(".player iframe").forEach(frame => {  // players that loaded before this script
    if (frame.contentWindow) frame.contentWindow.postMessage({lstmvizMeasure: true}, "*");
  });

  // A chain wider than the screen scrolls sideways; start with its middle step, the one drawn in detail.
  const centre = () => document.querySelectorAll("figure.chain.wide .frame").forEach(frame => {
    frame.scrollLeft = (frame.scrollWidth - frame.clientWidth) / 2;
  });
  window.addEventListener("load", centre);
  document.querySelectorAll('input[name="style"]').forEach(radio => radio.addEventListener("change", centre));

  // The index: a search box and tag buttons that narrow the cards, all in the page (no server).
  const finder = document.querySelector(".finder");
  if (finder) {
    finder.hidden = false;
    const search = document.getElementById("search");
    const buttons = [...finder.querySelectorAll("button[data-tag]")];
    const cards = [...document.querySelectorAll(".cards > .card")];
    const found = finder.querySelector(".found");
    const none = document.querySelector(".none-found");
    const filter = () => {
      const words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
      const wanted = buttons.filter(b => b.getAttribute("aria-pressed") === "true").map(b => b.dataset.tag);
      let shown = 0;
      cards.forEach(card => {
        const tags = card.dataset.tags.split(" ");
        const ok = words.every(w => card.dataset.text.includes(w)) && wanted.every(t => tags.includes(t));
        card.hidden = !ok;
        shown += ok ? 1 : 0;
      });
      found.textContent = shown === cards.length ? "" : shown + " of " + cards.length + " cells";
      none.hidden = shown > 0;
    };
    search.addEventListener("input", filter);
    buttons.forEach(button => button.addEventListener("click", () => {
      button.setAttribute("aria-pressed", button.getAttribute("aria-pressed") === "true" ? "false" : "true");
      filter();
    }));
    filter();
  }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
    const area = document.createElement("textarea");  // file:// pages without the clipboard API
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    const ok = document.execCommand("copy");
    area.remove();
    return ok ? Promise.resolve() : Promise.reject(new Error("copy refused"));
  }
  document.querySelectorAll("button[data-copy]").forEach(button => button.addEventListener("click", () => {
    const source = document.getElementById(button.dataset.copy);
    const status = button.parentElement.querySelector(".copied");
    copyText(source.textContent).then(
      () => { status.textContent = "Copied."; },
      () => { status.textContent = "Select the text and copy it by hand."; });
  }));
})();
