// journeykit serve, the author's view: the pages follow the files as they are saved.
// The server sends an event each time it reloaded the project (/events); a guide page then
// asks what its pages are now (…/state) and swaps only the images that changed, so the
// scroll position stays; the home page fetches itself again and swaps its content.
"use strict";

(function () {
  const body = document.body;
  const RETRY_MS = 1000;

  function listen(onChange) {
    if (!window.EventSource) return;
    const events = new EventSource("/events");
    events.addEventListener("change", function (event) {
      onChange(Number(event.data));
    });
  }

  function item(list, found) {
    const li = document.createElement("li");
    if (found.where) {
      const where = document.createElement("code");
      where.className = "where";
      where.textContent = found.where;
      li.append(where, " ");
    }
    const message = document.createElement("span");
    message.className = "message";
    message.textContent = found.message;
    li.append(message);
    if (found.hint) {
      const hint = document.createElement("span");
      hint.className = "hint";
      hint.textContent = found.hint;
      li.append(" ", hint);
    }
    list.append(li);
  }

  function fill(section, found) {
    const list = section.querySelector("ul");
    list.replaceChildren();
    found.forEach(function (one) { item(list, one); });
    section.classList.toggle("hidden", found.length === 0);
  }

  // --- a guide's pages -------------------------------------------------------------------
  function guideView() {
    const pages = document.getElementById("pages");
    const status = document.getElementById("status");
    let running = false;
    let again = false;
    let seen = -1;

    function figure(index) {
      let shown = pages.children[index];
      if (shown) return shown;
      shown = document.createElement("figure");
      shown.className = "page";
      const img = document.createElement("img");
      img.alt = "Page " + (index + 1);
      const text = document.createElement("figcaption");
      text.className = "visually-hidden page-text";
      shown.append(img, text);
      pages.append(shown);
      return shown;
    }

    function show(page, index) {
      const shown = figure(index);
      const img = shown.querySelector("img");
      shown.querySelector("figcaption").textContent = page.text;
      if (img.getAttribute("src") === page.src) return Promise.resolve();
      // Load the new image first, then swap: the page never collapses, the scroll stays.
      return new Promise(function (resolve) {
        const next = new Image();
        next.onload = next.onerror = function () {
          img.width = page.width;
          img.height = page.height;
          img.src = page.src;
          resolve();
        };
        next.src = page.src;
      });
    }

    async function refresh() {
      if (running) { again = true; return; }
      running = true;
      try {
        do {
          again = false;
          status.textContent = "Rendering the pages…";
          const response = await fetch(pages.dataset.state, { cache: "no-store" });
          if (!response.ok) {
            status.textContent = "The server is busy; trying again.";
            await new Promise(function (r) { setTimeout(r, RETRY_MS); });
            again = true;
            continue;
          }
          const state = await response.json();
          fill(document.getElementById("problems"), state.problems);
          fill(document.getElementById("notices"), state.notices);
          await Promise.all(state.pages.map(show));
          while (pages.children.length > state.pages.length) pages.lastElementChild.remove();
          pages.dataset.generation = String(state.generation);
          pages.dataset.pdf = state.pdf;
          status.textContent = state.problems.length
            ? "Showing the last pages that could be made."
            : state.pages.length + " pages, up to date.";
          if (state.generation < seen) again = true;
        } while (again);
      } finally {
        running = false;
      }
    }

    listen(function (generation) {
      seen = Math.max(seen, generation);
      if (String(generation) !== pages.dataset.generation) refresh();
    });
    refresh();
  }

  // --- every guide -----------------------------------------------------------------------
  function homeView() {
    async function notices() {
      // One card at a time: each asks for its guide's render, which its thumbnails share.
      for (const card of document.querySelectorAll("article.card[data-state]")) {
        try {
          const response = await fetch(card.dataset.state, { cache: "no-store" });
          if (!response.ok) continue;
          const state = await response.json();
          const list = card.querySelector("ul.notices");
          list.replaceChildren();
          // The content's own problems are shown once, above every card.
          const loads = document.querySelector("section.problems.hidden") !== null;
          (loads ? state.problems : []).concat(state.notices).forEach(function (one) {
            item(list, one);
          });
        } catch (error) {
          return;
        }
      }
    }

    function retryThumbnails(root) {
      root.querySelectorAll(".thumbs img").forEach(function (img) {
        let tries = 0;
        img.addEventListener("error", function () {
          tries += 1;
          if (tries > 3) { img.classList.add("hidden"); return; }
          setTimeout(function () {
            const url = new URL(img.src);
            url.searchParams.set("try", String(tries));
            img.src = url.toString();
          }, RETRY_MS * tries);
        });
      });
    }

    async function reload() {
      const response = await fetch(location.href, { cache: "no-store" });
      if (!response.ok) return;
      const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
      document.getElementById("main").replaceChildren(...fresh.getElementById("main").childNodes);
      body.dataset.generation = fresh.body.dataset.generation;
      retryThumbnails(document);
      notices();
    }

    listen(function (generation) {
      if (String(generation) !== body.dataset.generation) reload();
    });
    retryThumbnails(document);
    notices();
  }

  if (body.dataset.view === "guide") guideView();
  if (body.dataset.view === "home") homeView();
})();
