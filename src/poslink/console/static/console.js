// poslink console: keyboard actions and the catalog type-ahead. Plain JavaScript, no library.
// Keys: j/k next/previous, Enter open (queue), 1-3 accept a candidate, n not in catalog,
// / search, u undo; on the teach page y confirms and x skips.
"use strict";

(function () {
  const csrf = () => document.querySelector('meta[name="csrf"]').content;
  const page = document.body.dataset.page;

  function typing(event) {
    const t = event.target;
    return t && (t.tagName === "INPUT" || t.tagName === "SELECT" || t.tagName === "TEXTAREA");
  }

  function go(url) { if (url) { window.location.assign(url); } }

  function submit(form) { if (form) { form.requestSubmit ? form.requestSubmit() : form.submit(); } }

  // The queue: a highlighted row moved by j/k, opened by Enter.
  function queueKeys(event) {
    const rows = Array.from(document.querySelectorAll("tr.row"));
    if (!rows.length) { return false; }
    let at = rows.findIndex((r) => r.classList.contains("current"));
    if (event.key === "j" || event.key === "k") {
      rows[at].classList.remove("current");
      at = Math.max(0, Math.min(rows.length - 1, at + (event.key === "j" ? 1 : -1)));
      rows[at].classList.add("current");
      rows[at].scrollIntoView({ block: "nearest" });
      return true;
    }
    if (event.key === "Enter" || event.key === "o") { go(rows[at].dataset.href); return true; }
    return false;
  }

  // One item: accept by number, "none", skip and go back, search.
  function itemKeys(event) {
    const item = document.querySelector(".item");
    if (/^[1-9]$/.test(event.key)) {
      submit(document.querySelector('form.decide[data-key="' + event.key + '"]'));
      return true;
    }
    if (event.key === "n") { submit(document.querySelector('form.decide[data-key="n"]')); return true; }
    if (event.key === "j") { go(item.dataset.next); return true; }
    if (event.key === "k") { go(item.dataset.prev); return true; }
    if (event.key === "/") { document.getElementById("search").focus(); return true; }
    return false;
  }

  function learnKeys(event) {
    if (event.key === "y") { submit(document.getElementById("learn-form")); return true; }
    if (event.key === "x") { go(document.getElementById("not-now").href); return true; }
    return false;
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event)) { return; }
    let done = false;
    if (event.key === "u") { submit(document.getElementById("undo-form")); done = true; }
    else if (page === "queue") { done = queueKeys(event); }
    else if (page === "item") { done = itemKeys(event); }
    else if (page === "learn") { done = learnKeys(event); }
    if (done) { event.preventDefault(); }
  });

  // The type-ahead: results as forms that decide the item with the chosen product.
  const box = document.getElementById("search");
  if (!box) { return; }
  const list = document.getElementById("results");
  let timer = null;
  let asked = 0;

  function decideForm(product) {
    const form = document.createElement("form");
    form.method = "post";
    form.action = "/item/" + encodeURIComponent(box.dataset.group) + "/decide";
    form.className = "choose";
    for (const [name, value] of [["csrf", csrf()], ["answer", String(product.id)], ["next", box.dataset.next]]) {
      const input = document.createElement("input");
      input.type = "hidden";
      input.name = name;
      input.value = value;
      form.appendChild(input);
    }
    const button = document.createElement("button");
    button.type = "submit";
    button.textContent = "Choose";
    form.appendChild(button);
    return form;
  }

  function show(products) {
    list.replaceChildren();
    products.forEach(function (p, i) {
      const li = document.createElement("li");
      li.className = "result" + (i === 0 ? " current" : "");
      const text = document.createElement("span");
      text.textContent = p.brand + " | " + p.name + " (" + [p.type, p.subtype, p.lineage, p.amount].filter(Boolean).join(", ") + ") #" + p.id;
      li.appendChild(text);
      li.appendChild(decideForm(p));
      list.appendChild(li);
    });
  }

  box.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      const mine = ++asked;
      fetch("/search?q=" + encodeURIComponent(box.value), { credentials: "same-origin" })
        .then((r) => (r.ok ? r.json() : []))
        .then((products) => { if (mine === asked) { show(products); } });
    }, 120);
  });

  box.addEventListener("keydown", function (event) {
    const items = Array.from(list.querySelectorAll("li.result"));
    let at = items.findIndex((li) => li.classList.contains("current"));
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!items.length) { return; }
      items[at].classList.remove("current");
      at = Math.max(0, Math.min(items.length - 1, at + (event.key === "ArrowDown" ? 1 : -1)));
      items[at].classList.add("current");
      event.preventDefault();
    } else if (event.key === "Enter") {
      event.preventDefault();
      if (at >= 0) { submit(items[at].querySelector("form")); }
    } else if (event.key === "Escape") {
      box.blur();
    }
  });
})();
