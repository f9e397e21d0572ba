// The client's form: what is typed is kept in this browser (localStorage) until it is sent, so
// a reload loses nothing; sending fetches the documents and saves them as a download, then
// forgets what was kept. Without JavaScript the forms post as plain forms.
"use strict";

(function () {
  function fields(form) {
    return Array.from(form.elements).filter(function (el) {
      return el.name && el.name !== "csrf" && el.type !== "file" && el.type !== "submit";
    });
  }

  function keep(form) {
    var key = form.dataset.store;
    var values = {};
    fields(form).forEach(function (el) {
      values[el.name] = el.type === "checkbox" ? el.checked : el.value;
    });
    try {
      localStorage.setItem(key, JSON.stringify(values));
    } catch (e) {
      // storage full or off: the form still works, it is just not kept
    }
  }

  function restore(form) {
    var kept = null;
    try {
      kept = JSON.parse(localStorage.getItem(form.dataset.store) || "null");
    } catch (e) {
      kept = null;
    }
    if (!kept) return;
    fields(form).forEach(function (el) {
      if (!(el.name in kept)) return;
      if (el.type === "checkbox") el.checked = kept[el.name] === true;
      else el.value = String(kept[el.name]);
    });
  }

  function fileName(response, fallback) {
    // RFC 5987's filename* (a name in any script) before the plain ASCII filename
    var header = response.headers.get("content-disposition") || "";
    var wide = /filename\*=UTF-8''([^;\s]+)/i.exec(header);
    if (wide) {
      try {
        return decodeURIComponent(wide[1]);
      } catch (e) {
        // a malformed escape: the ASCII name below
      }
    }
    var match = /filename="([^"]+)"/.exec(header);
    return match ? match[1] : fallback;
  }

  function problem(html) {
    // an error page's heading and detail, as text
    var doc = new DOMParser().parseFromString(html, "text/html");
    return Array.from(doc.querySelectorAll("main h1, main .detail"))
      .map(function (el) { return el.textContent.trim(); })
      .join(" ");
  }

  function send(form, event) {
    event.preventDefault();
    var status = form.querySelector(".status");
    var button = form.querySelector("button[type=submit]");
    status.textContent = "…";
    status.classList.remove("error");
    button.disabled = true;
    fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          return response.text().then(function (text) { throw new Error(problem(text)); });
        }
        return response.blob().then(function (blob) {
          var link = document.createElement("a");
          link.href = URL.createObjectURL(blob);
          link.download = fileName(response, "documents.zip");
          document.body.appendChild(link);
          link.click();
          link.remove();
          setTimeout(function () { URL.revokeObjectURL(link.href); }, 60000);
          status.textContent = "✓ " + link.download;
          if (form.dataset.store) localStorage.removeItem(form.dataset.store);
        });
      })
      .catch(function (error) {
        status.textContent = error.message || String(error);
        status.classList.add("error");
      })
      .finally(function () { button.disabled = false; });
  }

  document.querySelectorAll("form[data-fetch]").forEach(function (form) {
    if (form.dataset.store) {
      restore(form);
      form.addEventListener("input", function () { keep(form); });
      form.addEventListener("change", function () { keep(form); });
    }
    form.addEventListener("submit", function (event) { send(form, event); });
  });
})();
